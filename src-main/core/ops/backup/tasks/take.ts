// Take a backup on the server: SQLite's online backup of each database and the stored files, read
// as the app's service user while the app keeps serving, plus the release's hooks and migrations.
import type { Backup, BackupKind } from '../../../../../src-shared/domain';
import type { StepContext } from '../../../jobs/runner';
import { manifestFromBase64 } from '../../../backups/manifest';
import { partsBytes, newBackupId, recordFromManifest } from '../../../backups/records';
import { helperCall } from '../../../remote/helper/verbs';
import { kvOne, parseKv } from '../../../remote/readBack';
import { connection, type AppJob, type AppTask } from '../../app/appJob';
import type { BackupJob } from '../backupJob';

/** Takes a backup of the job's app on its server and lists it (a server copy). */
export async function createBackup(job: AppJob, ctx: StepContext, kind: BackupKind): Promise<Backup> {
  const id = newBackupId();
  const res = await ctx.exec(await connection(job), helperCall('backup-create', [job.app.name, id, kind, job.app.binary]).text, { hideKeyValues: true });
  const manifest = manifestFromBase64(kvOne(parseKv(res.stdout), 'manifest'), `backup ${id}`);
  const b = job.deps.backups.save(recordFromManifest(manifest, job.deps.apps.get(job.app.id), job.server, partsBytes(manifest)));
  ctx.log(`${id}: ${manifest.parts.length} parts, ${(partsBytes(manifest) / 1048576).toFixed(1)} MB compressed (release ${manifest.release}, PocketBase ${manifest.pocketbase})`);
  return b;
}

export function takeBackup(kind: BackupKind): AppTask<BackupJob> {
  return {
    title: 'Take a consistent backup on the server (the app keeps serving)',
    run: async (job, ctx) => {
      job.backup = await createBackup(job, ctx, kind);
      return { note: job.backup.id };
    },
  };
}
