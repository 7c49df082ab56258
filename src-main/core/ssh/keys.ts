// Private keys: inspect and decrypt what the user gives us (once per session: decrypting a
// passphrase-protected key costs ~270 ms), and generate ed25519 keys in OpenSSH format.
// ssh2 is CommonJS; Node's ESM loader cannot see its named exports, so take the default.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
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

/**
 * A fresh ed25519 pair in OpenSSH's own format. Encoded here rather than by ssh2's generator, which
 * drops a leading zero byte of the public key (about one key in 200 came out malformed and could
 * never log in).
 */
export function generateEd25519(comment: string): GeneratedKeyPair {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  return encodeEd25519(Buffer.from(jwk.d!, 'base64url'), Buffer.from(jwk.x!, 'base64url'), comment);
}

/** OpenSSH "openssh-key-v1" encoding of an unencrypted ed25519 key (PROTOCOL.key in OpenSSH). */
export function encodeEd25519(seed: Buffer, pub: Buffer, comment: string): GeneratedKeyPair {
  if (seed.length !== 32 || pub.length !== 32) throw new Error('ed25519 keys are 32 bytes');
  const str = (b: Buffer | string) => {
    const body = typeof b === 'string' ? Buffer.from(b) : b;
    const len = Buffer.alloc(4);
    len.writeUInt32BE(body.length);
    return Buffer.concat([len, body]);
  };
  const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
  const pubBlob = Buffer.concat([str('ssh-ed25519'), str(pub)]);
  const check = randomBytes(4).readUInt32BE();
  let secret = Buffer.concat([u32(check), u32(check), pubBlob, str(Buffer.concat([seed, pub])), str(comment)]);
  const pad = (8 - (secret.length % 8)) % 8;
  secret = Buffer.concat([secret, Buffer.from(Array.from({ length: pad }, (_, i) => i + 1))]);
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0'), str('none'), str('none'), str(''), u32(1), str(pubBlob), str(secret),
  ]).toString('base64');
  const lines = body.match(/.{1,70}/g)!.join('\n');
  return {
    privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines}\n-----END OPENSSH PRIVATE KEY-----\n`,
    publicKey: `ssh-ed25519 ${pubBlob.toString('base64')}${comment ? ` ${comment}` : ''}`,
  };
}
