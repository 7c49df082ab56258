// `npm run security-report`: what hardening changes in the eyes of two independent scanners.
// Boots a fresh test VPS, runs ssh-audit (host side) and lynis (in the guest) before and after
// Skiff's setup + hardening, and prints the figures side by side, then the sandbox score
// (`systemd-analyze security`) of an app deployed with the real PocketBase and with the fixture. Not part of `npm test`: lynis
// alone takes ~10 minutes per run under emulation. `--lynis-groups "ssh firewalls"` narrows it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lynis, sshAudit, type LynisFigures, type SshAuditFigures } from '../e2e/vps/securityScanners';
import { TestVps } from '../e2e/vps/vm';
import { createCore } from '../src-main/core/skiffCore';
import { sh } from '../src-main/core/remote/quote';
import { buildVersionZip } from '../e2e/fixtures/versionZip';
import { buildRealPocketbaseZip, realPocketbaseSkipReason } from '../e2e/fixtures/realPocketbase';

const args = process.argv.slice(2);
const groupsAt = args.indexOf('--lynis-groups');
const groups = groupsAt >= 0 ? args[groupsAt + 1] : undefined;
const skipLynis = args.includes('--no-lynis');

const vps = await TestVps.boot({ log: (s) => console.log(`[vps] ${s}`) });
try {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-report-'));
  const key = path.join(dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  await vps.exec(sh`printf '%s\\n' ${readFileSync(`${key}.pub`, 'utf8').trim()} >> /root/.ssh/authorized_keys`.text);

  const measure = async (label: string) => {
    console.log(`[report] scanning (${label})…`);
    const audit = await sshAudit(vps);
    const ly = skipLynis ? undefined : await lynis(vps, groups);
    return { audit, ly };
  };
  const before = await measure('fresh server');

  const core = createCore({ dataDir: dir, keychainService: `skiff-report-${process.pid}` });
  const server = await core.servers.add({ name: 'report', host: vps.host, port: vps.ports.ssh, user: 'root', auth: { kind: 'keyFile', keyPath: key } });
  const scan = await core.servers.scanHostKey(server.id);
  await core.servers.trustHostKey(server.id, scan.fingerprint, false);
  const freshAuditJob = await core.jobs.runner.wait(core.ops.audit(server.id).id);
  if (freshAuditJob.status !== 'succeeded') throw new Error(freshAuditJob.error?.message ?? 'audit failed');
  const freshAudit = core.servers.get(server.id).lastAudit!;
  // Hardening with its ECDSA option on: ssh-audit fails NIST-curve host keys (docs/hardening.md).
  for (const start of [() => core.ops.setup(server.id, 'skiff'), () => core.ops.harden(server.id, { dropEcdsa: true }), () => core.ops.audit(server.id)]) {
    const job = await core.jobs.runner.wait(start().id);
    console.log(`[report] ${job.title}: ${job.status}${job.error ? ` (${job.error.message})` : ''}`);
    if (job.status !== 'succeeded') throw new Error(job.error?.message ?? job.status);
  }
  const skiffAudit = core.servers.get(server.id).lastAudit!;
  const after = await measure('after Skiff setup + hardening');

  // The sandbox of each app's unit, as systemd rates it (lower is better; Skiff's target: ≤ 2.5).
  const exposures: [string, string][] = [];
  const pbSkip = realPocketbaseSkipReason();
  const zips: [string, string][] = [['fixture', buildVersionZip(path.join(dir, 'fixture.zip'), { label: 'fixture' })]];
  if (!pbSkip) zips.push(['pocketbase', buildRealPocketbaseZip(path.join(dir, 'pb.zip'), { label: 'real', hook: true, migration: true })]);
  else console.log(`[report] real PocketBase skipped: ${pbSkip}`);
  for (const [name, zip] of zips) {
    const app = await core.apps.create({ serverId: server.id, name, tls: 'off', keepReleases: 2, binary: 'pocketbase', env: [] });
    const job = await core.jobs.runner.wait(core.ops.deploy(app.id, (await core.versions.add(zip)).sha256).id);
    if (job.status !== 'succeeded') throw new Error(`deploy of ${name}: ${job.error?.message ?? job.status}`);
    const out = (await vps.exec(`systemd-analyze security skiff-${name}.service --no-pager | tail -n 1`)).stdout;
    exposures.push([name, /: ([\d.]+ \S+)/.exec(out)?.[1] ?? out.trim()]);
  }
  core.close();

  const row = (name: string, a: string | number, b: string | number) => console.log(`${name.padEnd(34)} ${String(a).padStart(12)} ${String(b).padStart(12)}`);
  console.log(`\n${''.padEnd(34)} ${'fresh'.padStart(12)} ${'hardened'.padStart(12)}`);
  const sa = (f: SshAuditFigures) => f;
  row('ssh-audit: fail', sa(before.audit).fail, sa(after.audit).fail);
  row('ssh-audit: warn', sa(before.audit).warn, sa(after.audit).warn);
  if (before.ly && after.ly) {
    const l = (f: LynisFigures) => f;
    row(`lynis${groups ? ` (${groups})` : ''}: hardening index`, l(before.ly).hardeningIndex, l(after.ly).hardeningIndex);
    row('lynis: warnings', l(before.ly).warnings, l(after.ly).warnings);
    row('lynis: suggestions', l(before.ly).suggestions, l(after.ly).suggestions);
    row('lynis: tests run', l(before.ly).tests, l(after.ly).tests);
  }
  const sum = (a: typeof skiffAudit) => `${a.summary.pass}/${a.summary.warn}/${a.summary.fail}`;
  row('Skiff audit: pass/warn/fail', sum(freshAudit), sum(skiffAudit));
  for (const [name, e] of exposures) row(`systemd-analyze security (${name})`, '', e);
  if (after.audit.failures.length) console.log(`\nssh-audit still fails on:\n  ${after.audit.failures.join('\n  ')}`);
  if (after.ly) console.log(`\nlynis suggestions left after hardening (docs/hardening.md says why each is skipped):\n  ${[...new Set(after.ly.suggestionIds)].join(' ')}`);
} finally {
  await vps.stop();
}
