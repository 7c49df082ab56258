// servers.* and sshConfig.* : thin adapters from contract inputs to ServerService.
import type { SkiffCore } from '../core/skiffCore';
import type { Handlers } from './index';

type ServerMethods =
  | 'servers.list' | 'servers.get' | 'servers.add' | 'servers.update' | 'servers.remove'
  | 'servers.scanHostKey' | 'servers.trustHostKey' | 'servers.testConnection' | 'servers.publicKey'
  | 'sshConfig.read' | 'sshConfig.import';

export function serverHandlers({ servers }: SkiffCore): Pick<Handlers, ServerMethods> {
  return {
    'servers.list': async () => servers.list(),
    'servers.get': async ({ id }) => servers.get(id),
    'servers.add': (input) => servers.add(input),
    'servers.update': (input) => servers.update(input),
    'servers.remove': async ({ id }) => { await servers.remove(id); return { removed: true as const }; },
    'servers.scanHostKey': ({ id }) => servers.scanHostKey(id),
    'servers.trustHostKey': ({ id, fingerprint, replace }) => servers.trustHostKey(id, fingerprint, replace),
    'servers.testConnection': ({ id }) => servers.testConnection(id),
    'servers.publicKey': async ({ id }) => ({ publicKey: servers.publicKey(id) }),
    'sshConfig.read': ({ path }) => servers.readSshConfig(path),
    'sshConfig.import': ({ path, aliases }) => servers.importSshConfig(path, aliases),
  };
}
