// Make sure the backup is in the job's app's backup store on its server. A copy that is only on
// this computer (or belongs to another app or server: a move) is read and checked whole here first
// (hash, key, every part), so a damaged copy or a wrong key is refused before anything is stopped;
// the helper checks it again when it arrives.
import { SkiffError } from '../../../../../src-shared/errors';
import { backupIdentity } from '../../../backups/encryption';
import { archiveBytes, partsBytes } from '../../../backups/records';
import { checkLocalBackup, pushBackup } from '../../../backups/transfer';
import { connection, type AppTask } from '../../app/appJob';
import type { BackupJob } from '../backupJob';

export interface PlacedJob extends BackupJob {
  /** The backup was sent to a server that is not its own app's: remove that copy once used. */
  placedForeign?: boolean;
}

export function placeOnServer(): AppTask<PlacedJob> {
  return {
    title: 'Check the backup and make sure the server has it',
    run: async (job, ctx) => {
      const b = job.backup!;
      const own = b.appId === job.app.id;
      if (own && b.copies.server) return { skipped: true, note: 'the server has it; it is checked there before anything stops' };
      if (!b.copies.desktop) throw new SkiffError('BACKUP_NO_COPY', { message: own ? 'This backup is no longer on the server, and this computer has no copy.' : 'This computer has no copy of this backup to send to the other server.', fix: own ? 'Pick another backup.' : 'Download the backup to this computer first.' });
      const { backups, vault } = job.deps;
      const file = backups.localFile(b, b.copies.desktop.encrypted);
      const identity = b.copies.desktop.encrypted ? await backupIdentity(vault, false) : undefined;
      const checked = await checkLocalBackup(file, { identity, sha256: b.copies.desktop.sha256 });
      ctx.log(`this computer's copy is intact: ${checked.manifest.parts.length} parts match the manifest${identity !== undefined ? ' (decrypted with the backup key)' : ''}`);
      const total = archiveBytes(b);
      await pushBackup(await connection(job), job.app.name, b.id, file, { identity, onBytes: (n) => ctx.progress(n, Math.max(total, n)) });
      if (own) job.backup = backups.addCopy(b.id, { server: { bytes: partsBytes(b) } });
      else job.placedForeign = true;
      return { note: 'sent; the server checked every part again' };
    },
  };
}
