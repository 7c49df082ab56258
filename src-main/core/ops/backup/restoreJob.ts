// Restore a backup into an app (its own, or another app on any server: a move). The recipe reads
// as its steps; everything that can refuse does so before the app stops, and a failure after the
// stop puts the previous data and release back by itself.
import type { Backup, Version } from '../../../../src-shared/domain';
import type { JobDefinition } from '../../jobs/runner';
import { appJobDefinition, newAppJob } from '../app/appJob';
import { lockApp } from '../app/tasks/lock';
import type { OpsDeps } from '../deps';
import { placeOnServer } from './tasks/place';
import { checkRestore, dropForeignCopy, startRestored, stopAndSnapshot, swapData, undoRestore, type RestoreJob } from './tasks/restore';

/** `version`: the version the backup was made with, from the library, for when the server lacks its release. */
export function restoreJob(deps: OpsDeps, backup: Backup, appId: string, version?: Version): JobDefinition {
  const job: RestoreJob = { ...newAppJob(deps, appId), backup, swapped: false };
  const from = backup.appId === appId ? '' : ` (from ${backup.appName} on ${backup.serverName})`;
  return appJobDefinition(job, {
    kind: 'restore',
    title: `Restore ${job.app.name} on ${job.server.name} to backup ${backup.id}${from}`,
    tasks: [lockApp(), placeOnServer(), checkRestore(version), stopAndSnapshot(), swapData(), startRestored(), dropForeignCopy()],
    rollBack: undoRestore,
  });
}
