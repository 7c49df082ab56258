// host.* : what the renderer needs to know about the host and the keychain.
import os from 'node:os';
import type { SkiffCore } from '../core/skiffCore';
import type { Handlers, HostInfo } from './index';

export function hostHandlers(core: SkiffCore, host: HostInfo): Pick<Handlers, 'host.info'> {
  return {
    'host.info': async () => ({
      version: host.version,
      host: host.host,
      keychain: await core.vault.probe(),
      platform: `${os.platform()} ${os.arch()}`,
    }),
  };
}
