// The domain as main and renderer both see it. Plain data only: no Node, no DOM.

/** How Skiff logs in to a server. Every secret behind these lives in the OS keychain. */
export type ServerAuth =
  /** A private key imported from a file (its text is in the keychain; the path is only a label). */
  | { kind: 'keyFile'; keyPath?: string; hasPassphrase: boolean; publicKey: string }
  /** The user's ssh-agent; after the first login only the key that worked is offered (fail2ban counts every refused one). */
  | { kind: 'agent'; /** Base64 blob of the agent key that worked (set after the first login). */ pinnedKey?: string }
  /** An ed25519 key Skiff generated; the public half is shown so the user can authorize it. */
  | { kind: 'generated'; publicKey: string }
  /** A password, for first contact only: Skiff installs a generated key and forgets the password. */
  | { kind: 'password' };

export type AuthKind = ServerAuth['kind'];

export interface PinnedHostKey {
  /** `SHA256:...`, as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  algorithm: string;
  pinnedAt: string;
}

export interface ServerFacts {
  hostname: string;
  os: string;
  kernel: string;
  arch: string;
  uptimeSeconds: number;
  cpus: number;
  memory: { totalBytes: number; availableBytes: number };
  disk: { mount: string; totalBytes: number; usedBytes: number; availableBytes: number };
  checkedAt: string;
}

export interface Server {
  id: string;
  name: string;
  host: string;
  port: number;
  user: string;
  auth: ServerAuth;
  hostKey?: PinnedHostKey;
  /** The last successful "Test connection", kept so the page shows figures before reconnecting. */
  facts?: ServerFacts;
  /** Set once setup has created the app user; Skiff then logs in as that user. */
  setup?: ServerSetupState;
  hardening?: ServerHardeningState;
  lastAudit?: AuditReport;
  /** The last drift check (docs/drift.md). */
  lastDrift?: DriftReport;
  /** How often Skiff checks this server for drift while it runs (default daily). */
  driftEvery?: DriftEvery;
  /** The user's own labels ("prod", "eu"): fleet runs pick servers and their apps by them. */
  tags?: string[];
  createdAt: string;
  updatedAt: string;
}

/** What a host-key scan found, before the user decides to trust it. */
export interface HostKeyScan {
  serverId: string;
  fingerprint: string;
  algorithm: string;
  /** The fingerprint Skiff has pinned, if any. */
  pinned?: string;
  status: 'new' | 'matches' | 'changed';
}

/** A host found in an ssh_config file, offered for import. */
export interface SshConfigHost {
  alias: string;
  host: string;
  port: number;
  user: string;
  identityFile?: string;
  /** Already a server with this name (import would skip it). */
  exists: boolean;
}

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'error';

export interface ConnectionStatus {
  serverId: string;
  state: ConnectionState;
  error?: string;
}

export interface AppInfo {
  version: string;
  host: 'electron' | 'browser';
  keychain: { available: boolean; error?: string };
  platform: string;
}

// ---- Jobs: every long operation (setup, harden, audit, deploy…) is a job made of named steps ----

export type JobKind = 'setup' | 'harden' | 'audit' | 'migrate' | 'deploy' | 'rollback' | 'app-delete' | 'reconcile' | 'backup' | 'restore' | 'drill' | 'drift' | 'drift-fix';
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted' | 'rolled-back';
export type StepStatus = 'pending' | 'running' | 'succeeded' | 'skipped' | 'failed' | 'cancelled';

export interface JobStep {
  title: string;
  status: StepStatus;
  startedAt?: string;
  durationMs?: number;
  /** Exit code of the step's remote script, when it ran one. */
  exitCode?: number;
  /** One line for the user: "already done", the reason it failed… */
  note?: string;
}

export interface Job {
  id: string;
  kind: JobKind;
  serverId: string;
  /** Set for app jobs (deploy, rollback, delete). */
  appId?: string;
  title: string;
  status: JobStatus;
  steps: JobStep[];
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
  error?: { code: string; message: string; fix: string };
  /** Set when every step was already done: the run changed nothing. */
  changedNothing?: boolean;
}

/** What the runner streams while a job runs (the live log). */
export type JobEvent =
  | { type: 'job-updated'; job: Job }
  | { type: 'output'; jobId: string; /** Position of `data` in the job's full log. */ offset: number; data: string }
  | { type: 'progress'; jobId: string; bytes: number; total: number; bytesPerSecond: number; etaSeconds: number };

