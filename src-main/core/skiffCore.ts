// Wires core together for a host: settings dir, keychain, connection pool, services.
// Electron-free, so the Electron host and the browser host build exactly the same thing.
import { EventHub } from './events';
import { JobRunner } from './jobs/runner';
import { JobStore } from './jobs/jobStore';
import { Operations } from './ops/operations';
import { AppStore } from './apps/appStore';
import { AppService } from './apps/service';
import { VersionLibrary } from './versions/library';
import { ServerService } from './servers/service';
import { ConnectionPool } from './ssh/pool';
import { openSettingsFile } from './store/settingsFile';
import { ServerStore } from './store/serverStore';
import { KeyringVault } from './vault/keyring';
import type { Vault } from './vault/vault';

export interface CoreOptions {
  /** Where the settings file lives (Electron: userData). */
  dataDir: string;
  /** Keychain service name; tests pass their own. */
  keychainService?: string;
  vault?: Vault;
  readyTimeoutMs?: number;
}

export interface SkiffCore {
  events: EventHub;
  vault: Vault;
  pool: ConnectionPool;
  servers: ServerService;
  jobs: { store: JobStore; runner: JobRunner };
  ops: Operations;
  apps: AppService;
  versions: VersionLibrary;
  dataDir: string;
  close(): void;
}

export function createCore(opts: CoreOptions): SkiffCore {
  const events = new EventHub();
  const vault = opts.vault ?? new KeyringVault(opts.keychainService ?? process.env.SKIFF_KEYCHAIN_SERVICE ?? 'Skiff');
  const store = new ServerStore(openSettingsFile(opts.dataDir));
  let servers: ServerService | undefined;
  const pool = new ConnectionPool(
    (id) => servers!.connectOptions(id),
    (status) => events.emit('connection.status', status),
  );
  servers = new ServerService(store, vault, pool, {
    readyTimeoutMs: opts.readyTimeoutMs,
    onChanged: (serverId) => events.emit('servers.changed', { serverId }),
  });
  const jobStore = new JobStore(opts.dataDir);
  const runner = new JobRunner(jobStore, opts.dataDir, (e) => events.emit('job.event', e));
  const apps = new AppService(new AppStore(opts.dataDir), vault, servers, pool, (appId) => events.emit('apps.changed', { appId }));
  const versions = new VersionLibrary(opts.dataDir);
  const ops = new Operations({ servers, pool, runner, apps, versions });
  return { events, vault, pool, servers, jobs: { store: jobStore, runner }, ops, apps, versions, dataDir: opts.dataDir, close: () => pool.closeAll() };
}
