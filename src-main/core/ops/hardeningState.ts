// What hardening leaves behind, as checks on what a server reports: the effective sshd settings,
// the firewall, and which file really sets each SSH keyword (sshd keeps the first value it reads).
// Used by hardening itself, its preview, the audit and the drift check, so all four agree.
import type { SshdConflict } from '../../../src-shared/domain';
import { SSHD_EXPECTED } from '../remote/templates/sshd';
import { PATHS } from '../remote/paths';

/** `sshd -T` output as keyword → value (first wins, as sshd reports each once). */
export function parseEffective(sshdT: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of sshdT.split('\n')) {
    const i = line.indexOf(' ');
    if (i > 0 && !m.has(line.slice(0, i))) m.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
  }
  return m;
}

/** The hardened settings that `sshd -T` does not report as Skiff sets them. */
export function sshdOff(eff: Map<string, string>): { key: string; is: string; want: string }[] {
  return Object.entries(SSHD_EXPECTED).filter(([k, v]) => eff.get(k) !== v).map(([key, want]) => ({ key, is: eff.get(key) ?? '?', want }));
}

export function firewallInPlace(status: string, sshPort: number): boolean {
  return /Status: active/.test(status)
    && /Default: deny \(incoming\)/.test(status)
    && [`${sshPort}/tcp`, '80/tcp', '443/tcp'].every((p) => new RegExp(`^${p.replace('/', '\\/')}\\s+ALLOW IN`, 'm').test(status));
}


// sshd's keyword spellings → the `sshd -T` key Skiff checks (ChallengeResponse is the old name).
const ALIASES: Record<string, string> = { challengeresponseauthentication: 'kbdinteractiveauthentication' };

/**
 * From `sshd-sources` (FILE:LINE:text in sshd's reading order, with an `@include` line where
 * sshd_config includes the drop-ins): each hardened keyword whose first setting is read before
 * Skiff's drop-in would be (sshd_config above its Include line, or a drop-in whose name sorts
 * first) and differs from what Skiff sets. That line wins over the drop-in. Settings read after the
 * drop-in's place lose to it, whether it exists yet or not.
 */
export function sshdConflicts(sources: string): SshdConflict[] {
  const seen = new Set<string>();
  const out: SshdConflict[] = [];
  const ours = PATHS.sshdDropIn.slice(PATHS.sshdDropIn.lastIndexOf('/') + 1);
  let included = false;
  for (const raw of sources.split('\n')) {
    if (raw.startsWith('@include ')) { included = true; continue; }
    const m = /^(\/[^:]+):(\d+):\s*(\S+)\s+(.*?)\s*$/.exec(raw);
    if (!m) continue;
    const keyword = m[3].toLowerCase();
    const key = ALIASES[keyword] ?? keyword;
    const want = SSHD_EXPECTED[key];
    if (!want || seen.has(key)) continue;
    seen.add(key);
    const file = m[1];
    const dropIn = file.startsWith('/etc/ssh/sshd_config.d/');
    // Without an Include line the drop-in is not read at all: hardening's own check reports that.
    const before = dropIn ? file.slice(file.lastIndexOf('/') + 1) < ours : included ? false : sources.includes('@include ');
    const value = m[4].replace(/\s+#.*$/, '').toLowerCase();
    if (before && file !== PATHS.sshdDropIn && value !== want) out.push({ file, line: Number(m[2]), text: `${m[3]} ${m[4]}`.trim(), key, value, want });
  }
  return out;
}

/** One sentence naming the conflicting lines, for the preview, errors and the audit. */
export function describeConflicts(conflicts: SshdConflict[]): string {
  return conflicts.map((c) => `${c.file} line ${c.line} ("${c.text}") is read before Skiff's drop-in and wins (Skiff sets ${c.key} ${c.want})`).join('; ');
}
