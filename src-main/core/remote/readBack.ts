// What Skiff reads back from a server is data from a less trusted place: anything a compromised
// app or a second desktop could have written. Every value is checked against its pattern here,
// before any use; a value that does not fit refuses the job with a message naming it, and is never
// spliced into a later script (scripts only take values through `sh`, which quotes them anyway).
import { z } from 'zod';
import { SkiffError } from '../../../src-shared/errors';
import { ARG_KINDS } from './helper/args';
import { appPaths } from './paths';
import { STORE_KEY } from '../versions/storeZip';

export const RELEASE_ID = new RegExp(ARG_KINDS.release.pattern);
const SHA256 = /^[0-9a-f]{64}$/;
const HEX = /^[0-9a-f:-]{0,200}$/;

/** `key=value` lines of a script's output; a key may repeat (each value is kept, in order). */
export function parseKv(out: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const line of out.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0 && /^[a-z_]+$/.test(line.slice(0, i))) m.set(line.slice(0, i), [...(m.get(line.slice(0, i)) ?? []), line.slice(i + 1)]);
  }
  return m;
}

/**
 * A script's `==name==` sections (a name may carry one argument: `==object <sha>==`), each with
 * its text trimmed. A line that only looks like a marker inside a section would start a new one:
 * scripts print such markers themselves, and what they print within is never free text.
 */
export function splitSections(raw: string): Map<string, string> {
  const out = new Map<string, string>();
  let name = '';
  let buf: string[] = [];
  for (const line of raw.split('\n')) {
    const m = /^==([a-z0-9-]+(?: \S+)?)==$/.exec(line);
    if (m) {
      if (name) out.set(name, buf.join('\n').trim());
      name = m[1];
      buf = [];
    } else buf.push(line);
  }
  if (name) out.set(name, buf.join('\n').trim());
  return out;
}

export function kvOne(kv: Map<string, string[]>, key: string): string | undefined {
  return kv.get(key)?.at(-1);
}

function refuse(app: string, what: string, value: string): never {
  throw new SkiffError('SERVER_STATE_INVALID', {
    message: `The server's ${what} for ${app} is not what Skiff writes: "${value.slice(0, 120)}". Skiff refused to use it.`,
    fix: `Something other than Skiff changed ${appPaths(app).root} (a compromised app of the old layout, or a hand edit). Look at it on the server, remove what is not Skiff's, then try again.`,
  });
}

export const manifestRelease = z.object({
  id: z.string().regex(RELEASE_ID),
  sha256: z.string().regex(SHA256),
  // eslint-disable-next-line no-control-regex
  label: z.string().max(300).refine((s) => !/[\x00-\x1f]/.test(s)),
  deployedAt: z.iso.datetime(),
  // eslint-disable-next-line no-control-regex
  migrations: z.array(z.string().regex(/^[^/\x00-\x1f]{1,255}$/)).max(10_000),
  snapshot: z.boolean(),
});
export const manifestSchema = z.object({
  app: z.string(),
  current: z.string().regex(RELEASE_ID).optional(),
  releases: z.array(manifestRelease).max(1000),
  updatedAt: z.iso.datetime(),
});
export type ManifestRelease = z.infer<typeof manifestRelease>;
export type Manifest = z.infer<typeof manifestSchema>;

export function emptyManifest(app: string): Manifest {
  return { app, releases: [], updatedAt: new Date(0).toISOString() };
}

/** The manifest as the server has it (base64 of .skiff/manifest.json); refused when it does not fit. */
export function readManifest(app: string, b64: string | undefined): Manifest {
  if (!b64) return emptyManifest(app);
  const text = Buffer.from(b64, 'base64').toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    refuse(app, 'release manifest (.skiff/manifest.json)', text);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue.path.join('.');
    const value = issue.path.reduce<unknown>((o, k) => (o as Record<string | number, unknown> | undefined)?.[k as string], json);
    refuse(app, `release manifest field ${at}`, typeof value === 'string' ? value : JSON.stringify(value ?? null));
  }
  return { ...parsed.data, app };
}

export interface LockInfo { jobId: string; at: number; installation: string; who: string }

