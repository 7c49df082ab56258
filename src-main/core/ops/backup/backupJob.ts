// The state backup, restore and drill jobs share (an app job plus the backup it works on), and the
// "Back up now" and "Download" recipes. Each takes the app's lock like a deploy: the lock task also
// brings the server's helper up to date, and a deploy never runs under a backup.
import type { Backup, BackupKind } from '../../../../src-shared/domain';
import type { JobDefinition } from '../../jobs/runner';
import { appJobDefinition, newAppJob, type AppJob } from '../app/appJob';
import { lockApp } from '../app/tasks/lock';
import type { OpsDeps } from '../deps';
import { applyRetention } from './tasks/retention';
import { pullHome } from './tasks/pull';
import { takeBackup } from './tasks/take';

export interface BackupJob extends AppJob {
  /** The backup the job made or works on. */
  backup?: Backup;
}

export function backupNowJob(deps: OpsDeps, appId: string, kind: BackupKind = 'manual'): JobDefinition {
  const job: BackupJob = newAppJob(deps, appId);
  return appJobDefinition(job, {
    kind: 'backup',
    title: `Back up ${job.app.name} on ${job.server.name}`,
    tasks: [lockApp(), takeBackup(kind), pullHome(), applyRetention()],
  });
}

/** Brings a backup that is only on the server to this computer. */
export function downloadBackupJob(deps: OpsDeps, backup: Backup): JobDefinition {
  const job: BackupJob = { ...newAppJob(deps, backup.appId), backup };
  return appJobDefinition(job, {
    kind: 'backup',
    title: `Download backup ${backup.id} of ${job.app.name}`,
    tasks: [lockApp(), pullHome()],
  });
}
