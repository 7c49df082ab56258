// Deploy, redeploy, rollback and their failure modes against a real set-up VM, through Caddy.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildVersionZip, writeZip } from '../../e2e/fixtures/versionZip';
import type { TestVps } from '../../e2e/vps/vm';
import type { App, JobEvent, Server, Version } from '../../src-shared/domain';
import { execStats, runScript } from '../../src-main/core/ssh/exec';
import { helperCall } from '../../src-main/core/remote/helper/verbs';
import { parseStatus } from '../../src-main/core/monitor/status';
import { runJob, setUpServer, viaCaddy as caddy, type TestCore } from './helpers';

let vps: TestVps;
let core: TestCore;
let server: Server;
let app: App;
const v: Record<string, Version> = {};
const DOMAIN = 'web.skiff.test';

const viaCaddy = (pathname: string) => caddy(vps, DOMAIN, pathname);

async function servedVersion(): Promise<string> {
  const r = await viaCaddy('/api/fixture');
  expect(r.status).toBe(200);
  return JSON.parse(r.body).version;
}

beforeAll(async () => {
  ({ vps, core, server } = await setUpServer('deploy box'));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff versions "q" $(x) '));
  const add = (file: string) => core.versions.add(file);
  v.v1 = await add(buildVersionZip(path.join(dir, 'v1 "first" $(x).zip'), { label: 'v1', publicFiles: { 'index.html': '<h1>v1</h1>' }, migrations: { '1_init.js': '// 1' } }));
  v.v2 = await add(buildVersionZip(path.join(dir, 'v2.zip'), { label: 'v2', publicFiles: { 'index.html': '<h1>v2</h1>' }, migrations: { '1_init.js': '// 1', '2_more.js': '// 2' } }));
  v.broken = await add(buildVersionZip(path.join(dir, 'broken.zip'), { label: 'broken', broken: 'unhealthy' }));
  v.big = await add(buildVersionZip(path.join(dir, 'big.zip'), { label: 'big', payloadBytes: 40 * 1024 * 1024 }));
  v.f1 = await add(buildVersionZip(path.join(dir, 'f1.zip'), { label: 'f1', payloadBytes: 2 * 1024 * 1024 }));
  v.f2 = await add(buildVersionZip(path.join(dir, 'f2.zip'), { label: 'f2', payloadBytes: 2 * 1024 * 1024 }));
  app = await core.apps.create({
    serverId: server.id, name: 'web', domain: DOMAIN, tls: 'off', keepReleases: 5, binary: 'pocketbase', healthTimeoutS: 15,
    env: [{ key: 'GREETING', value: 'hi "there" $(reboot) `x`', secret: false }, { key: 'API_KEY', value: 'k3y-$ecret', secret: true }],
    superuserEmail: 'admin@example.com', superuserPassword: 'super "secret" $(1)',
  });
}, 600_000);

afterAll(async () => {
  core?.close();
  await vps?.stop();
});

