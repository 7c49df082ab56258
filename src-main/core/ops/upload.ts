// Uploads over SFTP with parallel writes (fastPut: 4 requests in flight, 255 KiB chunks, measured
// ~1.3× the defaults here; a plain write stream does one write at a time and crawls).
import type { NodeSSH } from 'node-ssh';
import { SkiffError } from '../../../src-shared/errors';
import { withChannel } from '../ssh/channels';

export const UPLOAD_TUNING = { concurrency: 4, chunkSize: 261120 } as const;

/** Uploads and bytes sent since start (the bench reads them). */
export const uploadStats = { uploads: 0, bytes: 0 };

/** An upload with no progress for this long is declared dead (the connection may hang silently). */
export const STALL_MS = 30_000;

export async function uploadFile(ssh: NodeSSH, local: string, remote: string, onProgress: (bytes: number, total: number) => void): Promise<void> {
  if (!ssh.connection) throw new SkiffError('UPLOAD_FAILED', { detail: 'not connected' });
  return withChannel(ssh.connection, () => uploadOverSftp(ssh, local, remote, onProgress));
}

async function uploadOverSftp(ssh: NodeSSH, local: string, remote: string, onProgress: (bytes: number, total: number) => void): Promise<void> {
  let sftp;
  try {
    sftp = await ssh.requestSFTP();
  } catch (e) {
    throw new SkiffError('UPLOAD_FAILED', { detail: (e as Error).message });
  }
  const client = ssh.connection;
  let onClose: (() => void) | undefined;
  let stall: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      // fastPut does not always call back when the connection dies under it: watch the
      // connection and the SFTP channel, and the progress itself.
      onClose = () => reject(new Error('the SSH connection closed during the upload'));
      client?.once('close', onClose);
      sftp.once('close', onClose);
      const arm = () => {
        clearTimeout(stall);
        stall = setTimeout(() => reject(new Error(`no progress for ${STALL_MS / 1000} s`)), STALL_MS);
      };
      arm();
      uploadStats.uploads++;
      let last = 0;
      sftp.fastPut(local, remote, {
        ...UPLOAD_TUNING,
        step: (transferred, _chunk, total) => { arm(); uploadStats.bytes += transferred - last; last = transferred; onProgress(transferred, total); },
      }, (err) => (err ? reject(err) : resolve()));
    });
  } catch (e) {
    throw new SkiffError('UPLOAD_FAILED', { detail: (e as Error).message });
  } finally {
    clearTimeout(stall);
    if (onClose) { client?.removeListener('close', onClose); sftp.removeListener('close', onClose); }
    sftp.end();
  }
}
