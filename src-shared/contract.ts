// The contract between main and renderer: every invoke method with its zod input schema and its
// output type, and every event channel. Both hosts (Electron IPC, browser WebSocket) validate
// inputs against these schemas before a handler sees them.
import { z } from 'zod';
import { DRIFT_EVERY, type DriftEvery, type MenuCommand, type Preferences, type TrailEntry, type WrittenFile } from './domain';
import type { App, AppInfo, Backup, BackupSchedule, BackupSettings, ScheduleStatus, ConnectionStatus, FleetRunState, HardeningPreview, HostKeyScan, Job, JobEvent, Server, SshConfigHost, Version } from './domain';
import type { SkiffErrorPayload } from './errors';
import { expandNames, fillPattern } from './appTemplate';
import { deployUserProblem } from './names';

/** Phantom marker for an output type (outputs come from trusted main; only inputs are parsed). */
const out = <T>() => undefined as unknown as T;

const id = z.string().regex(/^[a-z0-9-]{6,64}$/, 'not a valid id');

export const serverName = z.string().trim().min(1, 'Name is required').max(64, 'Name is at most 64 characters');

/** A DNS name, IPv4 or IPv6 address; no spaces, no shell or URL syntax. */
export const hostName = z
  .string()
  .trim()
  .min(1, 'Host is required')
  .max(253, 'Host is at most 253 characters')
  .regex(/^(\[[0-9a-fA-F:.]+\]|[0-9a-fA-F:]*:[0-9a-fA-F:.]+|[A-Za-z0-9]([A-Za-z0-9-]{0,62})?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62})?)*\.?)$/, 'Host must be a host name or an IP address')
  .transform((h) => h.replace(/^\[(.*)\]$/, '$1'));

/** Labels for picking fleet targets: lowercase, deduplicated. */
export const tagList = z.array(z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9._-]{0,31}$/, 'Tags are letters, digits, . _ and - (at most 32)'))
  .max(20, 'At most 20 tags').transform((t) => [...new Set(t)]);

export const sshPort = z.coerce.number().int('Port must be a whole number').min(1, 'Port must be 1 to 65535').max(65535, 'Port must be 1 to 65535');

/** POSIX-ish login name, as useradd accepts. */
export const loginUser = z.string().trim().regex(/^[a-z_][a-z0-9_.-]{0,31}$/i, 'User must be a login name (letters, digits, _ . -), at most 32 characters');

const privateKeyText = z.string().max(64 * 1024, 'Key file is too large to be a private key');
const secretText = z.string().max(4096);

export const authInput = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('keyFile'),
    /** The key's text (read by the renderer from a picked file), or… */
    privateKey: privateKeyText.optional(),
    /** …a path main reads. With neither, an existing server keeps its key (e.g. a new passphrase). */
    keyPath: z.string().max(4096).optional(),
    passphrase: secretText.optional(),
  }),
  z.object({ kind: z.literal('agent') }),
  z.object({ kind: z.literal('generate') }),
  z.object({ kind: z.literal('password'), password: secretText.min(1, 'Password is required') }),
]);
export type AuthInput = z.infer<typeof authInput>;

export const addServerInput = z.object({
  name: serverName,
  host: hostName,
  port: sshPort.default(22),
  user: loginUser,
  auth: authInput,
  tags: tagList.optional(),
});
export type AddServerInput = z.input<typeof addServerInput>;

export const updateServerInput = z.object({
  id,
  name: serverName.optional(),
  host: hostName.optional(),
  port: sshPort.optional(),
  user: loginUser.optional(),
  auth: authInput.optional(),
  tags: tagList.optional(),
});
export type UpdateServerInput = z.input<typeof updateServerInput>;

