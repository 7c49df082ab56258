// Adding servers and logging in, against a real OpenSSH server in the test VM: every auth method,
// host-key pinning, the facts "Test connection" reports, and hosts imported from ~/.ssh/config.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestVps } from '../../e2e/vps/vm';
import { SkiffError } from '../../src-shared/errors';
import { secretKey } from '../../src-main/core/vault/vault';
import { runScript } from '../../src-main/core/ssh/exec';
import { addTrusted, authorize, makeCore, makeKeyFile, ownVps, type KeyFile } from './helpers';

// A VM of this file's own, stopped after it: no VM idles through the other files' minutes.
const vm = ownVps();
let vps: TestVps;
beforeAll(async () => { await vm.boot(); vps = vm.get(); }, 240_000);
afterAll(() => vm.stop());
let ed25519: KeyFile;

beforeAll(async () => {
  ed25519 = makeKeyFile();
  await authorize(vps, ed25519.publicKey);
});

async function expectCode(p: Promise<unknown>, code: string): Promise<SkiffError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err, `expected ${code}`).toBeInstanceOf(SkiffError);
  expect((err as SkiffError).code).toBe(code);
  return err as SkiffError;
}

describe('a server with a key file', () => {
  it('shows the real host-key fingerprint, pins it, and reports real facts', async () => {
    const core = makeCore();
    const server = await core.servers.add({ name: 'web 1', host: vps.host, port: vps.ports.ssh, user: 'root', auth: { kind: 'keyFile', keyPath: ed25519.path } });
    expect(server.hostKey).toBeUndefined();
    await expectCode(core.servers.testConnection(server.id), 'HOST_KEY_UNTRUSTED');

    const scan = await core.servers.scanHostKey(server.id);
    expect(scan.status).toBe('new');
    expect(await vps.hostKeyFingerprints()).toContain(scan.fingerprint);

    await core.servers.trustHostKey(server.id, scan.fingerprint, false);
    const tested = await core.servers.testConnection(server.id);
    const uname = (await vps.exec('uname -r; nproc; df -P -B1 / | awk \'NR==2{print $2}\'')).stdout.trim().split('\n');
    expect(tested.facts?.os).toMatch(/Debian GNU\/Linux 12/);
    expect(tested.facts?.kernel).toBe(uname[0]);
    expect(tested.facts?.cpus).toBe(Number(uname[1]));
    expect(tested.facts?.disk.totalBytes).toBe(Number(uname[2]));
    expect(tested.facts?.memory.totalBytes).toBeGreaterThan(500 * 1024 * 1024);
    expect(tested.facts?.uptimeSeconds).toBeGreaterThan(0);
    expect(tested.hostKey?.fingerprint).toBe(scan.fingerprint);
    core.close();
  });

  it('logs in with a passphrase-protected RSA key, decrypting it once per session', async () => {
    const rsa = makeKeyFile({ type: 'rsa', passphrase: 'correct horse battery' });
    await authorize(vps, rsa.publicKey);
    const core = makeCore();
    const server = await addTrusted(core, vps, { name: 'rsa', user: 'root', auth: { kind: 'keyFile', privateKey: rsa.text, passphrase: rsa.passphrase } });
    expect(server.auth).toMatchObject({ kind: 'keyFile', hasPassphrase: true });
    expect((await core.servers.testConnection(server.id)).facts?.os).toMatch(/Debian/);
    // A reconnect uses the key decrypted at the first login: with the passphrase gone from the
    // keychain it still logs in, which it could not if it decrypted again.
    await core.vault.delete(`server/${server.id}/passphrase`);
    core.pool.drop(server.id);
    expect((await core.servers.testConnection(server.id)).facts?.os).toMatch(/Debian/);
    // Forgetting the cached key proves it was the cache: now the passphrase is needed again.
    core.servers.credentials.forget(server.id);
    core.pool.drop(server.id);
    await expectCode(core.servers.testConnection(server.id), 'PASSPHRASE_REQUIRED');
    core.close();
  });

  it('refuses an encrypted key without its passphrase or with a wrong one, and saves nothing', async () => {
    const enc = makeKeyFile({ passphrase: 'right one' });
    const core = makeCore();
    await expectCode(core.servers.add({ name: 'x', host: vps.host, port: vps.ports.ssh, user: 'root', auth: { kind: 'keyFile', privateKey: enc.text } }), 'PASSPHRASE_REQUIRED');
    await expectCode(core.servers.add({ name: 'x', host: vps.host, port: vps.ports.ssh, user: 'root', auth: { kind: 'keyFile', privateKey: enc.text, passphrase: 'wrong' } }), 'BAD_PASSPHRASE');
    await expectCode(core.servers.add({ name: 'x', host: vps.host, port: vps.ports.ssh, user: 'root', auth: { kind: 'keyFile', privateKey: enc.publicKey } }), 'BAD_PRIVATE_KEY');
    await expectCode(core.servers.add({ name: 'x', host: vps.host, port: vps.ports.ssh, user: 'root', auth: { kind: 'keyFile', keyPath: '/nonexistent/id_ed25519' } }), 'KEY_FILE_UNREADABLE');
    expect(core.servers.list()).toEqual([]);
    core.close();
  });

  it('rejects a wrong user and a key the server does not know', async () => {
    const core = makeCore();
    const wrongUser = await addTrusted(core, vps, { name: 'wrong user', user: 'nobody-here', auth: { kind: 'keyFile', privateKey: ed25519.text } });
    const err = await expectCode(core.servers.testConnection(wrongUser.id), 'AUTH_FAILED');
    expect(err.message).toContain('nobody-here');
    const stranger = makeKeyFile();
    const wrongKey = await addTrusted(core, vps, { name: 'wrong key', user: 'root', auth: { kind: 'keyFile', privateKey: stranger.text } });
    await expectCode(core.servers.testConnection(wrongKey.id), 'AUTH_FAILED');
    core.close();
  });
});