describe('deploy', () => {
  it('allocates a free port and keeps secret env values out of the settings', () => {
    expect(app.port).toBe(8090);
    expect(app.env.find((e) => e.key === 'API_KEY')).toEqual({ key: 'API_KEY', secret: true });
  });

  it('deploys a version: uploaded with progress, unpacked, served through Caddy, env and superuser applied', async () => {
    const progress: JobEvent[] = [];
    const off = core.events.subscribe((name, e) => { if (name === 'job.event' && (e as JobEvent).type === 'progress') progress.push(e as JobEvent); });
    const { job, log } = await runJob(core, () => core.ops.deploy(app.id, v.v1.sha256));
    off();
    expect(job.error).toBeUndefined();
    expect(job.status).toBe('succeeded');
    expect(log).toMatch(/Upload v1 "first" \$\(x\)\.zip/);
    expect(log).toMatch(/healthy: \/api\/health answered 200/);
    expect(progress.length).toBeGreaterThan(0);
    const last = progress.at(-1) as Extract<JobEvent, { type: 'progress' }>;
    expect(last.bytes).toBe(last.total);
    // A first deploy sends every file (the store is empty).
    expect(job.steps[1].note).toMatch(/^sent [\d.]+ K?i?B of [\d.]+ K?i?B: 4 of 4 files/);
    expect(await servedVersion()).toBe('v1');
    expect((await viaCaddy('/index.html')).body).toBe('<h1>v1</h1>');

    const env = (await vps.exec('cat /etc/skiff/apps/web.env; stat -c %U:%a /etc/skiff/apps/web.env')).stdout;
    expect(env).toContain('GREETING="hi \\"there\\" $(reboot) `x`"');
    expect(env).toContain('API_KEY="k3y-$ecret"');
    expect(env).toContain('root:600');
    // What the app itself sees, byte for byte.
    expect(JSON.parse((await viaCaddy('/api/fixture')).body).env).toEqual({ GREETING: 'hi "there" $(reboot) `x`', API_KEY: 'k3y-$ecret' });
    const su = (await vps.exec('sqlite3 /opt/skiff/apps/web/shared/pb_data/data.db "select email, password from _superusers"')).stdout.trim();
    expect(su).toBe('admin@example.com|super "secret" $(1)');
    const app1 = core.apps.get(app.id);
    expect(app1.releases).toHaveLength(1);
    expect(app1.releases[0]).toMatchObject({ current: true, versionSha256: v.v1.sha256 });
  }, 180_000);

  it('the overview reads the server and the app in one helper call: running, healthy, on its release', async () => {
    const res = await runScript(await core.pool.get(server.id), helperCall('status', []).text, { check: true });
    const status = parseStatus(res.stdout)!;
    expect(status.memory.totalBytes).toBeGreaterThan(100 * 2 ** 20);
    expect(status.disk.usedBytes).toBeGreaterThan(0);
    expect(status.cpuJiffies.length).toBeGreaterThanOrEqual(8);
    const web = status.apps.find((a) => a.app === 'web')!;
    expect(web).toMatchObject({ state: 'running', health: 200, release: core.apps.get(app.id).releases?.find((r) => r.current)?.id });
    expect(web.pid).toBeGreaterThan(1);
    expect(web.memoryBytes).toBeGreaterThan(0);
    expect(web.dataBytes).toBeGreaterThan(0);
  });

  it('deploys a second version with a data snapshot taken first, and switches atomically, in 3 remote commands plus the upload', async () => {
    const commands = execStats.commands;
    const { job, log } = await runJob(core, () => core.ops.deploy(app.id, v.v2.sha256));
    expect(job.status).toBe('succeeded');
    expect(execStats.commands - commands).toBeLessThanOrEqual(3);
    expect(log).toMatch(/data snapshot: backups\/\S+\.tar\.zst/);
    expect(await servedVersion()).toBe('v2');
    const r = JSON.parse((await viaCaddy('/api/fixture')).body);
    expect(r.migrations).toEqual(['1_init.js', '2_more.js']);
    const releases = core.apps.get(app.id).releases;
    expect(releases.map((x) => x.current)).toEqual([true, false]);
    expect((await vps.exec('readlink /opt/skiff/apps/web/current')).stdout.trim()).toBe(`releases/${releases[0].id}`);
  }, 180_000);

  it('redeploying the version that serves, with its config unchanged, does nothing and says so: no restart', async () => {
    const starts = JSON.parse((await viaCaddy('/api/fixture')).body).starts;
    const c0 = execStats.commands;
    const { job, log } = await runJob(core, () => core.ops.deploy(app.id, v.v2.sha256));
    expect(job.status).toBe('succeeded');
    // The server sees it in the check and takes no lock: one round trip in all.
    expect(job.steps[0].note).toMatch(/already serving releases\/\S+ with this config: nothing to do, no restart$/);
    expect(job.steps.slice(1).map((st) => st.status)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(execStats.commands - c0).toBe(1);
    expect((await vps.exec('ls /opt/skiff/apps/web/.skiff')).stdout).not.toMatch(/^lock$/m);
    expect(log).not.toMatch(/MiB\/s/);
    expect(JSON.parse((await viaCaddy('/api/fixture')).body).starts).toBe(starts);
  }, 120_000);

  it('a version uploaded once serves every app on the server: a second app sends nothing', async () => {
    const docs = await core.apps.create({ serverId: server.id, name: 'docs', domain: 'docs.skiff.test', tls: 'off', keepReleases: 3, binary: 'pocketbase', env: [] });
    const { job } = await runJob(core, () => core.ops.deploy(docs.id, v.v2.sha256));
    expect(job.error).toBeUndefined();
    expect(job.steps[1].note).toMatch(/^all \d+ files are in the server's store: nothing to upload/);
    expect(JSON.parse((await caddy(vps, 'docs.skiff.test', '/api/fixture')).body).version).toBe('v2');
    // The two apps' releases are the same files: hard links into the store, which no app can enter.
    const links = (await vps.exec(`stat -c '%h %U %a' /opt/skiff/apps/docs/current/pocketbase; stat -c '%U %a' /opt/skiff/apps/.store
runuser -u pb-docs -- ls /opt/skiff/apps/.store >/dev/null 2>&1 && echo LISTED || echo denied`)).stdout.trim();
    expect(links).toMatch(/^[3-9] skiff 755\nskiff 700\ndenied$/);
    await runJob(core, () => core.ops.deleteApp(docs.id, 'docs', 'none'));
  }, 180_000);

  it('a version that changed one file in pb_public sends about that file, and serves it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-delta-'));
    const big = randomBytes(1_500_000).toString('base64');
    const add = (label: string, index: string) => core.versions.add(buildVersionZip(path.join(dir, `${label}.zip`), { label: 'v2', publicFiles: { 'index.html': index, 'big.js': big }, migrations: { '1_init.js': '// 1', '2_more.js': '// 2' } }));
    const a = await add('delta-a', '<h1>a</h1>');
    const b = await add('delta-b', '<h1>b, changed</h1>');
    expect((await runJob(core, () => core.ops.deploy(app.id, a.sha256))).job.status).toBe('succeeded');
    const { job, log } = await runJob(core, () => core.ops.deploy(app.id, b.sha256));
    expect(job.status).toBe('succeeded');
    const sent = /sent ([\d.]+) (B|KiB|MiB) of ([\d.]+) (B|KiB|MiB): 1 of 6 files/.exec(job.steps[1].note ?? '');
    expect(sent, job.steps[1].note).not.toBeNull();
    const bytes = (n: string, unit: string) => Number(n) * { B: 1, KiB: 1024, MiB: 1048576 }[unit as 'B'];
    // About the changed file (plus the zip's headers), out of a version of over a MiB.
    expect(bytes(sent![1], sent![2])).toBeLessThan(2048);
    expect(bytes(sent![3], sent![4])).toBeGreaterThan(1048576);
    expect(log).toMatch(/stored 1 new files/);
    expect((await viaCaddy('/index.html')).body).toBe('<h1>b, changed</h1>');
    expect((await viaCaddy('/big.js')).body).toBe(big);
    // Back to v2 for the tests below.
    expect((await runJob(core, () => core.ops.deploy(app.id, v.v2.sha256))).job.status).toBe('succeeded');
  }, 300_000);
});

