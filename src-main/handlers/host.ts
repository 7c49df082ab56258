// host.* : what the renderer needs to know about the host and the keychain.
import os from 'node:os';
import type { SkiffCore } from '../core/skiffCore';
import type { Handlers, HostInfo } from './index';

export function hostHandlers(core: SkiffCore, host: HostInfo): Pick<Handlers, 'host.info' | 'host.preferences' | 'host.setPreferences'> {
  return {
    'host.preferences': async () => core.preferences.get(),
    'host.setPreferences': async (change) => core.preferences.set(change),
    'host.info': async () => ({
      version: host.version,
      host: host.host,
      keychain: await core.vault.probe(),
      platform: `${os.platform()} ${os.arch()}`,
    }),
  };
}