/** App names become folder and unit names: a DNS label. */
const backupId = z.string().regex(/^[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$/, 'not a backup id');
const keepCount = z.coerce.number().int('Use a whole number').min(0, 'At least 0').max(1000, 'At most 1000');
export const backupSettingsInput = z.object({ encrypt: z.boolean(), keepLast: keepCount.min(1, 'Keep at least the last backup'), keepDaily: keepCount, keepWeekly: keepCount });

const secretField = z.string().max(16384).refine((v) => !/\0/.test(v), 'Not valid');
const s3Target = z.object({
  kind: z.literal('s3'),
  url: z.string().trim().regex(/^https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?\/[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, 'The S3 URL must look like https://s3.example.com/bucket/path'),
  keyId: z.string().trim().regex(/^[A-Za-z0-9_+/=-]{1,128}$/, 'Not an access key id'),
  caCert: z.string().max(16000).regex(/^(|-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*)$/, 'Paste a PEM certificate, or leave it empty').optional(),
});
const sftpTarget = z.object({
  kind: z.literal('sftp'),
  host: z.string().trim().regex(/^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/, 'Host must be a host name or an IPv4 address'),
  port: z.coerce.number().int().min(1, 'Port must be 1 to 65535').max(65535, 'Port must be 1 to 65535'),
  user: z.string().trim().regex(/^[a-z_][a-z0-9_.-]{0,31}$/, 'Not a user name'),
  path: z.string().trim().regex(/^\/[A-Za-z0-9._/-]{1,200}$/, 'The path must be absolute (letters, digits, . _ - /)'),
  knownHosts: z.string().trim().min(1, 'Paste the host key line (ssh-keyscan HOST)').max(16000).regex(/^\S+ (ssh-ed25519|ecdsa-sha2-nistp256|ssh-rsa) [A-Za-z0-9+/=]+/, 'Paste the line `ssh-keyscan HOST` prints'),
});
export const scheduleInput = z.object({
  appId: id,
  serverEvery: z.enum(['off', 'hourly', '6h', 'daily', 'weekly']),
  serverKeep: z.coerce.number().int().min(1, 'Keep at least 1').max(1000, 'At most 1000'),
  desktopEvery: z.enum(['off', 'hourly', 'daily']),
  /** A restore drill on the server after each scheduled backup. */
  drill: z.boolean().default(false),
  target: z.discriminatedUnion('kind', [s3Target, sftpTarget]).optional(),
  /** The S3 secret key or the SFTP private key; kept in the keychain (empty: keep the stored one). */
  secret: secretField.optional(),
  /** restic's repository password; made by Skiff when not given. */
  password: secretField.refine((p) => p === '' || p.length >= 12, 'The repository password needs at least 12 characters').optional(),
});

export const appName = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'Name must be lowercase letters, digits and dashes (a DNS label, at most 63)');
const domainName = z.string().trim().max(253).regex(/^(|[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+)$/i, 'Domain must be a host name like app.example.com');
const envKey = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'Variable names are letters, digits and _');
const envValue = z.string().max(8192).refine((v) => !/[\n\r\0]/.test(v), 'Values cannot contain line breaks');
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'not a sha256');
const appFields = {
  name: appName,
  domain: domainName.optional(),
  tls: z.enum(['auto', 'internal', 'off']).default('auto'),
  port: z.coerce.number().int().min(1024, 'Port must be 1024 to 65535').max(65535, 'Port must be 1024 to 65535').optional(),
  keepReleases: z.coerce.number().int().min(1).max(50).default(5),
  healthTimeoutS: z.coerce.number().int('Use whole seconds').min(5, 'Give the health check at least 5 s').max(600, 'At most 600 s').optional(),
  binary: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'Binary must be a file name').default('pocketbase'),
  tags: tagList.default([]),
  env: z.array(z.object({ key: envKey, value: envValue.optional(), secret: z.boolean().default(false) })).max(200).default([]),
  // Passed to PocketBase's CLI after "--", and still refused when they start with "-" (read as a flag by older tools).
  superuserEmail: z.union([z.literal(''), z.email('Superuser email must be an email address').refine((e) => !e.startsWith('-'), 'The superuser email cannot start with "-"')]).optional(),
  superuserPassword: z.string().min(8, 'The superuser password needs at least 8 characters').max(256)
    .refine((p) => !p.startsWith('-'), 'The superuser password cannot start with "-"')
    .refine((p) => !/[\n\r\0]/.test(p), 'The superuser password cannot contain line breaks').optional(),
};
export const createAppInput = z.object({ serverId: id, ...appFields });

