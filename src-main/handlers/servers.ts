// servers.* : thin adapters from contract inputs to ServerService and the server jobs.
import type { SkiffCore } from '../core/skiffCore';
import type { Handlers } from './index';

type ServerMethods =
  | 'servers.list' | 'servers.get' | 'servers.add' | 'servers.update' | 'servers.remove'
  | 'servers.scanHostKey' | 'servers.trustHostKey' | 'servers.testConnection' | 'servers.publicKey'
  | 'servers.setup' | 'servers.hardenPreview' | 'servers.harden' | 'servers.audit' | 'servers.migrate';

export function serverHandlers({ servers, ops }: SkiffCore): Pick<Handlers, ServerMethods> {
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
    'servers.setup': async ({ id, appUser }) => { servers.get(id); return ops.setup(id, appUser); },
    'servers.hardenPreview': ({ id, dropEcdsa }) => ops.hardenPreview(id, { dropEcdsa }),
    'servers.harden': async ({ id, resolveConflicts, dropEcdsa }) => ops.harden(id, { resolveConflicts, dropEcdsa }),
    'servers.audit': async ({ id }) => { servers.get(id); return ops.audit(id); },
    'servers.migrate': async ({ id }) => ops.migrate(id),
  };
}
