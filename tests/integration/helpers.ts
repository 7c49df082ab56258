// Shared helpers for integration tests: the suite's VM, a fresh core per test, real key files.
import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestVps } from '../../e2e/vps/vm';
import { ensurePreparedDisk } from '../../e2e/vps/prepared';
import type { Server } from '../../src-shared/domain';
import { createCore, type SkiffCore } from '../../src-main/core/skiffCore';
import { sh } from '../../src-main/core/remote/quote';

/**
 * A VM of the test file's own, for tests that change the server in ways others must not see;
 * `prepared`: from the disk with setup's packages already installed (saves the apt work).
 */
export function ownVps(opts: { prepared?: boolean } = {}): { get: () => TestVps; boot: () => Promise<void>; stop: () => Promise<void> } {
  let vps: TestVps | undefined;
  const log = (s: string) => console.log(`[vps] ${s}`);
  return {
    get: () => vps!,
    boot: async () => { vps = await TestVps.boot({ log, disk: opts.prepared ? await ensurePreparedDisk(log) : undefined }); },
    stop: async () => { await vps?.stop(); },
  };
}

/** Runs a job to its end and returns it with its log text (ANSI stripped). */
export async function runJob(core: SkiffCore, start: () => { id: string }): Promise<{ job: import('../../src-shared/domain').Job; log: string }> {
  const { id } = start();
  const job = await core.jobs.runner.wait(id);
  const { readJobLog } = await import('../../src-main/core/jobs/jobLog');
  // eslint-disable-next-line no-control-regex
  return { job, log: readJobLog(core.dataDir, id).replace(/\x1b\[[0-9;]*m/g, '') };
}

export interface TestCore extends SkiffCore { settingsPath: string }

export function makeCore(opts: { readyTimeoutMs?: number } = {}): TestCore {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-data-'));
  const core = createCore({
    dataDir,
    keychainService: `skiff-test-${path.basename(dataDir)}`,
    readyTimeoutMs: opts.readyTimeoutMs ?? 8_000,
  });
  return Object.assign(core, { settingsPath: path.join(dataDir, 'settings.json') });
}

export interface KeyFile { path: string; text: string; publicKey: string; passphrase?: string }

export function makeKeyFile(opts: { type?: 'ed25519' | 'rsa'; passphrase?: string; pem?: boolean } = {}): KeyFile {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-key-'));
  const p = path.join(dir, `id_${opts.type ?? 'ed25519'}`);
  const args = ['-q', '-t', opts.type ?? 'ed25519', '-N', opts.passphrase ?? '', '-C', 'skiff-test', '-f', p];
  if (opts.type === 'rsa') args.push('-b', '2048');
  if (opts.pem) args.push('-m', 'PEM');
  execFileSync('ssh-keygen', args);
  return { path: p, text: readFileSync(p, 'utf8'), publicKey: readFileSync(`${p}.pub`, 'utf8').trim(), passphrase: opts.passphrase };
}

/** Appends a public key to a user's authorized_keys in the VM (through the harness's own channel). */
export async function authorize(vps: TestVps, publicKey: string, user = 'root'): Promise<void> {
  const home = user === 'root' ? '/root' : `/home/${user}`;
  await vps.exec(sh`install -d -m 700 -o ${user} -g ${user} ${home}/.ssh
printf '%s\\n' ${publicKey} >> ${home}/.ssh/authorized_keys
chown ${user}:${user} ${home}/.ssh/authorized_keys && chmod 600 ${home}/.ssh/authorized_keys`.text);
}

/** Adds a server and pins its host key, as a user who accepted the fingerprint would. */
export async function addTrusted(core: SkiffCore, vps: TestVps, input: Omit<Parameters<SkiffCore['servers']['add']>[0], 'host' | 'port'> & { port?: number }) {
  const server = await core.servers.add({ host: vps.host, port: vps.ports.ssh, ...input });
  const scan = await core.servers.scanHostKey(server.id);
  return core.servers.trustHostKey(server.id, scan.fingerprint, false);
}

export interface HttpAnswer { status: number; body: string; json: Record<string, unknown> }

/** A request to the VM's port 80 (through Caddy) for `host`; a JSON body is sent and a JSON answer parsed. */
export function viaCaddy(vps: TestVps, host: string, pathname: string, body?: unknown): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request({
      host: '127.0.0.1', port: vps.ports.http, path: pathname, method: data ? 'POST' : 'GET', timeout: 15_000,
      headers: { Host: host, ...(data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {}) },
    }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        let json: Record<string, unknown> = {};
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode ?? 0, body: text, json });
      });
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end(data);
  });
}

/**
 * The start of every server-side suite: a VM of its own from the prepared disk (setup's packages
 * installed), added with a fresh root key, trusted, and set up by Skiff with the deploy user "skiff".
 */
export async function setUpServer(name: string): Promise<{ vps: TestVps; core: TestCore; server: Server }> {
  const vps = await TestVps.boot({ disk: await ensurePreparedDisk((s) => console.log(`[vps] ${s}`)), log: (s) => console.log(`[vps] ${s}`) });
  const key = makeKeyFile();
  await authorize(vps, key.publicKey);
  const core = makeCore();
  const server = await addTrusted(core, vps, { name, user: 'root', auth: { kind: 'keyFile', privateKey: key.text } });
  const setup = await runJob(core, () => core.ops.setup(server.id, 'skiff'));
  if (setup.job.status !== 'succeeded') throw new Error(`setup failed: ${setup.job.error?.message}\n${setup.log.slice(-2000)}`);
  return { vps, core, server: core.servers.get(server.id) };
}
