// Private keys: inspect and decrypt what the user gives us (once per session: decrypting a
// passphrase-protected key costs ~270 ms), and generate ed25519 keys in OpenSSH format.
// ssh2 is CommonJS; Node's ESM loader cannot see its named exports, so take the default.
import ssh2, { type ParsedKey } from 'ssh2';
import { SkiffError } from '../../../src-shared/errors';

const { utils } = ssh2;

export interface PrivateKeyInfo {
  algorithm: string;
  encrypted: boolean;
  /** `ssh-ed25519 AAAA... comment`, the line that goes into authorized_keys. */
  publicKey: string;
}

export function publicKeyLine(key: ParsedKey, comment = key.comment): string {
  return `${key.type} ${key.getPublicSSH().toString('base64')}${comment ? ` ${comment}` : ''}`;
}

/** Parses (and decrypts) a private key; throws a SkiffError saying exactly what is wrong. */
export function decryptPrivateKey(text: string, passphrase?: string): ParsedKey {
  const encrypted = isEncryptedKey(text);
  if (encrypted && !passphrase) throw new SkiffError('PASSPHRASE_REQUIRED');
  const parsed = utils.parseKey(text, encrypted ? passphrase : undefined);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key instanceof Error || !key) {
    const msg = key instanceof Error ? key.message : 'no key found';
    if (/passphrase|decrypt|integrity/i.test(msg)) throw new SkiffError('BAD_PASSPHRASE');
    throw new SkiffError('BAD_PRIVATE_KEY', { detail: msg });
  }
  if (!key.isPrivateKey()) throw new SkiffError('BAD_PRIVATE_KEY', { message: 'That is a public key, not a private key.' });
  return key;
}

export function inspectPrivateKey(text: string, passphrase?: string): PrivateKeyInfo {
  const key = decryptPrivateKey(text, passphrase);
  return { algorithm: key.type, encrypted: isEncryptedKey(text), publicKey: publicKeyLine(key) };
}

/** True when the key needs a passphrase (OpenSSH's new format, or a PEM with Proc-Type ENCRYPTED). */
export function isEncryptedKey(text: string): boolean {
  if (/Proc-Type:\s*4,ENCRYPTED/.test(text) || /BEGIN ENCRYPTED PRIVATE KEY/.test(text)) return true;
  const probe = utils.parseKey(text);
  return probe instanceof Error && /no passphrase given|encrypted/i.test(probe.message);
}

export interface GeneratedKeyPair { privateKey: string; publicKey: string }

export function generateEd25519(comment: string): GeneratedKeyPair {
  const pair = utils.generateKeyPairSync('ed25519', { comment });
  return { privateKey: pair.private, publicKey: pair.public.trim() };
}