describe('rollback', () => {
  it('goes back to a kept release in one job, with no upload', async () => {
    const target = core.apps.get(app.id).releases.find((r) => r.versionSha256 === v.v1.sha256)!;
    const { job, log } = await runJob(core, () => core.ops.rollback(app.id, target.id, false));
    expect(job.error).toBeUndefined();
    expect(job.status).toBe('succeeded');
    expect(log).toMatch(/nothing to upload/);
    expect(log).not.toMatch(/Upload/);
    expect(await servedVersion()).toBe('v1');
    expect(core.apps.get(app.id).releases.find((r) => r.current)?.id).toBe(target.id);
  }, 120_000);

  it('rolls back release and data: the snapshot taken before the undone release comes back', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-v3-'));
    const v3 = await core.versions.add(buildVersionZip(path.join(dir, 'v3.zip'), { label: 'v3', migrations: { '1_init.js': '// 1', '3_third.js': '// 3' } }));
    const before = JSON.parse((await viaCaddy('/api/fixture')).body).migrations as string[];
    expect(before).not.toContain('3_third.js');
    await runJob(core, () => core.ops.deploy(app.id, v3.sha256));
    expect(JSON.parse((await viaCaddy('/api/fixture')).body).migrations).toContain('3_third.js');
    const target = core.apps.get(app.id).releases.find((r) => r.versionSha256 === v.v1.sha256)!;
    const { job, log } = await runJob(core, () => core.ops.rollback(app.id, target.id, true));
    expect(job.error).toBeUndefined();
    expect(log).toMatch(/restoring data from backups\/\S+\.tar\.zst/);
    expect(log).toMatch(/restored the data snapshot \(the data it replaced is in shared\/pb_data\.before-restore-/);
    expect(await servedVersion()).toBe('v1');
    // The data is as it was just before v3 went live: v3's migration is gone from it.
    expect(JSON.parse((await viaCaddy('/api/fixture')).body).migrations).toEqual(before);
  }, 180_000);

  it('rolls back by itself when the new release fails its health check; the previous one keeps serving', async () => {
    const { job, log } = await runJob(core, () => core.ops.deploy(app.id, v.broken.sha256));
    expect(job.status).toBe('rolled-back');
    expect(job.error?.code).toBe('HEALTH_CHECK_FAILED');
    expect(log).toMatch(/unhealthy: \/api\/health answered 500/);
    expect(log).toMatch(/back on /);
    expect(await servedVersion()).toBe('v1');
  }, 180_000);
});

