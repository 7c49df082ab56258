// SSH signatures (OpenSSH's PROTOCOL.sshsig, what `ssh-keygen -Y sign` makes) with an ed25519 key,
// in Node: a server checks them with `ssh-keygen -Y verify`, which every OpenSSH since 8.1 has.
// Skiff signs its root helper with a key kept in the desktop's keychain (helperUpdate.ts).
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';

function sshString(b: Buffer | string): Buffer {
  const data = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  return Buffer.concat([len, data]);
}

export interface SigningKey {
  /** PKCS#8 PEM of the ed25519 private key (kept in the keychain). */
  privatePem: string;
  /** `ssh-ed25519 AAAA…`, the line a server lists as an allowed signer. */
  publicKey: string;
}

function publicBlob(privatePem: string): Buffer {
  const jwk = createPublicKey(createPrivateKey(privatePem)).export({ format: 'jwk' }) as { x: string };
  return Buffer.concat([sshString('ssh-ed25519'), sshString(Buffer.from(jwk.x, 'base64url'))]);
}

export function generateSigningKey(): SigningKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  const privatePem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  return { privatePem, publicKey: signingPublicKey(privatePem) };
}

export function signingPublicKey(privatePem: string): string {
  return `ssh-ed25519 ${publicBlob(privatePem).toString('base64')}`;
}

/** An armored SSH signature of `message` in `namespace` (sha512, as ssh-keygen makes by default). */
export function sshSign(message: Buffer | string, privatePem: string, namespace: string): string {
  const hash = createHash('sha512').update(message).digest();
  const signed = Buffer.concat([Buffer.from('SSHSIG'), sshString(namespace), sshString(''), sshString('sha512'), sshString(hash)]);
  const raw = sign(null, signed, createPrivateKey(privatePem));
  const blob = Buffer.concat([
    Buffer.from('SSHSIG'), Buffer.from([0, 0, 0, 1]),
    sshString(publicBlob(privatePem)), sshString(namespace), sshString(''), sshString('sha512'),
    sshString(Buffer.concat([sshString('ssh-ed25519'), sshString(raw)])),
  ]);
  const b64 = blob.toString('base64').replace(/.{1,70}/g, '$&\n');
  return `-----BEGIN SSH SIGNATURE-----\n${b64}-----END SSH SIGNATURE-----\n`;
}