/** Many apps from one template: names like "shop-{1..50}", {name} in the domain and env values. */
export const createAppsInput = z.object({
  serverId: id,
  names: z.string().max(20_000).transform((spec, ctx) => {
    try { return expandNames(spec); } catch (e) { ctx.addIssue({ code: 'custom', message: (e as Error).message }); return z.NEVER; }
  }),
  domainPattern: z.string().trim().max(253).optional(),
  tls: appFields.tls,
  keepReleases: appFields.keepReleases,
  binary: appFields.binary,
  env: appFields.env,
  tags: appFields.tags,
}).superRefine((o, ctx) => {
  if (!o.domainPattern) return;
  if (o.names.length > 1 && !o.domainPattern.includes('{name}')) ctx.addIssue({ code: 'custom', path: ['domainPattern'], message: 'With more than one app, the domain needs {name} in it, like {name}.example.com' });
  const bad = o.names.map((n) => fillPattern(o.domainPattern!, n)).find((d) => !domainName.safeParse(d).success);
  if (bad) ctx.addIssue({ code: 'custom', path: ['domainPattern'], message: `"${bad}" is not a domain like app.example.com` });
});
export const updateAppInput = z.object({
  id,
  ...Object.fromEntries(Object.entries(appFields).map(([k, v]) => [k, (v as z.ZodTypeAny).optional()])),
}) as unknown as z.ZodObject<{ id: typeof id } & { [K in keyof typeof appFields]: z.ZodOptional<(typeof appFields)[K]> }>;

/** How a fleet run proceeds: a canary alone, then batches of N, stopping once failures pass a threshold. */
const fleetOptions = {
  batchSize: z.coerce.number().int('Use a whole number').min(1, 'Run at least 1 at a time').max(50, 'At most 50 at a time').default(5),
  maxFailures: z.coerce.number().int('Use a whole number').min(0, 'At least 0').max(1000, 'At most 1000').default(0),
  canary: z.boolean().default(true),
};

