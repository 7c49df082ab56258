// Turns a drift check's raw reading into findings (docs/drift.md): each recorded file unchanged,
// edited, missing or replaced by a package update; files in Skiff's places that it never wrote;
// and the state hardening and deploys set (effective sshd settings, firewall, fail2ban jail,
// Skiff's units, the sudoers entry), with how to put each back. Pure: unit-tested on captured output.
import type { DriftFinding, DriftFix, WrittenFile } from '../../../src-shared/domain';
import { unifiedDiffBetween } from '../remote/diff';
import { PATHS } from '../remote/paths';
import { renderSudoers } from '../remote/templates/sudoers';
import { describeConflicts, firewallInPlace, parseEffective, sshdConflicts, sshdOff } from '../ops/hardeningState';
import type { DriftRaw, WrittenLine } from './parse';

export interface DriftContext {
  /** Hardening ran on this server: its sshd, firewall and fail2ban state is expected. */
  hardened: boolean;
  sshPort: number;
  appUser?: string;
}

const HARDEN_FILES = new Set<string>([PATHS.sshdDropIn, PATHS.fail2banJail, PATHS.fail2banFilter]);

/** How a recorded file is put back: hardening's preview for its files, setup for the signers, a re-apply job for the rest. */
function fixFor(path: string): DriftFix {
  if (HARDEN_FILES.has(path)) return 'harden';
  if (path === PATHS.helperSigners) return 'setup';
  return 'reapply';
}

/** Files whose content is secret: shown by hash only, here and on the server. */
export function isSecretPath(path: string): boolean {
  return path.startsWith('/etc/skiff/') && path !== PATHS.helperSigners;
}

function by(w: WrittenLine): DriftFinding['writtenBy'] {
  return { verb: w.verb, jobId: w.jobId, jobKind: w.jobKind, at: w.at };
}

function fileFinding(w: WrittenLine, raw: DriftRaw): DriftFinding {
  const base = { id: `file:${w.path}`, area: 'file' as const, subject: w.path, writtenBy: by(w) };
  const was = raw.objects.get(w.sha256);
  const now = raw.now.get(w.path);
  const diff = was !== undefined && now !== undefined ? unifiedDiffBetween(w.path, was, now, 'as Skiff wrote it', 'on the server now') : undefined;
  const secret = isSecretPath(w.path) ? ' (its content is secret: compare it on the server)' : '';
  switch (w.state) {
    case 'same': return { ...base, category: 'unchanged', detail: `as Skiff wrote it (${w.verb}, ${w.at})`, canAdopt: false };
    case 'missing': return { ...base, category: 'missing', detail: 'Skiff wrote this file; it is gone', fix: fixFor(w.path), canAdopt: false };
    case 'package': return { ...base, category: 'package', detail: `a package update replaced it with the package's own version${secret}`, diff, fix: fixFor(w.path), canAdopt: true };
    default: return { ...base, category: 'edited', detail: `changed on the server since Skiff wrote it (${w.verb}, ${w.at})${secret}`, diff, fix: fixFor(w.path), canAdopt: true };
  }
}