describe('other ways to log in', () => {
  it('uses ssh-agent', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-agent-'));
    const sock = path.join(dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 50; i++) {
        try { execFileSync('ssh-add', ['-l'], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' }); break; } catch (e) {
          if ((e as { status?: number }).status === 1) break; // agent up, no identities yet
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      execFileSync('ssh-add', [ed25519.path], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
      const core = makeCore();
      const server = await addTrusted(core, vps, { name: 'agent', user: 'root', auth: { kind: 'agent' } });
      const prev = process.env.SSH_AUTH_SOCK;
      delete process.env.SSH_AUTH_SOCK;
      await expectCode(core.servers.testConnection(server.id), 'AGENT_UNAVAILABLE');
      process.env.SSH_AUTH_SOCK = sock;
      try {
        expect((await core.servers.testConnection(server.id)).facts?.os).toMatch(/Debian/);
      } finally {
        if (prev === undefined) delete process.env.SSH_AUTH_SOCK; else process.env.SSH_AUTH_SOCK = prev;
      }
      core.close();
    } finally {
      agent.kill();
    }
  });

  it('generates an ed25519 key whose public half, once authorized, logs in', async () => {
    const core = makeCore();
    const server = await addTrusted(core, vps, { name: 'generated', user: 'root', auth: { kind: 'generate' } });
    const pub = core.servers.publicKey(server.id);
    expect(pub).toMatch(/^ssh-ed25519 AAAA[0-9A-Za-z+/=]+ skiff-/);
    await expectCode(core.servers.testConnection(server.id), 'AUTH_FAILED');
    await authorize(vps, pub!);
    expect((await core.servers.testConnection(server.id)).facts?.os).toMatch(/Debian/);
    core.close();
  });

  it('uses a password for first contact only: installs a generated key and forgets the password', async () => {
    await vps.exec("id alice >/dev/null 2>&1 || useradd -m -s /bin/bash alice; echo 'alice:first-contact pw' | chpasswd");
    const core = makeCore();
    const server = await addTrusted(core, vps, { name: 'alice', user: 'alice', auth: { kind: 'password', password: 'first-contact pw' } });
    expect(await core.vault.get(secretKey.password(server.id))).toBe('first-contact pw');
    const tested = await core.servers.testConnection(server.id);
    expect(tested.auth.kind).toBe('generated');
    expect(tested.facts?.os).toMatch(/Debian/);
    expect(await core.vault.get(secretKey.password(server.id))).toBeNull();
    const pub = (tested.auth as { publicKey: string }).publicKey;
    expect((await vps.exec('cat /home/alice/.ssh/authorized_keys')).stdout).toContain(pub);
    // The password is no longer needed: change it on the server and log in again.
    await vps.exec("echo 'alice:changed-later' | chpasswd");
    core.pool.drop(server.id);
    expect((await core.servers.testConnection(server.id)).facts).toBeDefined();
    core.close();
  });

  it('rejects a wrong password with a clear error and keeps the server as it was', async () => {
    const core = makeCore();
    const server = await addTrusted(core, vps, { name: 'bad pw', user: 'alice', auth: { kind: 'password', password: 'not it' } });
    await expectCode(core.servers.testConnection(server.id), 'AUTH_FAILED');
    expect(core.servers.get(server.id).auth.kind).toBe('password');
    core.close();
  });
});

describe('connection errors', () => {
  it('says the port refused the connection', async () => {
    const core = makeCore();
    const server = await core.servers.add({ name: 'refused', host: '127.0.0.1', port: 1, user: 'root', auth: { kind: 'agent' } });
    const err = await expectCode(core.servers.scanHostKey(server.id), 'CONNECTION_REFUSED');
    expect(err.message).toContain('127.0.0.1:1');
    core.close();
  });

  it('says the host cannot be found', async () => {
    const core = makeCore();
    const server = await core.servers.add({ name: 'unknown', host: 'skiff-test-host.invalid', port: 22, user: 'root', auth: { kind: 'agent' } });
    const err = await expectCode(core.servers.scanHostKey(server.id), 'HOST_UNREACHABLE');
    expect(err.message).toContain('skiff-test-host.invalid');
    core.close();
  });

  it('times out when the server accepts TCP but never speaks SSH', async () => {
    const core = makeCore({ readyTimeoutMs: 3_000 });
    const server = await addTrusted(core, vps, { name: 'frozen', user: 'root', auth: { kind: 'keyFile', privateKey: ed25519.text } });
    vps.pause();
    try {
      await expectCode(core.servers.testConnection(server.id), 'CONNECTION_TIMEOUT');
      await expectCode(core.servers.scanHostKey(server.id), 'CONNECTION_TIMEOUT');
    } finally {
      vps.resume();
    }
    await vps.waitForSsh(30_000);
    expect((await core.servers.testConnection(server.id)).facts).toBeDefined();
    core.close();
  });
});

describe('the connection pool', () => {
  it('shares one connection between concurrent callers and reconnects after a drop', async () => {
    const core = makeCore();
    const server = await addTrusted(core, vps, { name: 'pooled', user: 'root', auth: { kind: 'keyFile', privateKey: ed25519.text } });
    const [a, b] = await Promise.all([core.pool.get(server.id), core.pool.get(server.id)]);
    expect(a).toBe(b);
    await core.servers.testConnection(server.id);
    expect(await core.pool.get(server.id)).toBe(a);
    // The server kills every session of ours; the next use opens a new connection by itself.
    await vps.exec("pkill -f 'sshd: root@notty' || true").catch(() => undefined);
    for (let i = 0; i < 50 && core.pool.isConnected(server.id); i++) await new Promise((r) => setTimeout(r, 100));
    expect(core.pool.isConnected(server.id)).toBe(false);
    expect((await core.servers.testConnection(server.id)).facts).toBeDefined();
    expect(await core.pool.get(server.id)).not.toBe(a);
    core.close();
  });

  it('runs more commands at once than sshd allows sessions (10): the rest wait their turn, none is refused', async () => {
    const core = makeCore();
    const server = await addTrusted(core, vps, { name: 'busy', user: 'root', auth: { kind: 'keyFile', privateKey: ed25519.text } });
    const ssh = await core.pool.get(server.id);
    const results = await Promise.all(Array.from({ length: 14 }, (_, i) => runScript(ssh, `sleep 1; echo ok-${i}`)));
    expect(results.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 14 }, (_, i) => `ok-${i}`));
    core.close();
  });
});

