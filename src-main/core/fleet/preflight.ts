// A fleet target's preflight: one read-only command (no lock taken, nothing written) and a verdict.
// It names what would make the deploy fail before anything on any target changes: a server set up
// by no Skiff, another CPU, too little disk for the files the server's store lacks, a held lock.
import type { App, Server, Version } from '../../../src-shared/domain';
import { formatBytes } from '../../../src-shared/format';
import { kvOne, parseKv } from '../remote/readBack';
import { preflightScript } from '../remote/scripts/appScripts';
import { storeKeys } from '../remote/scripts/storeScripts';
import { archMatches, type BinaryArch, type ReleaseEntry } from '../versions/inspectZip';
import { STORE_KEY, storeKey, type ReleaseFile } from '../versions/storeZip';
import type { Preflight } from './fleetRun';

export interface PreflightFacts {
  arch: string;
  free: number;
  /** The release `current` points at (for the recap: "from …"), if any. */
  current?: string;
  lockHolder?: string;
  missing: Set<string>;
}

export function readPreflight(out: string): PreflightFacts {
  const kv = parseKv(out);
  const one = (k: string) => kvOne(kv, k) ?? '';
  const current = /^releases\/([A-Za-z0-9._-]{1,100})$/.exec(one('current'))?.[1];
  return {
    arch: /^[a-z0-9_]{1,20}$/.test(one('arch')) ? one('arch') : 'unknown',
    free: Number(one('free')) || 0,
    current,
    lockHolder: one('lock') === 'held' ? one('lock_holder').slice(0, 200) || 'unknown' : undefined,
    missing: new Set((kv.get('missing') ?? []).filter((k) => STORE_KEY.test(k))),
  };
}

/** Disk a deploy needs: the upload of the missing files and what they unpack to, and room to spare. */
export function diskNeeded(entries: readonly ReleaseEntry[], missing: Set<string>): number {
  const seen = new Set<string>();
  let bytes = 0;
  for (const e of entries) {
    if (e.kind !== 'file') continue;
    const k = storeKey(e as ReleaseFile);
    if (missing.has(k) && !seen.has(k)) { seen.add(k); bytes += e.size; }
  }
  return bytes * 2 + 64 * 1048576;
}

export function judgePreflight(facts: PreflightFacts, o: { server: Server; version: Version; entries: readonly ReleaseEntry[] }): Preflight {
  if (!archMatches(o.version.summary.binaryArch as BinaryArch, facts.arch)) {
    return { ready: false, reason: `${o.server.name} is ${facts.arch}; ${o.version.fileName} is built for ${o.version.summary.binaryArch}` };
  }
  const need = diskNeeded(o.entries, facts.missing);
  if (facts.free < need) return { ready: false, reason: `${o.server.name} has ${formatBytes(facts.free)} free; this deploy needs about ${formatBytes(need)}` };
  if (facts.lockHolder) return { ready: false, reason: `another job holds the app's lock (${facts.lockHolder})` };
  return { ready: true, current: facts.current };
}

/** The command a target's preflight runs (the fleet sends it over the pooled connection). */
export function preflightCommand(app: App, entries: readonly ReleaseEntry[]): string {
  return preflightScript({ app: app.name, storeKeys: storeKeys(entries) }).text;
}
