// Encryption of backups kept on this computer: age (X25519), with the identity in the keychain
// and nowhere else. Encrypting needs only the recipient (public); reading a backup back needs the
// identity, so a copied backup file is useless without this computer's keychain.
import { PassThrough, Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Decrypter, Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { SkiffError } from '../../../src-shared/errors';
import { secretKey, type Vault } from '../vault/vault';

/** The age identity for backups, created on first use. */
export async function backupIdentity(vault: Vault, create = true): Promise<string | null> {
  const have = await vault.get(secretKey.backupKey());
  if (have || !create) return have;
  const id = await generateX25519Identity();
  await vault.set(secretKey.backupKey(), id);
  return id;
}

export async function backupRecipient(vault: Vault): Promise<string> {
  return identityToRecipient((await backupIdentity(vault))!);
}

/** A stream of the ciphertext of `plain`. */
export async function encryptStream(plain: Readable, recipient: string): Promise<Readable> {
  const e = new Encrypter();
  e.addRecipient(recipient);
  const out = await e.encrypt(Readable.toWeb(plain) as unknown as ReadableStream<Uint8Array>);
  return Readable.fromWeb(out as unknown as WebReadableStream<Uint8Array>);
}

/** A stream of the plaintext of `cipher`; a wrong key is refused before any byte flows. */
export async function decryptStream(cipher: Readable, identity: string | null): Promise<Readable> {
  if (!identity) throw new SkiffError('BACKUP_KEY_WRONG', { message: 'This backup is encrypted and this computer\'s keychain holds no backup key.' });
  const d = new Decrypter();
  d.addIdentity(identity);
  let out;
  try {
    out = await d.decrypt(Readable.toWeb(cipher) as unknown as ReadableStream<Uint8Array>);
  } catch (e) {
    const msg = (e as Error).message;
    if (/no identity matched/.test(msg)) throw new SkiffError('BACKUP_KEY_WRONG');
    throw new SkiffError('BACKUP_DAMAGED', { message: 'This encrypted backup is damaged: its header cannot be read.', detail: msg });
  }
  const plain = Readable.fromWeb(out as unknown as WebReadableStream<Uint8Array>);
  // A flipped byte anywhere fails its chunk's tag: say so in Skiff's words.
  const mapped = new PassThrough();
  plain.on('error', (e) => mapped.destroy(new SkiffError('BACKUP_DAMAGED', { message: 'This encrypted backup is damaged: part of it fails its authentication check.', detail: e.message })));
  return plain.pipe(mapped);
}
