// Drift, the record and the audit trail on a real set-up, hardened and deployed VM: a clean server
// reports clean; hand edits, a stopped unit and an unknown unit are each reported in their
// category; re-apply and adopt work; a conflicting sshd file is named and resolved through
// hardening; two desktops see each other's deploys in the server's trail.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildVersionZip } from '../../e2e/fixtures/versionZip';
import type { TestVps } from '../../e2e/vps/vm';
import type { App, DriftFinding, Server } from '../../src-shared/domain';
import { addTrusted, authorize, makeCore, makeKeyFile, runJob, setUpServer, type TestCore } from './helpers';

let vps: TestVps;
let core: TestCore;
let server: Server;
let app: App;

async function check(c: TestCore = core): Promise<DriftFinding[]> {
  const { job, log } = await runJob(c, () => c.ops.driftCheck(server.id));
  expect(job.status, log.slice(-2000)).toBe('succeeded');
  return c.servers.get(server.id).lastDrift!.findings;
}
const changes = (f: DriftFinding[]) => f.filter((x) => x.category !== 'unchanged');

beforeAll(async () => {
  ({ vps, core, server } = await setUpServer('drift box'));
  const harden = await runJob(core, () => core.ops.harden(server.id));
  if (harden.job.status !== 'succeeded') throw new Error(`harden failed: ${harden.log.slice(-2000)}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-drift-'));
  const v1 = await core.versions.add(buildVersionZip(path.join(dir, 'v1.zip'), { label: 'v1' }));
  app = await core.apps.create({ serverId: server.id, name: 'web', domain: 'web.skiff.test', tls: 'off', keepReleases: 3, binary: 'pocketbase', healthTimeoutS: 15, env: [{ key: 'K', value: 'secret value', secret: true }] });
  const deploy = await runJob(core, () => core.ops.deploy(app.id, v1.sha256));
  if (deploy.job.status !== 'succeeded') throw new Error(`deploy failed: ${deploy.log.slice(-2000)}`);
}, 900_000);

afterAll(async () => {
  core?.close();
  await vps?.stop();
});

describe('the record and the drift check', () => {
  it('records every file Skiff wrote, and a server after setup, harden and deploy reports no drift', async () => {
    const f = await check();
    expect(changes(f), JSON.stringify(changes(f), null, 1)).toEqual([]);
    const record = core.written.get(server.id);
    const paths = record.map((r) => r.path);
    for (const p of ['/etc/ssh/sshd_config.d/00-skiff-hardening.conf', '/etc/fail2ban/jail.d/skiff-sshd.local', '/etc/systemd/system/skiff-web.service', '/etc/caddy/skiff/web.caddy', '/etc/skiff/apps/web.env', '/etc/apt/apt.conf.d/20auto-upgrades']) expect(paths).toContain(p);
    const unit = record.find((r) => r.path === '/etc/systemd/system/skiff-web.service')!;
    expect(unit).toMatchObject({ verb: 'app-unit', jobKind: 'deploy', mode: '0644', owner: 'root:root' });
    expect(unit.content).toContain('User=pb-web');
    // The env file's content stays on the server: its secrets never reach the desktop's record.
    expect(record.find((r) => r.path === '/etc/skiff/apps/web.env')!.content).toBeUndefined();
    expect((await vps.exec('stat -c %U:%a /var/lib/skiff/written/index /var/lib/skiff/trail.log')).stdout.trim()).toBe('root:600\nroot:600');
  });

  it('takes one command on the server, under 5 s', () => {
    expect(core.servers.get(server.id).lastDrift!.durationMs).toBeLessThan(5000);
  });

  it('flags a hand edit of the sshd drop-in with a diff; re-applied through hardening, sshd -T shows it fixed', async () => {
    await vps.exec("sed -i 's/^PasswordAuthentication no/PasswordAuthentication yes/' /etc/ssh/sshd_config.d/00-skiff-hardening.conf && systemctl reload ssh");
    expect((await vps.exec('sshd -T | grep ^passwordauthentication')).stdout.trim()).toBe('passwordauthentication yes');
    const f = changes(await check());
    const file = f.find((x) => x.subject === '/etc/ssh/sshd_config.d/00-skiff-hardening.conf')!;
    expect(file).toMatchObject({ category: 'edited', fix: 'harden' });
    expect(file.diff).toContain('-PasswordAuthentication no\n+PasswordAuthentication yes');
    expect(f.find((x) => x.id === 'sshd:passwordauthentication')).toMatchObject({ category: 'edited', fix: 'harden' });
    const preview = await core.ops.hardenPreview(server.id);
    expect(preview.files.find((x) => x.path.endsWith('00-skiff-hardening.conf'))!.changed).toBe(true);
    const { job } = await runJob(core, () => core.ops.harden(server.id));
    expect(job.status).toBe('succeeded');
    expect((await vps.exec('sshd -T | grep ^passwordauthentication')).stdout.trim()).toBe('passwordauthentication no');
    expect(changes(await check())).toEqual([]);
  });

  it('reports a replaced file, a stopped unit and an unknown unit each in its category; adopt and re-apply clear them', async () => {
    await vps.exec(`printf '\\n# tuned by hand\\n' >> /etc/caddy/skiff/web.caddy
systemctl stop skiff-web.service
printf '[Service]\\nExecStart=/bin/true\\n' > /etc/systemd/system/miner.service`);
    const f = changes(await check());
    expect(f.find((x) => x.subject === '/etc/caddy/skiff/web.caddy')).toMatchObject({ category: 'edited', canAdopt: true, fix: 'reapply' });
    expect(f.find((x) => x.subject === 'skiff-web.service')).toMatchObject({ area: 'unit', category: 'edited', fix: 'reapply' });
    expect(f.find((x) => x.subject === '/etc/systemd/system/miner.service')).toMatchObject({ category: 'unknown' });

    const adopt = await runJob(core, () => core.ops.driftFix(server.id, 'adopt', ['file:/etc/caddy/skiff/web.caddy']));
    expect(adopt.job.status, adopt.log.slice(-1500)).toBe('succeeded');
    const reapply = await runJob(core, () => core.ops.driftFix(server.id, 'reapply', ['unit:skiff-web.service']));
    expect(reapply.job.status, reapply.log.slice(-1500)).toBe('succeeded');
    expect((await vps.exec('systemctl is-active skiff-web.service')).stdout.trim()).toBe('active');
    const after = changes(core.servers.get(server.id).lastDrift!.findings);
    expect(after.map((x) => x.subject)).toEqual(['/etc/systemd/system/miner.service']);
    const rec = core.written.get(server.id).find((r) => r.path === '/etc/caddy/skiff/web.caddy')!;
    expect(rec).toMatchObject({ verb: 'drift-adopt', jobKind: 'drift-fix' });
    expect(rec.content).toContain('# tuned by hand');
    await vps.exec('rm -f /etc/systemd/system/miner.service');
  });

  it('re-applies an edited app unit from its template and restarts the app', async () => {
    await vps.exec("sed -i 's/^LimitNOFILE=.*/LimitNOFILE=99/' /etc/systemd/system/skiff-web.service && systemctl daemon-reload");
    expect(changes(await check()).map((x) => x.subject)).toEqual(['/etc/systemd/system/skiff-web.service']);
    const { job, log } = await runJob(core, () => core.ops.driftFix(server.id, 'reapply', ['file:/etc/systemd/system/skiff-web.service']));
    expect(job.status, log.slice(-1500)).toBe('succeeded');
    expect((await vps.exec('grep ^LimitNOFILE /etc/systemd/system/skiff-web.service; systemctl is-active skiff-web')).stdout).toBe('LimitNOFILE=4096\nactive\n');
    expect(changes(core.servers.get(server.id).lastDrift!.findings)).toEqual([]);
  });
});

describe('an sshd file that overrides hardening', () => {
  it('is named by the preview, the error and the audit, and resolved through the preview', async () => {
    await vps.exec("printf 'PasswordAuthentication yes\\n' > /etc/ssh/sshd_config.d/00-custom.conf && chmod 644 /etc/ssh/sshd_config.d/00-custom.conf && systemctl reload ssh");
    const preview = await core.ops.hardenPreview(server.id);
    expect(preview.conflicts).toEqual([expect.objectContaining({ file: '/etc/ssh/sshd_config.d/00-custom.conf', line: 1, key: 'passwordauthentication' })]);

    const refused = await runJob(core, () => core.ops.harden(server.id));
    expect(refused.job.status).toBe('failed');
    expect(refused.job.error?.code).toBe('SSHD_CONFLICT');
    expect(refused.job.error?.message).toMatch(/00-custom\.conf line 1/);

    const audit = await runJob(core, () => core.ops.audit(server.id));
    expect(audit.job.status).toBe('succeeded');
    const pw = core.servers.get(server.id).lastAudit!.items.find((i) => i.id === 'ssh.password-auth')!;
    expect(pw.status).toBe('fail');
    expect(pw.detail).toMatch(/00-custom\.conf line 1/);
    expect(pw.fix).toMatch(/comment out \/etc\/ssh\/sshd_config\.d\/00-custom\.conf line 1/);

    const { job, log } = await runJob(core, () => core.ops.harden(server.id, { resolveConflicts: true }));
    expect(job.status, log.slice(-2000)).toBe('succeeded');
    expect((await vps.exec('sshd -T | grep ^passwordauthentication; head -n 1 /etc/ssh/sshd_config.d/00-custom.conf')).stdout)
      .toBe('passwordauthentication no\n# Commented out by Skiff (it overrode SSH hardening): PasswordAuthentication yes\n');
  });
});

describe('the audit trail', () => {
  it('shows two desktops each other\'s deploys, with who and when', async () => {
    // A second desktop: its own data folder and installation, logging in as the deploy user.
    const key = makeKeyFile();
    await authorize(vps, key.publicKey, 'skiff');
    const other = makeCore();
    try {
      const s2 = await addTrusted(other, vps, { name: 'shared box', user: 'skiff', auth: { kind: 'keyFile', privateKey: key.text } });
      await other.servers.patch(s2.id, (s) => ({ ...s, setup: core.servers.get(server.id).setup }));
      const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-drift2-'));
      const v = await other.versions.add(buildVersionZip(path.join(dir, 'theirs.zip'), { label: 'theirs' }));
      const theirs = await other.apps.create({ serverId: s2.id, name: 'theirs', tls: 'off', keepReleases: 3, binary: 'pocketbase', healthTimeoutS: 15, port: 8095, env: [] });
      const d = await runJob(other, () => other.ops.deploy(theirs.id, v.sha256));
      expect(d.job.status, d.log.slice(-1500)).toBe('succeeded');

      const mine = await core.ops.trail(server.id, { lines: 2000 });
      const seen = mine.find((e) => e.source === 'server' && e.target === 'theirs' && e.verb === 'golive')!;
      expect(seen).toMatchObject({ mine: false, jobKind: 'deploy', jobId: d.job.id, outcome: 'ok', who: expect.stringMatching(/^[^@\s]+@\S+$/) });
      expect(Date.now() - Date.parse(seen.at)).toBeLessThan(10 * 60_000);
      // The other desktop sees the same line as its own, and this desktop's deploy as someone else's.
      const theirView = await other.ops.trail(s2.id, { lines: 2000 });
      expect(theirView.find((e) => e.source === 'server' && e.jobId === d.job.id && e.verb === 'golive')?.mine).toBe(true);
      expect(theirView.some((e) => e.source === 'server' && e.target === 'web' && e.verb === 'golive' && !e.mine)).toBe(true);
      // Per app: only that app's lines.
      const webOnly = await core.ops.trail(server.id, { appId: app.id, lines: 2000 });
      expect(webOnly.length).toBeGreaterThan(0);
      expect(webOnly.every((e) => e.target === 'web')).toBe(true);
    } finally {
      other.close();
    }
  });
});
