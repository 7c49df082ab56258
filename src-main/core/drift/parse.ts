// Reads the helper's `drift` output (recordBodies.ts). Everything in it comes from the server: paths
// and hashes are checked against their patterns, recorded contents against their sha256, and lines
// that do not fit are dropped, never spliced anywhere.
import { createHash } from 'node:crypto';
import type { WrittenFile } from '../../../src-shared/domain';
import { splitSections } from '../remote/readBack';

export type WrittenState = 'same' | 'edited' | 'missing' | 'package';
export interface WrittenLine extends Omit<WrittenFile, 'content' | 'owner'> { state: WrittenState; current: string }
export interface UnitState { unit: string; enabled: string; active: string }

export interface DriftRaw {
  written: WrittenLine[];
  /** Recorded contents by sha256 (only those whose hash matches). */
  objects: Map<string, string>;
  /** What a changed file holds now, by path. */
  now: Map<string, string>;
  unknown: string[];
  sshdSources: string;
  sshd: string;
  ufw: string;
  fail2ban: string;
  units: UnitState[];
  sudoers: string;
  dpkg: string;
  /** The output reached its end marker (a cut-off read is not a clean server). */
  complete: boolean;
}

const PATH = /^\/[A-Za-z0-9._/@+-]{1,250}$/;
const SHA = /^[0-9a-f]{64}$/;
const STATES = new Set<WrittenState>(['same', 'edited', 'missing', 'package']);
const WORD = /^[A-Za-z0-9._@:+-]{0,100}$/;

const lines = (s: string | undefined) => (s ?? '').split('\n').filter((l) => l.trim() !== '');

function writtenLine(l: string): WrittenLine | undefined {
  const [path, state, sha256, current, mode, verb, jobId, jobKind, installation, at] = l.split('\t');
  if (!PATH.test(path ?? '') || path.includes('/../') || !STATES.has(state as WrittenState) || !SHA.test(sha256 ?? '')) return undefined;
  if (![mode, verb, jobId, jobKind, installation, at].every((w) => WORD.test(w ?? ''))) return undefined;
  return { path, state: state as WrittenState, sha256, current: SHA.test(current) ? current : '-', mode, verb, jobId, jobKind, installation, at };
}

function units(text: string | undefined): UnitState[] {
  const out: UnitState[] = [];
  for (const block of (text ?? '').split(/\n\s*\n/)) {
    const kv = new Map(lines(block).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const));
    const unit = kv.get('Id') ?? '';
    if (/^skiff-[a-z0-9-]{1,80}\.(service|timer)$/.test(unit)) out.push({ unit, enabled: kv.get('UnitFileState') ?? '?', active: kv.get('ActiveState') ?? '?' });
  }
  return out;
}

export function parseDrift(raw: string): DriftRaw {
  const s = splitSections(raw);
  const objects = new Map<string, string>();
  const now = new Map<string, string>();
  for (const [name, body] of s) {
    const [kind, arg] = name.split(' ');
    if (kind === 'object' && SHA.test(arg ?? '')) {
      const bytes = Buffer.from(body, 'base64');
      if (createHash('sha256').update(bytes).digest('hex') === arg) objects.set(arg, bytes.toString('utf8'));
    } else if (kind === 'now' && PATH.test(arg ?? '')) {
      now.set(arg, Buffer.from(body, 'base64').toString('utf8'));
    }
  }
  return {
    written: lines(s.get('written')).map(writtenLine).filter((w): w is WrittenLine => !!w),
    objects,
    now,
    unknown: lines(s.get('unknown')).filter((p) => PATH.test(p)),
    sshdSources: s.get('sshd-files') ?? '',
    sshd: s.get('sshd') ?? '',
    ufw: s.get('ufw') ?? '',
    fail2ban: s.get('fail2ban') ?? '',
    units: units(s.get('units')),
    sudoers: s.get('sudoers') ?? '',
    dpkg: s.get('dpkg') ?? '',
    complete: s.has('end'),
  };
}