// ---- Server state that setup, hardening and audit maintain ----

export interface ServerSetupState {
  /** The deploy user (the login user after setup); named appUser by the first release. */
  appUser: string;
  /** Who Skiff logged in as before switching to the deploy user. */
  adminUser: string;
  at: string;
  /**
   * The server layout Skiff set up: 2 = each app on a service user of its own, a helper that checks
   * signatures. Absent on servers set up by the first release (apps ran as the login user).
   */
  layout?: number;
}

export interface ServerHardeningState {
  sshPort: number;
  at: string;
  /** This desktop's address as the server saw it when hardening (what its fail2ban would ban). */
  clientIp?: string;
}

export type AuditStatus = 'pass' | 'warn' | 'fail' | 'info';

export interface AuditItem {
  id: string;
  category: 'ssh' | 'firewall' | 'fail2ban' | 'updates' | 'system' | 'access' | 'drift';
  title: string;
  status: AuditStatus;
  /** What was found, in one line. */
  detail: string;
  /** How to fix it, in one line (empty for pass/info). */
  fix: string;
}

export interface AuditReport {
  serverId: string;
  serverName: string;
  host: string;
  at: string;
  items: AuditItem[];
  summary: Record<AuditStatus, number>;
}

// ---- Drift and the audit trail (docs/drift.md) ----

export type DriftCategory = 'unchanged' | 'edited' | 'missing' | 'package' | 'unknown';
/** What a finding is about: a file Skiff wrote, or a piece of state it set. */
export type DriftArea = 'file' | 'sshd' | 'firewall' | 'fail2ban' | 'unit' | 'sudoers' | 'package';
/** How Skiff puts it back: hardening's preview, a re-apply job, or setup (run as root). */
export type DriftFix = 'harden' | 'reapply' | 'setup';
export type DriftEvery = 'off' | 'hourly' | 'daily';
export const DRIFT_EVERY: readonly DriftEvery[] = ['off', 'hourly', 'daily'];

export interface DriftFinding {
  /** Stable across checks: area and subject. */
  id: string;
  area: DriftArea;
  category: DriftCategory;
  /** A path, a unit, a setting. */
  subject: string;
  detail: string;
  /** Unified diff, recorded copy → the server's file (never for files holding secrets). */
  diff?: string;
  fix?: DriftFix;
  /** "Adopt": record the file as it is now as the expected state. */
  canAdopt: boolean;
  /** Which job wrote the recorded copy. */
  writtenBy?: { verb: string; jobId: string; jobKind: string; at: string };
}

export interface DriftReport {
  serverId: string;
  at: string;
  findings: DriftFinding[];
  /** Findings other than "unchanged". */
  changes: number;
  durationMs: number;
}

/** One file in the record of what Skiff wrote on a server. */
export interface WrittenFile {
  path: string;
  sha256: string;
  mode: string;
  owner: string;
  verb: string;
  jobId: string;
  jobKind: string;
  installation: string;
  at: string;
  /** The recorded content (absent for files that hold secrets). */
  content?: string;
}

/** One line of a server's audit trail, or of this desktop's history, merged. */
export interface TrailEntry {
  at: string;
  /** server: written by the helper on the server; local: this desktop's job history. */
  source: 'server' | 'local';
  installation: string;
  who: string;
  jobId: string;
  jobKind: string;
  verb: string;
  /** The app, or "server". */
  target: string;
  args: string;
  outcome: string;
  /** Written by this desktop. */
  mine: boolean;
}

/** Hardening preview: exactly what would change, before anything does. */
export interface HardeningPreview {
  sshPort: number;
  appUser: string;
  files: { path: string; diff: string; changed: boolean }[];
  firewall: { current: string; rulesToAdd: string[]; enable: boolean };
  /** Lines in files sshd reads before Skiff's drop-in that would override it (first value wins). */
  conflicts: SshdConflict[];
  /** Whether this hardening drops the ECDSA host key, and the algorithm of the key Skiff pinned. */
  hostKeys: { dropEcdsa: boolean; pinnedAlgorithm: string };
}

/** A line that sets a hardened SSH keyword before Skiff's drop-in does, to another value. */
export interface SshdConflict { file: string; line: number; text: string; key: string; value: string; want: string }

// ---- Apps, versions, releases ----

/** How Caddy serves the app's domain: Let's Encrypt, Caddy's own CA (LAN/testing), or plain HTTP. */
export type TlsMode = 'auto' | 'internal' | 'off';

