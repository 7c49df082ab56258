// Restore a backup into an app (its own, or another app on any server: a move). The recipe reads
// as its steps; everything that can refuse does so before the app stops, and a failure after the
// stop puts the previous data and release back by itself.
import type { Backup } from '../../../../src-shared/domain';
import type { JobDefinition } from '../../jobs/runner';
import { appJobDefinition, newAppJob } from '../app/appJob';
import { lockApp } from '../app/tasks/lock';
import type { OpsDeps } from '../deps';
import { placeOnServer } from './tasks/place';
import { checkRestore, dropForeignCopy, startRestored, stopAndSnapshot, swapData, undoRestore, type RestoreJob } from './tasks/restore';

export function restoreJob(deps: OpsDeps, backup: Backup, appId: string): JobDefinition {
  const job: RestoreJob = { ...newAppJob(deps, appId), backup, swapped: false };
  const from = backup.appId === appId ? '' : ` (from ${backup.appName} on ${backup.serverName})`;
  return appJobDefinition(job, {
    kind: 'restore',
    title: `Restore ${job.app.name} on ${job.server.name} to backup ${backup.id}${from}`,
    tasks: [lockApp(), placeOnServer(), checkRestore(), stopAndSnapshot(), swapData(), startRestored(), dropForeignCopy()],
    rollBack: undoRestore,
  });
}