export function driftFindings(raw: DriftRaw, ctx: DriftContext): DriftFinding[] {
  const out: DriftFinding[] = raw.written.map((w) => fileFinding(w, raw));
  const recorded = new Map(raw.written.map((w) => [w.path, w]));
  const conflicts = sshdConflicts(raw.sshdSources);

  for (const path of raw.unknown) {
    const here = conflicts.filter((c) => c.file === path);
    out.push({
      id: `file:${path}`, area: 'file', category: 'unknown', subject: path, canAdopt: false,
      detail: here.length ? `never written by Skiff, and it overrides hardening: ${describeConflicts(here)}` : 'present on the server, never written by Skiff',
      ...(here.length ? { fix: 'harden' as const } : {}),
    });
  }

  if (ctx.hardened) {
    const eff = parseEffective(raw.sshd);
    if (!/^port /m.test(raw.sshd)) {
      out.push({ id: 'sshd:effective', area: 'sshd', category: 'missing', subject: 'sshd -T', detail: 'the effective sshd settings could not be read', canAdopt: false });
    } else {
      for (const off of sshdOff(eff)) {
        const why = conflicts.filter((c) => c.key === off.key);
        out.push({
          id: `sshd:${off.key}`, area: 'sshd', category: 'edited', subject: off.key, fix: 'harden', canAdopt: false,
          detail: `sshd -T reports ${off.key} ${off.is}; hardening set ${off.want}${why.length ? `: ${describeConflicts(why)}` : ''}`,
        });
      }
    }
    if (!firewallInPlace(raw.ufw, ctx.sshPort)) {
      out.push({ id: 'firewall:ufw', area: 'firewall', category: 'edited', subject: 'ufw', fix: 'harden', canAdopt: false, detail: `the firewall is not as hardening left it (active, deny incoming, allow ${ctx.sshPort}/tcp, 80/tcp, 443/tcp): ${raw.ufw.split('\n')[0] || 'no answer'}` });
    }
    const jails = raw.fail2ban.split(/[,\s]+/).filter(Boolean);
    if (!jails.includes('sshd')) {
      out.push({ id: 'fail2ban:sshd', area: 'fail2ban', category: 'missing', subject: 'fail2ban sshd jail', fix: 'harden', canAdopt: false, detail: raw.fail2ban.includes('SKIFF-INACTIVE') ? 'fail2ban is not running' : 'the sshd jail is not running' });
    }
  }

  for (const u of raw.units) {
    const ok = u.enabled === 'enabled' && u.active === 'active';
    if (!ok) out.push({ id: `unit:${u.unit}`, area: 'unit', category: 'edited', subject: u.unit, fix: 'reapply', canAdopt: false, detail: `${u.enabled === 'enabled' ? 'enabled' : `not enabled (${u.enabled})`}, ${u.active === 'active' ? 'active' : `not running (${u.active})`}; Skiff left it enabled and running` });
  }

  if (ctx.appUser) {
    const want = renderSudoers(ctx.appUser).trim();
    const blocks = raw.sudoers.split(/^# (?=\/etc\/sudoers\.d\/)/m).filter(Boolean);
    const mine = blocks.find((b) => b.startsWith(PATHS.sudoers(ctx.appUser!)));
    const body = mine?.slice(mine.indexOf('\n') + 1).trim();
    if (body === undefined) out.push({ id: 'sudoers', area: 'sudoers', category: 'missing', subject: PATHS.sudoers(ctx.appUser), fix: 'setup', canAdopt: false, detail: `the deploy user's sudo entry is gone: Skiff cannot reach its helper` });
    else if (body !== want) out.push({ id: 'sudoers', area: 'sudoers', category: 'edited', subject: PATHS.sudoers(ctx.appUser), fix: 'setup', canAdopt: false, detail: 'the deploy user\'s sudo entry differs from what setup wrote', diff: unifiedDiffBetween(PATHS.sudoers(ctx.appUser), `${want}\n`, `${body}\n`, 'as setup wrote it', 'on the server now') });
    for (const b of blocks) {
      const path = b.slice(0, b.indexOf('\n')).trim();
      if (path !== PATHS.sudoers(ctx.appUser) && /^\/etc\/sudoers\.d\/skiff-[a-z0-9_-]+$/.test(path)) out.push({ id: `file:${path}`, area: 'sudoers', category: 'unknown', subject: path, canAdopt: false, detail: 'a sudo entry named like Skiff\'s that this server\'s setup did not write' });
    }
  }

  // dpkg --verify: "??5??????   c /etc/ssh/sshd_config" (changed) or "missing   c /path".
  for (const l of raw.dpkg.split('\n')) {
    const m = /^(\S+)\s+(?:[cdglr]\s+)?(\/\S+)$/.exec(l.trim());
    if (!m || recorded.get(m[2])?.state === 'same') continue;
    if (recorded.has(m[2])) continue; // a file Skiff wrote is reported above
    const missing = m[1] === 'missing';
    out.push({ id: `package:${m[2]}`, area: 'package', category: missing ? 'missing' : 'edited', subject: m[2], canAdopt: false, detail: missing ? 'a file its package installed is gone (dpkg --verify)' : 'differs from the copy its package installed (dpkg --verify: edited by hand or by a tool)' });
  }
  return out;
}

/** The record as the desktop keeps it: each file with its recorded content where it may be kept. */
export function writtenRecord(raw: DriftRaw): WrittenFile[] {
  return raw.written.map((w) => ({
    path: w.path, sha256: w.sha256, mode: w.mode, owner: 'root:root', verb: w.verb, jobId: w.jobId, jobKind: w.jobKind, installation: w.installation, at: w.at,
    ...(isSecretPath(w.path) ? {} : raw.objects.has(w.sha256) ? { content: raw.objects.get(w.sha256) } : {}),
  }));
}