export interface AppEnvVar {
  key: string;
  /** Secret values live in the keychain; `value` is then absent. */
  secret: boolean;
  value?: string;
}

export interface ReleaseInfo {
  id: string;
  versionSha256: string;
  versionLabel?: string;
  deployedAt: string;
  /** Migration file names the release carries (to warn when a rollback crosses migrations). */
  migrations: string[];
  /** A data snapshot taken just before this release went live. */
  snapshot: boolean;
  current: boolean;
}

export interface App {
  id: string;
  serverId: string;
  name: string;
  domain?: string;
  tls: TlsMode;
  port: number;
  keepReleases: number;
  binary: string;
  env: AppEnvVar[];
  superuserEmail?: string;
  /** The user's own labels: fleet runs pick apps by them. */
  tags?: string[];
  /** Seconds a new release has to answer /api/health (default 30); the go-live guard waits 30 s more. */
  healthTimeoutS?: number;
  createdAt: string;
  updatedAt: string;
  /** As last read from the server's manifest. */
  releases: ReleaseInfo[];
}

export interface VersionSummary {
  entries: number;
  uncompressedBytes: number;
  binary: string;
  binaryArch: string;
  hasPublic: boolean;
  hasMigrations: boolean;
  hasHooks: boolean;
  topLevel: string[];
}

export interface Version {
  sha256: string;
  size: number;
  fileName: string;
  notes: string;
  createdAt: string;
  source: 'file' | 'official';
  /** For official releases: the PocketBase version number. */
  pbVersion?: string;
  summary: VersionSummary;
}

// ---- Backups (docs/backups.md) ----

export type BackupKind = 'manual' | 'scheduled' | 'pre-restore' | 'archive';

export interface BackupPart {
  /** data/NAME.db.zst, data/files.tar.zst, release/pb_hooks.tar.zst, release/pb_migrations.tar.zst */
  name: string;
  bytes: number;
  sha256: string;
}

/** manifest.json inside every backup, as the server's helper writes it. */
export interface BackupManifest {
  format: 'skiff-backup/1';
  app: string;
  id: string;
  kind: BackupKind;
  created: string;
  /** The release that served when the backup was taken ("none" before the first deploy). */
  release: string;
  /** The PocketBase version that release reports, or "unknown". */
  pocketbase: string;
  /** Size of pb_data when the backup was taken. */
  dataBytes: number;
  parts: BackupPart[];
}

export interface BackupDrillResult {
  at: string;
  ok: boolean;
  /** What passed, or why it failed. */
  detail: string;
  /** Records per collection read back from the restored data. */
  collections?: Record<string, number>;
}

export interface Backup {
  /** The backup id (YYYYMMDD-HHMMSS-xxxxxx), unique per app. */
  id: string;
  appId: string;
  appName: string;
  serverId: string;
  serverName: string;
  kind: BackupKind;
  createdAt: string;
  release: string;
  pocketbase: string;
  /** The version that release was deployed from, when Skiff knows it. */
  versionSha256?: string;
  versionLabel?: string;
  dataBytes: number;
  parts: BackupPart[];
  /** Where copies live: this computer (the archive file) and/or the server. */
  copies: {
    desktop?: { bytes: number; sha256: string; encrypted: boolean };
    server?: { bytes: number };
    /** In the off-server target of the app's schedule (restic). */
    remote?: { kind: 's3' | 'sftp' };
  };
  lastDrill?: BackupDrillResult;
}

export interface BackupSettings {
  /** Encrypt the copies kept on this computer (age; the key stays in the keychain). */
  encrypt: boolean;
  /** Retention, per app and per place a copy lives: the newest N, plus the newest of each of the last D days and W weeks. */
  keepLast: number;
  keepDaily: number;
  keepWeekly: number;
}

export const DEFAULT_BACKUP_SETTINGS: BackupSettings = { encrypt: false, keepLast: 5, keepDaily: 7, keepWeekly: 4 };

export type ScheduleEvery = 'hourly' | '6h' | 'daily' | 'weekly';

/** Where a server pushes its scheduled backups (restic). Secrets are in the keychain, not here. */
export type BackupTarget =
  | { kind: 's3'; /** https://host[:port]/bucket[/path] */ url: string; keyId: string; /** PEM of a private CA, for a self-hosted S3. */ caCert?: string }
  | { kind: 'sftp'; host: string; port: number; user: string; path: string; /** The host's key line, as `ssh-keyscan HOST` prints it. */ knownHosts: string };