describe('host keys', () => {
  it('refuses a changed host key until the user re-pins it explicitly', async () => {
    const core = makeCore();
    const server = await addTrusted(core, vps, { name: 'reinstalled', user: 'root', auth: { kind: 'keyFile', privateKey: ed25519.text } });
    const before = server.hostKey!.fingerprint;
    await core.servers.testConnection(server.id);

    await vps.regenerateHostKeys();
    core.pool.drop(server.id);
    const err = await expectCode(core.servers.testConnection(server.id), 'HOST_KEY_MISMATCH');
    expect(err.message).toMatch(/CHANGED/);
    expect(err.detail).toContain(before);

    const scan = await core.servers.scanHostKey(server.id);
    expect(scan.status).toBe('changed');
    expect(scan.pinned).toBe(before);
    expect(await vps.hostKeyFingerprints()).toContain(scan.fingerprint);
    await expectCode(core.servers.trustHostKey(server.id, scan.fingerprint, false), 'HOST_KEY_MISMATCH');
    await expectCode(core.servers.trustHostKey(server.id, before, true), 'HOST_KEY_CHANGED_DURING_CONFIRM');

    const repinned = await core.servers.trustHostKey(server.id, scan.fingerprint, true);
    expect(repinned.hostKey?.fingerprint).toBe(scan.fingerprint);
    expect((await core.servers.testConnection(server.id)).facts).toBeDefined();
    core.close();
  });
});