export interface AppState {
  helper: string;
  signers: boolean;
  layout: string;
  /** `skipped`: the version and config asked about already serve, so no lock was taken (`noop`). */
  lock: 'acquired' | 'held' | 'none' | 'skipped';
  noop: boolean;
  holder?: LockInfo;
  /** Seconds since the holder took the lock (server clock). */
  lockAge?: number;
  arch: string;
  free: number;
  /** The release `current` points at on disk: what actually serves. */
  current?: string;
  /** Release folders on disk, with the version sha256 each was unpacked from. */
  releases: { id: string; sha256?: string }[];
  manifest: Manifest;
  hashes: string;
  guardArmed: boolean;
  /** Set when the go-live guard switched back by itself: "<epoch> <release> <snapshot>". */
  reverted?: { at: number; to: string };
  /** Store keys the server's content store lacks, of those the job asked about. */
  missing: string[];
}

/** Parses and checks appStateScript's output. */
export function readAppState(app: string, out: string): AppState {
  const kv = parseKv(out);
  const one = (k: string) => kvOne(kv, k) ?? '';
  const lock = one('lock');
  if (lock !== 'acquired' && lock !== 'held' && lock !== 'none' && lock !== 'skipped') refuse(app, 'lock state', lock);
  const noop = one('noop') === 'yes';
  if (noop !== (lock === 'skipped')) refuse(app, 'lock state', `${lock} (noop=${one('noop')})`);
  let holder: LockInfo | undefined;
  let lockAge: number | undefined;
  if (lock === 'held') {
    const [jobId = '', at = '', installation = '', ...who] = one('lock_holder').split(' ');
    // A holder line Skiff did not write is still a lock: it is shown as is, never trusted further.
    holder = { jobId: jobId.slice(0, 64), at: Number(at) || 0, installation: /^[0-9a-f-]{36}$/.test(installation) ? installation : '', who: who.join(' ').slice(0, 100) };
    lockAge = Math.max(0, (Number(one('lock_now')) || 0) - holder.at);
  }
  const currentLink = one('current');
  let current: string | undefined;
  if (currentLink) {
    const m = /^releases\/(.+)$/.exec(currentLink);
    if (!m || !RELEASE_ID.test(m[1])) refuse(app, '`current` link', currentLink);
    current = m[1];
  }
  const releases = (kv.get('release') ?? []).map((line) => {
    // "<sha256 or -> <folder name>": the name last, whole, whatever it holds.
    const sha = line.slice(0, line.indexOf(' '));
    const id = line.slice(line.indexOf(' ') + 1);
    if (!RELEASE_ID.test(id)) refuse(app, 'release folder name (releases/…)', id);
    return { id, sha256: SHA256.test(sha ?? '') ? sha : undefined };
  });
  const hashes = one('hashes');
  if (!HEX.test(hashes)) refuse(app, 'config hashes (.skiff/config-hashes)', hashes);
  const arch = one('arch');
  if (!/^[a-z0-9_]{1,20}$/.test(arch)) refuse(app, 'CPU architecture', arch);
  const revertedLine = one('reverted');
  let reverted: AppState['reverted'];
  if (revertedLine) {
    const [at, to] = revertedLine.split(' ');
    if (!/^[0-9]+$/.test(at) || !(to === 'none' || RELEASE_ID.test(to ?? ''))) refuse(app, 'go-live guard record (.skiff/golive-reverted)', revertedLine);
    reverted = { at: Number(at), to };
  }
  return {
    helper: one('helper').replace(/^skiff-root /, ''),
    signers: one('signers') === 'yes',
    layout: one('layout'),
    lock, noop, holder, lockAge,
    arch,
    free: Number(one('free')) || 0,
    current,
    releases,
    manifest: readManifest(app, one('manifest')),
    hashes,
    guardArmed: one('guard') === 'active',
    reverted,
    missing: readMissing(app, kv),
  };
}

/** The store keys a server says it lacks (a store query's or the lock's `missing=` lines). */
export function readMissing(app: string, kv: Map<string, string[]>): string[] {
  return (kv.get('missing') ?? []).map((k) => {
    if (!STORE_KEY.test(k)) refuse(app, 'content store key', k);
    return k;
  });
}

/** Migration file names a release carries (from the unpack's output), checked like the manifest's. */
export function readMigrations(app: string, kv: Map<string, string[]>): string[] {
  return (kv.get('migration') ?? []).map((m) => {
    // eslint-disable-next-line no-control-regex
    if (!/^[^/\x00-\x1f]{1,255}$/.test(m)) refuse(app, 'migration file name', m);
    return m;
  });
}

/** The reason the root helper gave for refusing (its last `skiff-root: …` line), if any. */
export function helperReason(text: string | undefined): string | undefined {
  return text?.trim().split('\n').filter((l) => l.includes('skiff-root: ')).pop()?.replace(/^.*?skiff-root: /, '').slice(0, 300);
}
