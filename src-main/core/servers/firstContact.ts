// First contact with a password: log in once with it, install a key Skiff generates into the
// login user's authorized_keys, prove the key works, then forget the password.
import type { Server, ServerAuth } from '../../../src-shared/domain';
import { SkiffError } from '../../../src-shared/errors';
import { sh } from '../remote/quote';
import { connectSsh } from '../ssh/connect';
import { runScript } from '../ssh/exec';
import { decryptPrivateKey, generateEd25519 } from '../ssh/keys';

export interface InstalledKey { auth: ServerAuth & { kind: 'generated' }; privateKey: string }

export function authorizeKeyScript(publicKey: string): string {
  return sh`umask 077
mkdir -p ~/.ssh
touch ~/.ssh/authorized_keys
grep -qxF ${publicKey} ~/.ssh/authorized_keys || printf '%s\\n' ${publicKey} >> ~/.ssh/authorized_keys
chmod 700 ~/.ssh && chmod 600 ~/.ssh/authorized_keys`.text;
}

export async function replacePasswordWithKey(server: Server, password: string, readyTimeoutMs?: number): Promise<InstalledKey> {
  if (!server.hostKey) throw new SkiffError('HOST_KEY_UNTRUSTED');
  const target = { host: server.host, port: server.port, user: server.user, fingerprint: server.hostKey.fingerprint, readyTimeoutMs };
  const pair = generateEd25519(`skiff-${server.id}`);
  const withPassword = await connectSsh({ ...target, credentials: { kind: 'password', password } });
  try {
    await runScript(withPassword, authorizeKeyScript(pair.publicKey), { check: true });
  } finally {
    withPassword.dispose();
  }
  // The key must log in on its own before the password is given up.
  const withKey = await connectSsh({ ...target, credentials: { kind: 'key', key: decryptPrivateKey(pair.privateKey) } }).catch((e: unknown) => {
    throw new SkiffError('AUTH_FAILED', {
      message: 'Skiff installed its key, but the server does not accept it (sshd may not allow public-key logins).',
      detail: e instanceof Error ? e.message : String(e),
    });
  });
  withKey.dispose();
  return { auth: { kind: 'generated', publicKey: pair.publicKey }, privateKey: pair.privateKey };
}
