// Third-party scanners run against the test VPS (figures for tests and the security report):
// ssh-audit from the host, lynis inside the guest.
import { shellQuote } from '../../src-main/core/remote/quote.js';
import { run } from './run.js';
import type { TestVps } from './vm.js';

export interface SshAuditFigures { fail: number; warn: number; failures: string[] }

/** `ssh-audit` (Debian package) against the VM's public SSH path. */
export async function sshAudit(vps: TestVps, port = vps.ports.ssh): Promise<SshAuditFigures> {
  const r = await run('ssh-audit', ['-b', '-n', '-p', String(port), vps.host], { allowFail: true, timeoutMs: 60_000 });
  // No banner means ssh-audit never got through (refused, banned): zero findings would lie.
  if (!/\(gen\) banner/.test(r.stdout)) throw new Error(`ssh-audit could not audit ${vps.host}:${port}: ${(r.stdout + r.stderr).slice(-500)}`);
  const lines = r.stdout.split('\n');
  const failures = lines.filter((l) => /\(fail\)|-- \[fail\]/.test(l)).map((l) => l.trim());
  return { fail: failures.length, warn: lines.filter((l) => /\(warn\)|-- \[warn\]/.test(l)).length, failures };
}

export interface LynisFigures { hardeningIndex: number; tests: number; warnings: number; suggestions: number; suggestionIds: string[] }

/** `lynis audit system --quick` inside the guest (installs lynis; slow under TCG: minutes; a full run without `tests`). */
export async function lynis(vps: TestVps, tests?: string): Promise<LynisFigures> {
  await vps.exec('command -v lynis >/dev/null || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q lynis >/dev/null; }', { timeoutMs: 600_000 });
  const extra = tests ? `--tests-from-group ${shellQuote(tests)}` : '';
  // A full run takes about 10 minutes under emulation (588 s measured): far past exec's default.
  await vps.exec(`lynis audit system --quick --no-colors ${extra} >/tmp/lynis.out 2>&1 || true`, { timeoutMs: 1_800_000 });
  const report = (await vps.exec('cat /var/log/lynis-report.dat')).stdout;
  const get = (k: string) => report.split('\n').filter((l) => l.startsWith(`${k}=`)).map((l) => l.slice(k.length + 1));
  return {
    hardeningIndex: Number(get('hardening_index')[0] ?? 0),
    tests: Number(get('lynis_tests_done')[0] ?? 0),
    warnings: get('warning[]').length,
    suggestions: get('suggestion[]').length,
    suggestionIds: get('suggestion[]').map((l) => l.split('|')[0]),
  };
}