export const contract = {
  'host.info': { input: z.object({}), output: out<AppInfo>() },
  'host.preferences': { input: z.object({}), output: out<Preferences>() },
  'host.setPreferences': { input: z.object({ keepRunningInTray: z.boolean().optional() }), output: out<Preferences>() },
  'servers.list': { input: z.object({}), output: out<Server[]>() },
  'servers.get': { input: z.object({ id }), output: out<Server>() },
  'servers.add': { input: addServerInput, output: out<Server>() },
  'servers.update': { input: updateServerInput, output: out<Server>() },
  'servers.remove': { input: z.object({ id }), output: out<{ removed: true }>() },
  /** Connects far enough to read the host key, without logging in. */
  'servers.scanHostKey': { input: z.object({ id }), output: out<HostKeyScan>() },
  /** Pins the fingerprint the user saw. `replace` is the explicit "I replaced this server" action. */
  'servers.trustHostKey': {
    input: z.object({ id, fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'not a SHA256 fingerprint'), replace: z.boolean().default(false) }),
    output: out<Server>(),
  },
  /** Logs in (pooled connection) and reads OS, kernel, uptime, CPUs, memory and disk. */
  'servers.testConnection': { input: z.object({ id }), output: out<Server>() },
  /** Public half of the server's key, for the user to copy into authorized_keys. */
  'servers.publicKey': { input: z.object({ id }), output: out<{ publicKey: string | null }>() },
  'sshConfig.read': { input: z.object({ path: z.string().max(4096).optional() }), output: out<{ path: string; hosts: SshConfigHost[] }>() },
  'sshConfig.import': {
    input: z.object({ path: z.string().max(4096).optional(), aliases: z.array(z.string().max(256)).min(1, 'Pick at least one host').max(500) }),
    output: out<{ imported: Server[]; skipped: { alias: string; reason: string }[] }>(),
  },
  /** Creates the app user, installs packages, turns on security updates (a job). */
  'servers.setup': { input: z.object({ id, appUser: z.string().trim().default('skiff').superRefine((u, ctx) => { const why = deployUserProblem(u); if (why) ctx.addIssue({ code: 'custom', message: why }); }) }), output: out<Job>() },
  /** Moves a server set up by an older Skiff to per-app service users (one restart per app). */
  'servers.migrate': { input: z.object({ id }), output: out<Job>() },
  /** Exactly what hardening would change: file diffs and firewall rules. Changes nothing. */
  /** dropEcdsa: preview without the ECDSA host key (unset: as the server's drop-in has it now). */
  'servers.hardenPreview': { input: z.object({ id, dropEcdsa: z.boolean().optional() }), output: out<HardeningPreview>() },
  /** resolveConflicts: comment out the lines the preview named that would override hardening. */
  'servers.harden': { input: z.object({ id, resolveConflicts: z.boolean().default(false), dropEcdsa: z.boolean().optional() }), output: out<Job>() },
  'servers.audit': { input: z.object({ id }), output: out<Job>() },
  /** Drift check (read-only, one command): the report arrives on the server record (lastDrift). */
  'drift.check': { input: z.object({ id }), output: out<Job>() },
  /** Re-apply or adopt findings of the last check, by their ids. */
  'drift.fix': { input: z.object({ id, action: z.enum(['reapply', 'adopt']), findings: z.array(z.string().min(1).max(300)).min(1, 'Pick at least one finding').max(500) }), output: out<Job>() },
  /** How often Skiff checks the server for drift while it runs. */
  'drift.schedule': { input: z.object({ id, every: z.enum(DRIFT_EVERY as [DriftEvery, ...DriftEvery[]]) }), output: out<Server>() },
  /** The desktop's record of what Skiff wrote on the server (refreshed by each check). */
  'drift.record': { input: z.object({ id }), output: out<WrittenFile[]>() },
  /** The server's audit trail merged with this desktop's history, newest first; for one app with appId. */
  'drift.trail': { input: z.object({ id, appId: id.optional(), lines: z.number().int().min(1).max(100000).default(2000) }), output: out<TrailEntry[]>() },
  'jobs.list': { input: z.object({ serverId: id.optional() }), output: out<Job[]>() },
  'jobs.get': { input: z.object({ id }), output: out<Job>() },
  /** The full log so far (ANSI text, as the live view showed it). */
  'jobs.log': { input: z.object({ id }), output: out<{ text: string }>() },
  /** Stops the job before its next step. */
  'jobs.cancel': { input: z.object({ id }), output: out<Job>() },
  'apps.list': { input: z.object({ serverId: id.optional() }), output: out<App[]>() },
  'apps.get': { input: z.object({ id }), output: out<App>() },
  /** Creates the app record (port picked or checked against the server); nothing is deployed yet. */
  'apps.create': { input: createAppInput, output: out<App>() },
  'apps.update': { input: updateAppInput, output: out<App>() },
  /** Creates apps from a template; every name is checked before any is made. */
  'apps.createMany': { input: createAppsInput, output: out<App[]>() },
  'apps.deploy': { input: z.object({ id, sha256 }), output: out<Job>() },
  'apps.rollback': { input: z.object({ id, releaseId: z.string().regex(/^[0-9]{8}-[0-9]{6}-[0-9a-f]{8}$/, 'not a release id'), restoreData: z.boolean().default(false) }), output: out<Job>() },
  /** Typed confirmation (the app's name); first a final backup brought home ("keep"), verified by a drill ("archive"), or none. */
  'apps.delete': { input: z.object({ id, confirmName: z.string().max(100), backup: z.enum(['none', 'keep', 'archive']).default('keep') }), output: out<Job>() },
  /** Reads the releases back from the server's manifest. */
  'apps.refresh': { input: z.object({ id }), output: out<App>() },
  /** Kamal's `lock release`: breaks the app's lock, whoever holds it (the UI says what it risks). */
  'apps.breakLock': { input: z.object({ id }), output: out<{ broke: boolean; holder?: string }>() },
  'backups.list': { input: z.object({ appId: id.optional() }), output: out<Backup[]>() },
  /** Reads the app's backups on its server (scheduled ones too) into the list. */
  'backups.refresh': { input: z.object({ appId: id }), output: out<Backup[]>() },
  'backups.settings': { input: z.object({}), output: out<BackupSettings>() },
  'backups.setSettings': { input: backupSettingsInput, output: out<BackupSettings>() },
  /** "Back up now": a consistent online backup, brought to this computer. */
  'backups.create': { input: z.object({ appId: id }), output: out<Job>() },
  'backups.download': { input: z.object({ id: backupId }), output: out<Job>() },
  /** Into its own app, or into another existing app (`appId`). */
  'backups.restore': { input: z.object({ id: backupId, appId: id.optional() }), output: out<Job>() },
  /** Move an app: a new app (any server) from a backup: deploys the backup's version, then restores. */
  'backups.restoreAsNewApp': { input: z.object({ id: backupId, app: createAppInput }), output: out<{ app: App; jobs: Job[] }>() },
  'backups.drill': { input: z.object({ id: backupId }), output: out<Job>() },
  /** Deletes one copy (or both); the backup leaves the list when no copy is left. */
  'backups.delete': { input: z.object({ id: backupId, where: z.enum(['desktop', 'server', 'everywhere']) }), output: out<{ backup: Backup | null }>() },
  'backups.export': { input: z.object({ id: backupId }), output: out<{ path: string }>() },
  'backups.schedule': { input: z.object({ appId: id }), output: out<{ schedule: BackupSchedule | null }>() },
  'backups.schedules': { input: z.object({}), output: out<BackupSchedule[]>() },
  /** Saves the app's schedule (secrets to the keychain) and writes it on the server: a job. */
  'backups.setSchedule': { input: scheduleInput, output: out<Job>() },
  /** Runs the server's scheduled backup now, as its timer would. */
  'backups.runSchedule': { input: z.object({ appId: id }), output: out<Job>() },
  /** The server's schedule and last run, flagged when it failed or is missing. */
  'backups.scheduleStatus': { input: z.object({ appId: id }), output: out<ScheduleStatus>() },
  'versions.list': { input: z.object({}), output: out<Version[]>() },
  /** Adds a zip from a local path (Electron: the dropped file's path; browser host: the staged upload). */
  'versions.add': { input: z.object({ path: z.string().min(1).max(4096), fileName: z.string().max(255).optional(), notes: z.string().max(2000).optional(), binary: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).optional() }), output: out<Version>() },
  'versions.setNotes': { input: z.object({ sha256, notes: z.string().max(2000) }), output: out<Version>() },
  'versions.remove': { input: z.object({ sha256 }), output: out<{ removed: true }>() },
  /** Saves a copy to the Downloads folder; returns where. */
  'versions.export': { input: z.object({ sha256 }), output: out<{ path: string }>() },
  /** Downloads an official PocketBase release for the server's CPU, verifies its checksum, and adds it. */
  'versions.fetchOfficial': { input: z.object({ version: z.string().regex(/^\d+\.\d+\.\d+$/, 'Version must look like 0.28.4'), serverId: id }), output: out<Version>() },
  /** The last fleet run (live while it runs), if any since Skiff started. */
  'fleet.state': { input: z.object({}), output: out<{ run: FleetRunState | null }>() },
  /** Preflights every app, then deploys the version: a canary, then batches. Returns at once; 'fleet.changed' follows it. */
  'fleet.deploy': { input: z.object({ appIds: z.array(id).min(1, 'Pick at least one app').max(500, 'At most 500 apps at once'), sha256, ...fleetOptions }), output: out<FleetRunState>() },
  /** Setup, hardening or an audit on many servers, the same way: checked first, then batches, one recap. */
  'fleet.servers': {
    input: z.object({
      action: z.enum(['setup', 'harden', 'audit']),
      serverIds: z.array(id).min(1, 'Pick at least one server').max(500, 'At most 500 servers at once'),
      appUser: z.string().trim().default('skiff').superRefine((u, ctx) => { const why = deployUserProblem(u); if (why) ctx.addIssue({ code: 'custom', message: why }); }),
      ...fleetOptions,
    }),
    output: out<FleetRunState>(),
  },
  /** The last run's failed and unreachable targets, again. */
  'fleet.retryFailed': { input: z.object(fleetOptions), output: out<FleetRunState>() },
  /** Every app the last fleet deploy changed, back to the release it served before. */
  'fleet.rollback': { input: z.object(fleetOptions), output: out<FleetRunState>() },
} as const;

