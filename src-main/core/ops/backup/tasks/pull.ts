// Bring a backup from the server to this computer, every part checked against the manifest as it
// arrives, encrypted on the way to disk when the user turned that on.
import { SkiffError } from '../../../../../src-shared/errors';
import { backupRecipient } from '../../../backups/encryption';
import { archiveBytes } from '../../../backups/records';
import { pullBackup } from '../../../backups/transfer';
import { ensurePrivateDir } from '../../../store/dataDir';
import { connection, type AppTask } from '../../app/appJob';
import type { BackupJob } from '../backupJob';
import path from 'node:path';

export function pullHome(): AppTask<BackupJob> {
  return {
    title: 'Bring the backup to this computer and check every part',
    run: async (job, ctx) => {
      const b = job.backup!;
      if (b.copies.desktop) return { skipped: true, note: 'already on this computer' };
      if (!b.copies.server) throw new SkiffError('BACKUP_NO_COPY');
      const { backups, vault } = job.deps;
      const encrypt = backups.settings().encrypt;
      const file = backups.localFile(b, encrypt);
      ensurePrivateDir(path.dirname(file));
      const total = archiveBytes(b);
      const started = Date.now();
      const got = await pullBackup(await connection(job), b.appName, b.id, file, {
        recipient: encrypt ? await backupRecipient(vault) : undefined,
        onBytes: (n) => ctx.progress(n, Math.max(total, n)),
      });
      job.backup = backups.addCopy(b.id, { desktop: { bytes: got.fileBytes, sha256: got.sha256, encrypted: encrypt } });
      const secs = Math.max((Date.now() - started) / 1000, 0.001);
      return { note: `${(got.bytes / 1048576).toFixed(1)} MB in ${secs.toFixed(1)} s (${(got.bytes / 1048576 / secs).toFixed(1)} MiB/s), every part matches its sha256${encrypt ? ', encrypted with this computer\'s backup key' : ''}` };
    },
  };
}