describe('faults', () => {
  it('a connection dropped mid-upload leaves the old release serving; the retry succeeds', async () => {
    let killed = false;
    const off = core.events.subscribe((name, e) => {
      const ev = e as JobEvent;
      if (name === 'job.event' && ev.type === 'progress' && !killed && ev.bytes > 2 * 1024 * 1024) {
        killed = true;
        void vps.exec("pkill -f 'sshd: skiff' || true");
      }
    });
    const first = await runJob(core, () => core.ops.deploy(app.id, v.big.sha256));
    off();
    expect(killed).toBe(true);
    expect(first.job.status).toBe('failed');
    expect(first.job.error?.code).toBe('UPLOAD_FAILED');
    expect(await servedVersion()).toBe('v1');
    const retry = await runJob(core, () => core.ops.deploy(app.id, v.big.sha256));
    expect(retry.job.error).toBeUndefined();
    expect(await servedVersion()).toBe('big');
  }, 300_000);

  it('two deploys of one app at once: the second waits, they never interleave', async () => {
    const a = core.ops.deploy(app.id, v.v1.sha256);
    const b = core.ops.deploy(app.id, v.v2.sha256);
    expect(b.status).toBe('queued');
    const [ja, jb] = await Promise.all([core.jobs.runner.wait(a.id), core.jobs.runner.wait(b.id)]);
    expect(ja.status).toBe('succeeded');
    expect(jb.status).toBe('succeeded');
    expect(Date.parse(jb.startedAt!)).toBeGreaterThanOrEqual(Date.parse(ja.endedAt!));
    expect(await servedVersion()).toBe('v2');
  }, 300_000);

  it('a deploy from another desktop holding the remote lock is refused, naming it', async () => {
    await vps.exec(`mkdir /opt/skiff/apps/web/.skiff/lock && echo "other-job $(date +%s) 0b9f3c2e-1111-4222-8333-444455556666 skiff@other-laptop" > /opt/skiff/apps/web/.skiff/lock/holder && chown -R skiff: /opt/skiff/apps/web/.skiff/lock`);
    const { job } = await runJob(core, () => core.ops.deploy(app.id, v.v1.sha256));
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('APP_LOCKED');
    expect(job.error?.message).toMatch(/other-job.*skiff@other-laptop/);
    expect(await servedVersion()).toBe('v2');
    await vps.exec('rm -rf /opt/skiff/apps/web/.skiff/lock');
  }, 120_000);

  it('refuses a binary built for another CPU before uploading anything', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-arm-'));
    const head = Buffer.alloc(64);
    head.writeUInt32BE(0x7f454c46, 0); head[4] = 2; head[5] = 1; head.writeUInt16LE(0xb7, 18);
    const arm = await core.versions.add(writeZip(path.join(dir, 'arm.zip'), [{ name: 'pocketbase', data: `b64:${head.toString('base64')}`, mode: 0o755 }]));
    const { job } = await runJob(core, () => core.ops.deploy(app.id, arm.sha256));
    expect(job.error?.code).toBe('VERSION_ARCH_MISMATCH');
    expect(job.steps[1].status).toBe('failed');
    expect(job.steps[2].status).toBe('cancelled');
    expect(await servedVersion()).toBe('v2');
  }, 120_000);
});

