// A server set up the old way (Skiff 0.1: apps run as the login user, a helper with unsigned
// self-update, env in shared/env) moves to the current layout: one restart per app, no data lost.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildVersionZip } from '../../e2e/fixtures/versionZip';
import { ensurePreparedDisk } from '../../e2e/vps/prepared';
import { TestVps } from '../../e2e/vps/vm';
import { ROOT_HELPER } from '../../src-main/core/remote/helper/build';
import { buildOldServer, LEGACY_PORT as PORT, LEGACY_RELEASE as RELEASE } from '../../e2e/support/legacyServer';
import type { App, Server } from '../../src-shared/domain';
import { addTrusted, authorize, makeCore, makeKeyFile, runJob, type TestCore } from './helpers';


/** The user the app's main process runs as. */
const APP_USER = 'ps -o user= -p "$(systemctl show -p MainPID --value skiff-blog)"';

let vps: TestVps;
let core: TestCore;
let server: Server;
let app: App;

/** What /api/fixture says, asked on the server itself (this app has no domain). */
async function fixture(): Promise<{ version: string; starts: number; migrations: string[]; env: Record<string, string>; uid: number }> {
  return JSON.parse((await vps.exec(`curl -fsS 127.0.0.1:${PORT}/api/fixture`)).stdout);
}

beforeAll(async () => {
  vps = await TestVps.boot({ disk: await ensurePreparedDisk((s) => console.log(`[vps] ${s}`)), log: (s) => console.log(`[vps] ${s}`) });
  const key = makeKeyFile();
  await authorize(vps, key.publicKey);
  await buildOldServer(vps, key.publicKey);
  core = makeCore();
  // The records the old desktop kept: a server set up by 0.1 (no layout), and its app.
  server = await addTrusted(core, vps, { name: 'old box', user: 'skiff', auth: { kind: 'keyFile', privateKey: key.text } });
  server = await core.servers.patch(server.id, (s) => ({ ...s, setup: { appUser: 'skiff', adminUser: 'root', at: '2026-11-20T10:00:00.000Z' } }));
  const now = new Date().toISOString();
  app = { id: 'app-blog-0001', serverId: server.id, name: 'blog', tls: 'off', port: PORT, keepReleases: 5, binary: 'pocketbase', env: [{ key: 'GREETING', value: 'from the keychain now', secret: false }], createdAt: now, updatedAt: now, releases: [] };
  (core.apps as unknown as { store: { save(a: App): void } }).store.save(app);
}, 600_000);

afterAll(async () => {
  core?.close();
  await vps?.stop();
});

describe('a server set up by Skiff 0.1', () => {
  it('runs its app as the login user, and a deploy says the server must move first', async () => {
    expect((await vps.exec(APP_USER)).stdout.trim()).toBe('skiff');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-new-'));
    const v = await core.versions.add(buildVersionZip(path.join(dir, 'new.zip'), { label: 'new' }));
    const { job } = await runJob(core, () => core.ops.deploy(app.id, v.sha256));
    expect(job.error?.code).toBe('SERVER_UPGRADE_REQUIRED');
    expect((await fixture()).version).toBe('old');
  }, 120_000);

  it('moves to per-app service users with one restart per app and no data lost', async () => {
    const before = await fixture();
    const { job, log } = await runJob(core, () => core.ops.migrate(server.id));
    expect(job.error).toBeUndefined();
    expect(job.status).toBe('succeeded');
    expect(log).toMatch(/apps running as the login user: blog/);
    const after = await fixture();
    expect(after.version).toBe('old');
    expect(after.starts).toBe(before.starts + 1);
    expect(after.migrations).toEqual(before.migrations);
    expect(after.env).toEqual({ GREETING: 'from the keychain now' });
    const facts = (await vps.exec(`${APP_USER}
stat -c '%U:%G %a' /opt/skiff/apps /opt/skiff/apps/blog /opt/skiff/apps/blog/shared /opt/skiff/apps/blog/shared/pb_data /etc/skiff/apps/blog.env
test -e /opt/skiff/apps/blog/shared/env && echo old-env-left || echo old-env-gone
sqlite3 /opt/skiff/apps/blog/shared/pb_data/data.db 'select email from _superusers'
/usr/local/sbin/skiff-root version; grep -c skiff-desktop /etc/skiff/helper-signers
systemd-analyze security skiff-blog.service --no-pager | tail -n 1`)).stdout;
    expect(facts).toContain('pb-blog\n');
    expect(facts).toContain('skiff:skiff 711\nskiff:pb-blog 2750\nroot:pb-blog 750\npb-blog:pb-blog 700\nroot:root 600\n');
    expect(facts).toContain('old-env-gone');
    expect(facts).toContain('old@example.com');
    expect(facts).toContain(`skiff-root ${ROOT_HELPER.version}\n1\n`);
    expect(Number(/exposure level for skiff-blog\.service: ([\d.]+)/.exec(facts)?.[1])).toBeLessThanOrEqual(2.5);
    expect(core.servers.get(server.id).setup?.layout).toBe(2);
  }, 300_000);

  it('then deploys as usual, and a second move changes nothing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-new2-'));
    const v = await core.versions.add(buildVersionZip(path.join(dir, 'new2.zip'), { label: 'new2' }));
    expect((await runJob(core, () => core.ops.deploy(app.id, v.sha256))).job.status).toBe('succeeded');
    expect((await fixture()).version).toBe('new2');
    expect(core.apps.get(app.id).releases.map((r) => r.id)).toContain(RELEASE);
    const again = await runJob(core, () => core.ops.migrate(server.id));
    expect(again.job.status).toBe('succeeded');
    expect(again.job.changedNothing).toBe(true);
  }, 300_000);
});