export interface BackupSchedule {
  appId: string;
  /** The server's own timer (works with the laptop closed). */
  serverEvery: 'off' | ScheduleEvery;
  /** Scheduled backups the server keeps itself. */
  serverKeep: number;
  target?: BackupTarget;
  /** While Skiff is open: a backup brought to this computer this often. */
  desktopEvery: 'off' | 'hourly' | 'daily';
  /** Run a restore drill on the server after each scheduled backup. */
  drill?: boolean;
  /** When the server's timer was last written (a schedule that never ran is "missing" after twice its interval). */
  appliedAt?: string;
}

export interface ScheduleStatus {
  /** As the server reports it ("none": no timer there). */
  server: 'none' | { every: ScheduleEvery; keep: number; target: 'none' | 's3' | 'sftp'; next?: string };
  lastRun?: { at: string; ok: boolean; backup: string; pushed: 'yes' | 'no' | 'failed'; addedBytes: number; error?: string; /** The drill run after the backup, when the schedule asks for one. */ drill?: 'ok' | 'failed' };
  /** A failed last run, or no successful backup for twice the interval. */
  flag?: { kind: 'failed' | 'missing'; message: string };
}

// ---- Fleet runs: one action over many apps and servers ----

export interface FleetTarget {
  /** The app's id for app runs, the server's for server runs (setup, harden, audit). */
  key: string;
  appId?: string;
  serverId: string;
  /** For people: "web on prod-1". */
  label: string;
}

export type TargetOutcome = 'pending' | 'running' | 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable';

export interface TargetState {
  target: FleetTarget;
  outcome: TargetOutcome;
  /** The target's own job (its live log), once it started. */
  jobId?: string;
  /** Why it failed, was skipped, or did not pass the preflight. */
  reason?: string;
  /** The release that served before this run (what "roll back the whole fleet" goes back to). */
  from?: string;
}

export interface FleetOptions {
  /** Targets run at once after the canary (default 5). */
  batchSize: number;
  /** The run stops once more targets than this have failed (default 0: the first failure stops it). */
  maxFailures: number;
  /** Run one target alone first (default on). */
  canary: boolean;
}

export type FleetCounts = Record<'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable', number>;

export interface FleetRecap {
  /** Set when the preflight stopped the run before any change. */
  stoppedBeforeChange?: string;
  /** Set when failures passed the threshold and the rest was not attempted. */
  stoppedAfterFailures?: boolean;
  targets: TargetState[];
  counts: FleetCounts;
}

export type FleetServerAction = 'setup' | 'harden' | 'audit';

export interface FleetRunState {
  kind: 'deploy' | 'rollback' | FleetServerAction;
  /** The version a deploy run ships. */
  versionSha256?: string;
  title: string;
  startedAt: string;
  running: boolean;
  targets: TargetState[];
  recap?: FleetRecap;
  /** A run that could not start or broke off, with the reason. */
  error?: string;
}

/** What an application-menu item asks the window to do (Electron host; the 'menu.command' event). */
export type MenuCommand = 'add-server' | 'search' | 'servers' | 'fleet' | 'backups';

/** App preferences (settings file). */
export interface Preferences {
  /** Electron: closing the last window keeps Skiff (and its monitor) running in the tray. */
  keepRunningInTray: boolean;
}

// ---- Operations: the overview (docs/operations.md) ----

export type AppRunState = 'running' | 'starting' | 'failed' | 'stopped' | 'unreachable';

export interface AppStatus {
  app: string;
  state: AppRunState;
  /** When the service entered its current state (ISO), if systemd said. */
  since?: string;
  /** The last /api/health answer: a status code, or null when nothing answered. */
  health: number | null;
  release?: string;
  pid?: number;
  memoryBytes?: number;
  /** CPU time used since the service started, ns (the desktop turns two polls into a %). */
  cpuNs?: number;
  restarts: number;
  dataBytes?: number;
}

export interface ServerStatus {
  at: string;
  uptimeSeconds: number;
  load: [number, number, number];
  cpus: number;
  /** /proc/stat's aggregate jiffies (user nice system idle iowait irq softirq steal …). */
  cpuJiffies: number[];
  memory: { totalBytes: number; availableBytes: number };
  disk: { totalBytes: number; usedBytes: number };
  rebootRequired: boolean;
  /** Packages with an upgrade waiting (counted at most hourly), or null when unknown. */
  pendingUpdates: number | null;
  apps: AppStatus[];
}
