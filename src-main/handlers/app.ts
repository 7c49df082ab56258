// app.* : what the renderer needs to know about the host and the keychain.
import os from 'node:os';
import type { SkiffCore } from '../core/skiffCore';
import type { Handlers, HostInfo } from './index';

export function appInfoHandlers(core: SkiffCore, host: HostInfo): Pick<Handlers, 'app.info'> {
  return {
    'app.info': async () => ({
      version: host.version,
      host: host.host,
      keychain: await core.vault.probe(),
      platform: `${os.platform()} ${os.arch()}`,
    }),
  };
}
