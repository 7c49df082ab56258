// Wires core together for a host: settings dir, keychain, connection pool, services.
// Electron-free, so the Electron host and the browser host build exactly the same thing.
import type { Preferences } from '../../src-shared/domain';
import { EventHub } from './events';
import { JobRunner } from './jobs/runner';
import { JobStore } from './jobs/jobStore';
import { Operations } from './ops/operations';
import { FleetService } from './fleet/fleetService';
import { AppStore } from './apps/appStore';
import { AppService } from './apps/service';
import { BackupStore } from './backups/backupStore';
import { BackupService } from './backups/service';
import { DesktopScheduler } from './backups/desktopScheduler';
import { VersionLibrary } from './versions/library';
import { ServerService } from './servers/service';
import { ConnectionPool } from './ssh/pool';
import { prepareDataDir } from './store/dataDir';
import { DriftScheduler } from './drift/driftScheduler';
import { WrittenRecordStore } from './drift/recordStore';
import { installationId, openSettingsFile, readPreferences, writePreferences } from './store/settingsFile';
import os from 'node:os';
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
  /** Start reconcile jobs for jobs cut off last time (default true). */
  reconcileInterrupted?: boolean;
  /** Run the desktop's backup schedule (default true; tests drive `backupScheduler.tick` themselves). */
  backupScheduler?: boolean;
  /** Run scheduled drift checks (default true; a server's first is due a day after its setup). */
  driftScheduler?: boolean;
}

export interface SkiffCore {
  events: EventHub;
  vault: Vault;
  pool: ConnectionPool;
  servers: ServerService;
  jobs: { store: JobStore; runner: JobRunner };
  ops: Operations;
  fleet: FleetService;
  apps: AppService;
  versions: VersionLibrary;
  backups: BackupService;
  backupScheduler: DesktopScheduler;
  /** The desktop's record of what Skiff wrote on each server. */
  written: WrittenRecordStore;
  preferences: { get(): Preferences; set(change: Partial<Preferences>): Preferences };
  dataDir: string;
  close(): void;
}

export function createCore(opts: CoreOptions): SkiffCore {
  // Before anything writes there: the folder and what Skiff keeps in it are private to the user.
  prepareDataDir(opts.dataDir);
  const events = new EventHub();
  const vault = opts.vault ?? new KeyringVault(opts.keychainService ?? process.env.SKIFF_KEYCHAIN_SERVICE ?? 'Skiff');
  const settings = openSettingsFile(opts.dataDir);
  const store = new ServerStore(settings);
  // The pool asks for connect options only when it connects, by which time `servers` exists.
  const pool = new ConnectionPool(
    (id) => servers.connectOptions(id),
    (status) => events.emit('connection.status', status),
  );
  const servers: ServerService = new ServerService(store, vault, pool, {
    readyTimeoutMs: opts.readyTimeoutMs,
    onChanged: (serverId) => events.emit('servers.changed', { serverId }),
  });
  const jobStore = new JobStore(opts.dataDir);

  const apps = new AppService(new AppStore(opts.dataDir), vault, servers, pool, (appId) => events.emit('apps.changed', { appId }));
  const versions = new VersionLibrary(opts.dataDir);
  const installation = { id: installationId(settings), who: `${os.userInfo().username}@${os.hostname()}` };
  const runner = new JobRunner(jobStore, opts.dataDir, (e) => events.emit('job.event', e), installation);
  const backupStore = new BackupStore(opts.dataDir);
  const written = new WrittenRecordStore(opts.dataDir);
  const backups = new BackupService(backupStore, apps, servers, pool);
  const opsDeps = { servers, pool, runner, apps, versions, vault, backups: backupStore, installation, written, jobs: jobStore };
  const ops = new Operations(opsDeps);
  const fleet = new FleetService(opsDeps, {
    deploy: (appId, sha256) => ops.deploy(appId, sha256),
    rollback: (appId, releaseId) => ops.rollback(appId, releaseId, false),
    setup: (serverId, appUser) => ops.setup(serverId, appUser),
    harden: (serverId) => ops.harden(serverId),
    audit: (serverId) => ops.audit(serverId),
  }, (state) => events.emit('fleet.changed', state));
  // Jobs cut off when Skiff last stopped: read their apps back and finish what they owed.
  if (opts.reconcileInterrupted !== false) ops.reconcileInterrupted();
  const backupScheduler = new DesktopScheduler(backupStore, (id) => apps.exists(id), (id) => ops.backupNow(id, 'scheduled'), (id) => runner.isActive(id));
  if (opts.backupScheduler !== false) backupScheduler.begin();
  const driftScheduler = new DriftScheduler(() => servers.list(), (id) => ops.driftCheck(id), (id) => runner.isActive(id));
  if (opts.driftScheduler !== false) driftScheduler.begin();
  return { events, vault, pool, servers, written, preferences: { get: () => readPreferences(settings), set: (c) => writePreferences(settings, c) }, jobs: { store: jobStore, runner }, ops, fleet, apps, versions, backups, backupScheduler, dataDir: opts.dataDir, close: () => { backupScheduler.stop(); driftScheduler.stop(); pool.closeAll(); } };
}
