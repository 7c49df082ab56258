// sshConfig.* : read and import hosts from ~/.ssh/config.
import type { SkiffCore } from '../core/skiffCore';
import type { Handlers } from './index';

export function sshConfigHandlers({ servers }: SkiffCore): Pick<Handlers, 'sshConfig.read' | 'sshConfig.import'> {
  return {
    'sshConfig.read': ({ path }) => servers.readSshConfig(path),
    'sshConfig.import': ({ path, aliases }) => servers.importSshConfig(path, aliases),
  };
}
