// A server set up the old way (Skiff 0.1: apps run as the login user, a helper with unsigned
// self-update, env in shared/env) moves to the current layout: one restart per app, no data lost.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildVersionZip } from '../../e2e/fixtures/versionZip';
import { ensurePreparedDisk } from '../../e2e/vps/prepared';
import { TestVps } from '../../e2e/vps/vm';
import { ROOT_HELPER } from '../../src-main/core/remote/helper/build';
import type { App, Server } from '../../src-shared/domain';
import { addTrusted, authorize, makeCore, makeKeyFile, runJob, type TestCore } from './helpers';

const legacy = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/legacy');
const RELEASE = '20261120-101010-aaaaaaaa';
const PORT = 8095;

let vps: TestVps;
let core: TestCore;
let server: Server;
let app: App;

/** What /api/fixture says, asked on the server itself (this app has no domain). */
async function fixture(): Promise<{ version: string; starts: number; migrations: string[]; env: Record<string, string>; uid: number }> {
  return JSON.parse((await vps.exec(`curl -fsS 127.0.0.1:${PORT}/api/fixture`)).stdout);
}

/** Builds what Skiff 0.1's setup and one deploy left on a server, byte for byte where it matters. */
async function buildOldServer(publicKey: string): Promise<void> {
  const zip = buildVersionZip(path.join(mkdtempSync(path.join(os.tmpdir(), 'skiff-legacy-')), 'blog.zip'), { label: 'old', migrations: { '1_init.js': '//' }, publicFiles: { 'index.html': 'old' } });
  const b64 = (f: string) => readFileSync(f).toString('base64');
  const unit = readFileSync(path.join(legacy, 'app-unit-0.1.service'), 'utf8').replaceAll('APPNAME', 'blog').replaceAll('DEPLOYUSER', 'skiff').replaceAll('9999', String(PORT));
  const manifest = JSON.stringify({ app: 'blog', current: RELEASE, releases: [{ id: RELEASE, sha256: 'a'.repeat(64), label: 'old.zip', deployedAt: '2026-11-20T10:10:10.000Z', migrations: ['1_init.js'], snapshot: false, has: { public: true, hooks: false, migrations: true } }], updatedAt: '2026-11-20T10:10:10.000Z' });
  await vps.exec(`set -e
useradd --create-home --shell /bin/bash --user-group skiff
install -d -m 700 -o skiff -g skiff /home/skiff/.ssh
printf '%s\\n' '${publicKey}' > /home/skiff/.ssh/authorized_keys && chown skiff: /home/skiff/.ssh/authorized_keys && chmod 600 /home/skiff/.ssh/authorized_keys
printf 'skiff ALL=(root) NOPASSWD: /usr/local/sbin/skiff-root\\n' > /etc/sudoers.d/skiff-skiff && chmod 440 /etc/sudoers.d/skiff-skiff
echo '${b64(path.join(legacy, 'skiff-root-0.1.sh'))}' | base64 -d > /usr/local/sbin/skiff-root && chmod 755 /usr/local/sbin/skiff-root
install -d -m 0755 /opt/skiff && install -d -m 0750 -o skiff -g skiff /opt/skiff/apps
echo '${b64(zip)}' | base64 -d > /tmp/blog.zip
runuser -u skiff -- bash -c 'set -e; umask 022; cd /opt/skiff/apps && mkdir -p blog/releases/${RELEASE} blog/shared/pb_data blog/backups blog/.skiff/uploads && cd blog && unzip -q /tmp/blog.zip -d releases/${RELEASE} && ln -s releases/${RELEASE} current && printf "GREETING=\\"from the old env file\\"\\n" > shared/env && chmod 600 shared/env'
printf '%s' '${manifest}' > /opt/skiff/apps/blog/.skiff/manifest.json && chown skiff: /opt/skiff/apps/blog/.skiff/manifest.json
printf '%s' '${Buffer.from(unit).toString('base64')}' | base64 -d > /etc/systemd/system/skiff-blog.service
systemctl daemon-reload && systemctl enable --now --quiet skiff-blog.service
for i in $(seq 1 60); do curl -fsS 127.0.0.1:${PORT}/api/health >/dev/null 2>&1 && break; sleep 0.5; done
runuser -u skiff -- /opt/skiff/apps/blog/current/pocketbase superuser upsert --dir=/opt/skiff/apps/blog/shared/pb_data -- old@example.com old-password`);
}

beforeAll(async () => {
  vps = await TestVps.boot({ disk: await ensurePreparedDisk((s) => console.log(`[vps] ${s}`)), log: (s) => console.log(`[vps] ${s}`) });
  const key = makeKeyFile();
  await authorize(vps, key.publicKey);
  await buildOldServer(key.publicKey);
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
    expect((await vps.exec('ps -o user= -C pocketbase | sort -u')).stdout.trim()).toBe('skiff');
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
    const facts = (await vps.exec(`ps -o user= -C pocketbase | sort -u
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
