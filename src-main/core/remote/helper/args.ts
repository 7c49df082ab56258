// The kinds of value a root-helper verb accepts. Each kind is one pattern used twice: by TypeScript
// before a call is rendered, and by the helper on the server before a verb runs (the generated
// `valid_<kind>` functions), so the two sides cannot drift apart. Patterns are POSIX ERE that mean
// the same in JavaScript and in bash's [[ =~ ]]; none may contain a single quote.

export interface ArgKind {
  /** Anchored ERE. */
  pattern: string;
  /** Inclusive numeric range, checked after the pattern. */
  range?: readonly [number, number];
  /** For messages: "not <what>: value". */
  what: string;
}

export const ARG_KINDS = {
  app: { pattern: '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$', what: 'an app name' },
  port: { pattern: '^[0-9]{1,5}$', range: [1, 65535], what: 'a port' },
  appPort: { pattern: '^[0-9]{4,5}$', range: [1024, 65535], what: 'an app port' },
  user: { pattern: '^[a-z_][a-z0-9_-]{0,31}$', what: 'a user name' },
  release: { pattern: '^[0-9]{8}-[0-9]{6}-[0-9a-f]{8}$', what: 'a release id' },
  backupId: { pattern: '^[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$', what: 'a backup id' },
  backupKind: { pattern: '^(manual|scheduled|pre-restore|archive)$', what: 'a kind of backup' },
  every: { pattern: '^(hourly|6h|daily|weekly)$', what: 'a backup interval' },
  count: { pattern: '^[0-9]{1,4}$', range: [1, 1000], what: 'a number of backups to keep' },
  releaseOrNone: { pattern: '^([0-9]{8}-[0-9]{6}-[0-9a-f]{8}|none)$', what: 'a release id or none' },
  binary: { pattern: '^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$', what: 'a binary name' },
  domain: { pattern: '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$', what: 'a domain' },
  tls: { pattern: '^(auto|internal|off)$', what: 'a TLS mode' },
  yesNo: { pattern: '^(yes|no)$', what: 'yes or no' },
  seconds: { pattern: '^[0-9]{1,4}$', range: [1, 9999], what: 'a number of seconds' },
  lines: { pattern: '^[0-9]{1,6}$', range: [1, 100000], what: 'a line count' },
  megabytes: { pattern: '^[0-9]{1,5}$', range: [1, 10000], what: 'a size in MB' },
  ip: { pattern: '^[0-9a-fA-F.:]{2,45}$', what: 'an IP address' },
  package: { pattern: '^(ufw|fail2ban|python3-systemd|caddy|unzip|curl|sqlite3|zstd|restic|unattended-upgrades)$', what: 'a package Skiff installs' },
  /** The job that calls: its id, kind, this desktop's installation id and user@host (for the trail). */
  jobContext: { pattern: '^--job=[A-Za-z0-9-]{1,64},[a-z-]{1,20},[A-Za-z0-9-]{0,64},[A-Za-z0-9._@-]{1,96}$', what: 'a job context' },
  /** A file Skiff recorded writing: absolute, no component starting with a dot (so no ..). */
  recordedPath: { pattern: '^(/[A-Za-z0-9_][A-Za-z0-9._-]{0,100}){2,8}$', what: 'a recorded file path' },
  skiffUnit: { pattern: '^skiff-[a-z0-9][a-z0-9-]{0,80}\\.(service|timer)$', what: "one of Skiff's units" },
  sshdConfPath: { pattern: '^/etc/ssh/sshd_config(\\.d/[A-Za-z0-9_][A-Za-z0-9_.-]{0,100}\\.conf)?$', what: 'an sshd config file' },
  serviceAction: { pattern: '^(start|stop|restart|is-active|status)$', what: 'a service action' },
} as const satisfies Record<string, ArgKind>;

export type ArgKindName = keyof typeof ARG_KINDS;

/** The TypeScript type a kind takes at a call site. */
export type ArgValue<K extends ArgKindName> = K extends 'port' | 'appPort' | 'seconds' | 'lines' | 'megabytes' | 'count' ? number : string;

export function argIsValid(kind: ArgKindName, value: string | number): boolean {
  const k: ArgKind = ARG_KINDS[kind];
  const s = String(value);
  if (!new RegExp(k.pattern).test(s)) return false;
  return !k.range || (Number(s) >= k.range[0] && Number(s) <= k.range[1]);
}

/** The bash validator for one kind: `valid_<kind> VALUE` dies with exit 64 unless it matches. */
export function bashValidator(name: ArgKindName): string {
  const k: ArgKind = ARG_KINDS[name];
  const range = k.range ? ` && [ "$1" -ge ${k.range[0]} ] && [ "$1" -le ${k.range[1]} ]` : '';
  return `valid_${name}() { local re='${k.pattern}'; [[ "$1" =~ $re ]]${range} || die "not ${k.what}: $1"; }`;
}
