// Moving a backup between a server and this computer. Coming down, the archive is checked part by
// part as it arrives (and encrypted on the way to disk when asked); going up, a local copy is read
// and checked whole before a byte is sent, then streamed to the helper, which checks it again.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, renameSync, rmSync, statSync } from 'node:fs';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { NodeSSH } from 'node-ssh';
import type { BackupManifest } from '../../../src-shared/domain';
import { SkiffError } from '../../../src-shared/errors';
import { helperCall } from '../remote/helper/verbs';
import { helperReason } from '../remote/readBack';
import { execStream } from '../ssh/stream';
import { privateFile } from '../store/dataDir';
import { ArchiveCheck } from './archiveCheck';
import { decryptStream, encryptStream } from './encryption';

export interface PulledBackup { manifest: BackupManifest; bytes: number; sha256: string; fileBytes: number }

/** A Transform that checks the archive and hashes it as it passes. */
function checking(onBytes?: (bytes: number) => void): { tap: Transform; check: ArchiveCheck; hash: ReturnType<typeof createHash> } {
  const check = new ArchiveCheck();
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      try {
        check.feed(chunk);
        hash.update(chunk);
        onBytes?.(check.bytes);
        cb(null, chunk);
      } catch (e) {
        cb(e as Error);
      }
    },
  });
  return { tap, check, hash };
}

/** A refusal of a backup verb, in Skiff's words (damaged backup, full disk) where it is one of those. */
export function backupFailure(code: number, stderr: string): SkiffError {
  const why = helperReason(stderr);
  if (why && /damaged|not a Skiff backup|not a part|not a plain file|names a file twice/.test(why)) return new SkiffError('BACKUP_DAMAGED', { message: `The server refused the backup: ${why}.` });
  if (why && /not enough free disk|disk is full/.test(why)) return new SkiffError('DISK_FULL', { message: `The server has no room for this: ${why}.` });
  return new SkiffError('REMOTE_COMMAND_FAILED', { detail: `exit ${code}: ${stderr.trim().slice(-400)}` });
}

/** Streams backup `id` of `app` down into `dest`, checking every part; encrypted to `recipient` when given. */
export async function pullBackup(ssh: NodeSSH, app: string, id: string, dest: string, o: { recipient?: string; onBytes?: (bytes: number) => void } = {}): Promise<PulledBackup> {
  const part = `${dest}.part`;
  const { tap, check, hash } = checking(o.onBytes);
  const toDisk = (async () => {
    const source: Readable = o.recipient ? await encryptStream(tap, o.recipient) : tap;
    await pipeline(source, createWriteStream(part, privateFile));
  })();
  try {
    const [res] = await Promise.all([execStream(ssh, helperCall('backup-read', [app, id]), { stdout: tap }), toDisk]);
    if (res.code !== 0) throw backupFailure(res.code, res.stderr);
    const manifest = check.finish();
    if (manifest.id !== id || manifest.app !== app) throw new SkiffError('BACKUP_DAMAGED', { message: `The server sent backup ${manifest.app}/${manifest.id} for ${app}/${id}.` });
    renameSync(part, dest);
    return { manifest, bytes: check.bytes, sha256: hash.digest('hex'), fileBytes: statSync(dest).size };
  } catch (e) {
    rmSync(part, { force: true });
    throw e;
  }
}

/** The archive's plaintext, decrypted when the file is encrypted. */
async function openLocal(file: string, identity: string | null | undefined): Promise<Readable> {
  const raw = createReadStream(file);
  return identity !== undefined ? decryptStream(raw, identity) : raw;
}

/**
 * Reads a local backup whole and checks it (key, every part, the archive's hash when known).
 * `identity` is given (string or null) when the file is encrypted.
 */
export async function checkLocalBackup(file: string, o: { identity?: string | null; sha256?: string } = {}): Promise<{ manifest: BackupManifest; sha256: string }> {
  const { tap, check, hash } = checking();
  try {
    await pipeline(await openLocal(file, o.identity), tap, new Writable({ write: (_c, _e, cb) => cb() }));
  } catch (e) {
    if (e instanceof SkiffError) throw e;
    throw new SkiffError('BACKUP_DAMAGED', { message: `This computer's copy of the backup cannot be read: ${(e as Error).message}.` });
  }
  const manifest = check.finish();
  const sha256 = hash.digest('hex');
  if (o.sha256 && sha256 !== o.sha256) throw new SkiffError('BACKUP_DAMAGED', { message: 'This computer\'s copy of the backup does not match the hash recorded when it arrived.' });
  return { manifest, sha256 };
}

/** Sends a local backup (already checked with checkLocalBackup) to the server's backup store. */
export async function pushBackup(ssh: NodeSSH, app: string, id: string, file: string, o: { identity?: string | null; onBytes?: (bytes: number) => void } = {}): Promise<void> {
  let sent = 0;
  const count = new Transform({ transform(chunk: Buffer, _e, cb) { sent += chunk.length; o.onBytes?.(sent); cb(null, chunk); } });
  // A read or decrypt error ends the upload with that error (the server then drops what it got).
  pipeline(await openLocal(file, o.identity), count).catch((e: Error) => count.destroy(e));
  const res = await execStream(ssh, helperCall('backup-receive', [app, id]), { stdin: count });
  if (res.code !== 0) throw backupFailure(res.code, res.stderr);
}