describe('secrets', () => {
  it('keeps every secret in the keychain and none in the settings file', async () => {
    const core = makeCore();
    const enc = makeKeyFile({ passphrase: 'settings-file-passphrase' });
    await core.servers.add({ name: 'a', host: vps.host, port: vps.ports.ssh, user: 'root', auth: { kind: 'keyFile', privateKey: ed25519.text } });
    const b = await core.servers.add({ name: 'b', host: vps.host, port: vps.ports.ssh, user: 'root', auth: { kind: 'keyFile', privateKey: enc.text, passphrase: enc.passphrase } });
    const c = await core.servers.add({ name: 'c', host: vps.host, port: vps.ports.ssh, user: 'root', auth: { kind: 'password', password: 'settings-file-password' } });
    const d = await core.servers.add({ name: 'd', host: vps.host, port: vps.ports.ssh, user: 'root', auth: { kind: 'generate' } });

    const file = readFileSync(core.settingsPath, 'utf8');
    expect(JSON.parse(file).servers).toHaveLength(4);
    for (const secret of ['PRIVATE KEY', ed25519.text.split('\n')[1], enc.text.split('\n')[1], 'settings-file-passphrase', 'settings-file-password']) {
      expect(file).not.toContain(secret);
    }
    // …and they are in the keychain, under the server's entries.
    expect(await core.vault.get(secretKey.passphrase(b.id))).toBe('settings-file-passphrase');
    expect(await core.vault.get(secretKey.password(c.id))).toBe('settings-file-password');
    const generated = await core.vault.get(secretKey.privateKey(d.id));
    expect(generated).toContain('BEGIN OPENSSH PRIVATE KEY');
    expect(file).not.toContain(generated!.split('\n')[1]);

    // Removing a server deletes its secrets.
    await core.servers.remove(b.id);
    expect(await core.vault.get(secretKey.privateKey(b.id))).toBeNull();
    expect(await core.vault.get(secretKey.passphrase(b.id))).toBeNull();
    core.close();
  });
});

describe('import from ~/.ssh/config', () => {
  it('imports concrete hosts with HostName, Port, User and IdentityFile, and connects', async () => {
    const key = makeKeyFile();
    const enc = makeKeyFile({ passphrase: 'imported pass' });
    await authorize(vps, key.publicKey);
    await authorize(vps, enc.publicKey);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-sshcfg-'));
    const cfg = path.join(dir, 'config');
    writeFileSync(cfg, [
      'Host *', '  ServerAliveInterval 30', '',
      'Host testvps', `  HostName ${vps.host}`, `  Port ${vps.ports.ssh}`, '  User root', `  IdentityFile ${key.path}`, '',
      'Host locked', `  HostName ${vps.host}`, `  Port ${vps.ports.ssh}`, '  User root', `  IdentityFile ${enc.path}`, '',
      'Host broken', '  HostName bad host name', '',
    ].join('\n'));
    const core = makeCore();
    const read = await core.servers.readSshConfig(cfg);
    expect(read.hosts.map((h) => h.alias)).toEqual(['testvps', 'locked', 'broken']);
    expect(read.hosts[0]).toMatchObject({ host: vps.host, port: vps.ports.ssh, user: 'root', identityFile: key.path, exists: false });

    const res = await core.servers.importSshConfig(cfg, ['testvps', 'locked', 'broken']);
    expect(res.imported.map((s) => s.name)).toEqual(['testvps', 'locked']);
    expect(res.skipped).toEqual([{ alias: 'broken', reason: expect.stringMatching(/host/i) }]);
    expect(readFileSync(core.settingsPath, 'utf8')).not.toContain('PRIVATE KEY');

    const again = await core.servers.importSshConfig(cfg, ['testvps']);
    expect(again.skipped[0].reason).toMatch(/exists/);

    const [plain, locked] = res.imported;
    const scan = await core.servers.scanHostKey(plain.id);
    await core.servers.trustHostKey(plain.id, scan.fingerprint, false);
    expect((await core.servers.testConnection(plain.id)).facts?.os).toMatch(/Debian/);

    // The encrypted key was imported without its passphrase: connecting asks for it…
    await core.servers.trustHostKey(locked.id, scan.fingerprint, false);
    await expect(core.servers.testConnection(locked.id)).rejects.toMatchObject({ code: 'PASSPHRASE_REQUIRED' });
    // …and once the user enters it, the same key logs in.
    await core.servers.update({ id: locked.id, auth: { kind: 'keyFile', passphrase: 'imported pass' } });
    const tested = await core.servers.testConnection(locked.id);
    expect(tested.auth).toMatchObject({ kind: 'keyFile', keyPath: enc.path, hasPassphrase: true });
    expect((tested.auth as { publicKey: string }).publicKey).toContain(enc.publicKey.split(' ')[1]);
    core.close();
  });

  it('says clearly when the file cannot be read', async () => {
    const core = makeCore();
    await expect(core.servers.readSshConfig('/nonexistent/ssh_config')).rejects.toMatchObject({ code: 'SSH_CONFIG_UNREADABLE' });
    core.close();
  });
});
