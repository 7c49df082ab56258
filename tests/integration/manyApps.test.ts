// Many apps on one server (the small version of the fifty-app bench): apps from a template, one
// fleet deploy that uploads the version once, every app answering through Caddy on its own domain
// and port, a second version, and the whole fleet rolled back. Also the fleet's own refusals.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildVersionZip } from '../../e2e/fixtures/versionZip';
import type { TestVps } from '../../e2e/vps/vm';
import type { App, FleetRecap, Server, Version } from '../../src-shared/domain';
import { readJobLog } from '../../src-main/core/jobs/jobLog';
import { setUpServer, viaCaddy, type TestCore } from './helpers';

const COUNT = 6;
let vps: TestVps;
let core: TestCore;
let server: Server;
let apps: App[];
const v: Record<string, Version> = {};

beforeAll(async () => {
  ({ vps, core, server } = await setUpServer('many box'));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-many-'));
  v.v1 = await core.versions.add(buildVersionZip(path.join(dir, 'v1.zip'), { label: 'v1', payloadBytes: 2 * 1024 * 1024 }));
  v.v2 = await core.versions.add(buildVersionZip(path.join(dir, 'v2.zip'), { label: 'v2', payloadBytes: 2 * 1024 * 1024 }));
}, 600_000);

afterAll(async () => {
  core?.close();
  await vps?.stop();
});

async function servedBy(app: App): Promise<string> {
  const r = await viaCaddy(vps, app.domain!, '/api/fixture');
  return r.status === 200 ? String(r.json.version) : `HTTP ${r.status}`;
}

const stepNote = (jobId: string) => core.jobs.store.get(jobId)?.steps.find((s) => /^Upload/.test(s.title))?.note ?? '';

describe('many apps on one server', () => {
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

  it('deploys one version to every app: the canary uploads it once, the rest send nothing, all answer on their own domain', async () => {
    const recap = await core.fleet.deploy(apps.map((a) => a.id), v.v1.sha256, { batchSize: 3 });
    expect(recap.counts).toEqual({ ok: 0, changed: COUNT, failed: 0, skipped: 0, unreachable: 0 });
    const [canary, ...rest] = recap.targets;
    expect(stepNote(canary.jobId!)).toMatch(/^sent [\d.]+ MiB of [\d.]+ MiB/);
    for (const t of rest) expect(stepNote(t.jobId!)).toMatch(/^all \d+ files are in the server's store: nothing to upload/);
    expect(await Promise.all(apps.map(servedBy))).toEqual(apps.map(() => 'v1'));
    const env = JSON.parse((await viaCaddy(vps, apps[4].domain!, '/api/fixture')).body).env;
    expect(env).toEqual({ GREETING: 'tenant t5' });
    // Memory per app, for the record (the bench reports it for fifty).
    const mem = (await vps.exec(`for u in ${apps.map((a) => `skiff-${a.name}.service`).join(' ')}; do systemctl show -p MemoryCurrent --value "$u"; done`)).stdout.trim().split('\n').map(Number);
    console.log(`[many] memory per app: ${mem.map((m) => `${(m / 1048576).toFixed(1)} MiB`).join(', ')}`);
    expect(mem.every((m) => m > 0)).toBe(true);
  });

  it('a preflight that finds an app locked stops the run before any change, naming it', async () => {
    await vps.exec(`install -d -o skiff -g skiff /opt/skiff/apps/t3/.skiff/lock && echo "job-x someone@elsewhere" > /opt/skiff/apps/t3/.skiff/lock/holder`);
    const recap = await core.fleet.deploy(apps.map((a) => a.id), v.v2.sha256);
    expect(recap.stoppedBeforeChange).toMatch(/t3 on many box: another job holds the app's lock \(job-x someone@elsewhere\)/);
    expect(recap.counts).toMatchObject({ changed: 0, failed: 1, skipped: COUNT - 1 });
    expect(await Promise.all(apps.map(servedBy))).toEqual(apps.map(() => 'v1'));
    await vps.exec('rm -rf /opt/skiff/apps/t3/.skiff/lock');
  });

  let v2run: FleetRecap;
  it('ships a second version to all, then rolls the whole fleet back to the first', async () => {
    v2run = await core.fleet.deploy(apps.map((a) => a.id), v.v2.sha256, { batchSize: 3 });
    expect(v2run.counts.changed).toBe(COUNT);
    expect(v2run.targets.every((t) => /^\d{8}-\d{6}-[0-9a-f]{8}$/.test(t.from ?? ''))).toBe(true);
    expect(await Promise.all(apps.map(servedBy))).toEqual(apps.map(() => 'v2'));

    core.fleet.startRollbackFleet({ batchSize: 3 });
    const back = await until(() => { const s = core.fleet.current()!; return s.running ? undefined : s; });
    expect(back.kind).toBe('rollback');
    expect(back.recap!.counts).toEqual({ ok: 0, changed: COUNT, failed: 0, skipped: 0, unreachable: 0 });
    expect(await Promise.all(apps.map(servedBy))).toEqual(apps.map(() => 'v1'));
    for (const t of back.targets) expect(readJobLog(core.dataDir, t.jobId!)).not.toMatch(/Upload/);
  });

  it('refuses a second run while one goes on, and a retry when nothing failed', async () => {
    const first = core.fleet.startDeploy(apps.map((a) => a.id), v.v2.sha256);
    expect(first.running).toBe(true);
    expect(() => core.fleet.startDeploy([apps[0].id], v.v2.sha256)).toThrow(/A fleet run is going on already/);
    await until(() => (core.fleet.current()!.running ? undefined : true));
    expect(() => core.fleet.startRetryFailed()).toThrow(/Nothing failed in the last fleet run/);
  });
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
