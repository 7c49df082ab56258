// The public keys a running ssh-agent offers (to authorize them for the app user).
import ssh2, { type ParsedKey } from 'ssh2';
import { SkiffError } from '../../../src-shared/errors';
import { publicKeyLine } from './keys';

export function agentPublicKeys(socket: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    new ssh2.OpenSSHAgent(socket).getIdentities((err, keys) => {
      if (err) return reject(new SkiffError('AGENT_UNAVAILABLE', { detail: err.message }));
      if (!keys?.length) return reject(new SkiffError('AGENT_UNAVAILABLE', { message: 'Your ssh-agent holds no keys.', fix: 'Add your key with ssh-add, then try again.' }));
      // Entries may wrap the key ({ pubKey }) depending on the agent type.
      resolve(keys.map((k) => publicKeyLine(('pubKey' in k ? k.pubKey : k) as ParsedKey)));
    });
  });
}