export type Contract = typeof contract;
export type Method = keyof Contract;
export type InputOf<M extends Method> = z.input<Contract[M]['input']>;
export type ParsedInputOf<M extends Method> = z.output<Contract[M]['input']>;
export type OutputOf<M extends Method> = Contract[M]['output'];

export const events = {
  'connection.status': out<ConnectionStatus>(),
  'servers.changed': out<{ serverId: string }>(),
  'job.event': out<JobEvent>(),
  'apps.changed': out<{ appId: string }>(),
  'fleet.changed': out<FleetRunState>(),
  /** An application-menu item (Electron only: the browser host has no menu). */
  'menu.command': out<{ command: MenuCommand }>(),
} as const;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = Events[E];

export type InvokeResult<T> = { ok: true; value: T } | { ok: false; error: SkiffErrorPayload };

/** What `window.skiff` is, in both hosts. The renderer's api client wraps it with types. */
export interface SkiffBridge {
  invoke(method: string, input: unknown): Promise<InvokeResult<unknown>>;
  /** Subscribes to one event channel; returns the unsubscribe function. */
  on(event: string, listener: (payload: unknown) => void): () => void;
  /** A local path main can read for a file the user dropped or picked (Electron: its own path; browser host: a staged copy). */
  stageFile(file: File): Promise<string>;
}

export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}