describe('reading back and deleting', () => {
  it('reads the releases back from the server manifest', async () => {
    const before = core.apps.recordReleases(app.id, []);
    expect(before.releases).toEqual([]);
    const after = await core.ops.refreshApp(app.id);
    expect(after.releases.find((r) => r.current)?.versionSha256).toBe(v.v2.sha256);
  });

  it('refuses a delete without the typed name, then deletes with a final backup on this computer', async () => {
    expect(() => core.ops.deleteApp(app.id, 'nope', 'keep')).toThrow(/Type the app's name/);
    const { job, log } = await runJob(core, () => core.ops.deleteApp(app.id, 'web', 'keep'));
    expect(job.error, log.slice(-1500)).toBeUndefined();
    const archived = core.backups.list(app.id);
    expect(archived).toHaveLength(1);
    expect(archived[0]).toMatchObject({ kind: 'archive', appName: 'web', copies: { desktop: { encrypted: false } } });
    const { statSync } = await import('node:fs');
    expect(statSync(path.join(core.dataDir, 'backups', app.id, `${archived[0].id}.tar`)).size).toBe(archived[0].copies.desktop!.bytes);
    const left = (await vps.exec('ls /opt/skiff/apps; ls /etc/systemd/system/skiff-web.service /etc/caddy/skiff/web.caddy 2>&1 || true')).stdout;
    expect(left).not.toMatch(/^web$/m);
    expect(left).toMatch(/No such file/);
    expect(() => core.apps.get(app.id)).toThrow(/no longer exists/);
    expect(await core.vault.get(`app/${app.id}/env/API_KEY`)).toBeNull();
    const r = await viaCaddy('/api/fixture');
    expect(r.status).not.toBe(200);
  }, 120_000);
});

const COUNT = 3;
let apps: App[];

// Deploying to many apps, rolling them all back and retrying are proven through the UI by
// e2e/specs/fleet.spec.ts, and at fifty apps by `npm run bench -- fleet`.
describe('many apps on one server, as a fleet', () => {
  it('creates apps from a template: names from a range, {name} in the domain and env, ports picked one by one', async () => {
    apps = await core.apps.createMany(
      { serverId: server.id, tls: 'off', keepReleases: 3, binary: 'pocketbase', env: [{ key: 'GREETING', value: 'tenant {name}', secret: false }] },
      Array.from({ length: COUNT }, (_, i) => `t${i + 1}`), '{name}.many.test',
    );
    expect(apps.map((a) => [a.name, a.domain])).toEqual(Array.from({ length: COUNT }, (_, i) => [`t${i + 1}`, `t${i + 1}.many.test`]));
    expect(new Set(apps.map((a) => a.port)).size).toBe(COUNT);
    expect(apps[2].env).toEqual([{ key: 'GREETING', value: 'tenant t3', secret: false }]);
    // A second template naming one of them makes nothing at all.
    await expect(core.apps.createMany({ serverId: server.id, tls: 'off', keepReleases: 3, binary: 'pocketbase', env: [] }, ['fresh', 't2'], '{name}.many.test'))
      .rejects.toThrow(/"t2" already exists/);
    expect(core.apps.list(server.id).map((a) => a.name)).not.toContain('fresh');
  });

  it('a preflight that finds an app locked stops the run before any change, naming it; a second run is refused meanwhile; the retry checks again', async () => {
    await vps.exec(`install -d -o skiff -g skiff /opt/skiff/apps/t3/.skiff/lock && echo "job-x someone@elsewhere" > /opt/skiff/apps/t3/.skiff/lock/holder`);
    try {
      const first = core.fleet.startDeploy(apps.map((a) => a.id), v.f1.sha256);
      expect(first.running).toBe(true);
      expect(() => core.fleet.startDeploy([apps[0].id], v.f2.sha256)).toThrow(/A fleet run is going on already/);
      const done = await until(() => { const s = core.fleet.current()!; return s.running ? undefined : s; });
      expect(done.recap!.stoppedBeforeChange).toMatch(/t3 on deploy box: another job holds the app's lock \(job-x someone@elsewhere\)/);
      expect(done.recap!.counts).toMatchObject({ changed: 0, failed: 1, skipped: COUNT - 1 });
      expect(apps.map((a) => core.apps.get(a.id).releases.length)).toEqual(apps.map(() => 0));
      // Retried while the lock is still held: only t3 is checked, and refused again.
      core.fleet.startRetryFailed();
      const again = await until(() => { const s = core.fleet.current()!; return s.running ? undefined : s; });
      expect(again.targets.map((t) => t.target.label)).toEqual(['t3 on deploy box']);
      expect(again.recap!.counts).toMatchObject({ changed: 0, failed: 1 });
    } finally {
      await vps.exec('rm -rf /opt/skiff/apps/t3/.skiff/lock');
    }
  }, 120_000);
});

async function until<T>(probe: () => T | undefined, timeoutMs = 600_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 250));
  }
}
