// Host-key fingerprints in OpenSSH's format, from the raw key blob the server presents.
import { createHash } from 'node:crypto';

/** `SHA256:<base64 without padding>`, identical to `ssh-keygen -lf`. */
export function sha256Fingerprint(keyBlob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '');
}

/** The algorithm name is the first length-prefixed string of the blob (e.g. `ssh-ed25519`). */
export function keyAlgorithm(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const len = keyBlob.readUInt32BE(0);
  if (len <= 0 || len > 64 || keyBlob.length < 4 + len) return 'unknown';
  return keyBlob.subarray(4, 4 + len).toString('ascii');
}
