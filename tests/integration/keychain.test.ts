// The vault against a real Secret Service (GNOME Keyring in a private D-Bus session), and what
// happens when no keychain answers: a clear error, and nothing stored anywhere else.
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, existsSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { KeyringVault } from '../../src-main/core/vault/keyring';

const run = promisify(execFile);

describe('the OS keychain', () => {
  it('stores, reads back and deletes a secret in the real Secret Service', async () => {
    const vault = new KeyringVault(`skiff-test-${process.pid}`);
    expect(await vault.probe()).toEqual({ available: true });
    await vault.set('server/x/password', 'pa$$ "word" `x`');
    expect(await vault.get('server/x/password')).toBe('pa$$ "word" `x`');
    // Visible to other Secret Service clients: it is really in the keychain.
    const { stdout } = await run('secret-tool', ['lookup', 'service', `skiff-test-${process.pid}`, 'username', 'server/x/password']);
    expect(stdout).toBe('pa$$ "word" `x`');
    await vault.delete('server/x/password');
    expect(await vault.get('server/x/password')).toBeNull();
  });

  it('refuses to store a secret when no keychain answers, and writes no settings', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-nokeychain-'));
    // A child process with no D-Bus session: the Secret Service is unreachable.
    const script = `
      import { createCore } from './src-main/core/skiffCore.ts';
      const core = createCore({ dataDir: process.env.DATA_DIR, keychainService: 'skiff-nokeychain' });
      const probe = await core.vault.probe();
      const errors = [];
      // Twice: a keychain library may quietly fall back to another store after a first failure.
      for (let i = 0; i < 2; i++) {
        try { await core.servers.add({ name: 'x', host: '127.0.0.1', port: 22, user: 'root', auth: { kind: 'password', password: 'nowhere-to-go' } }); errors.push(null); }
        catch (e) { errors.push({ code: e.code, message: e.message, fix: e.fix }); }
      }
      console.log(JSON.stringify({ probe, errors, servers: core.servers.list().length }));
    `;
    const env = { ...process.env, DATA_DIR: dataDir, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' };
    const { stdout } = await run(path.resolve('node_modules/.bin/tsx'), ['--input-type=module', '-e', script], { env, cwd: path.resolve('.') });
    const out = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(out.probe.available).toBe(false);
    for (const error of out.errors) {
      expect(error?.code).toBe('KEYCHAIN_UNAVAILABLE');
      expect(error.message).toMatch(/keychain is not available/);
      expect(error.fix).toMatch(/never stores secrets in a file/);
    }
    expect(out.servers).toBe(0);
    const files = (readdirSync(dataDir, { recursive: true }) as string[]).map((f) => path.join(dataDir, f)).filter((f) => statSync(f).isFile());
    for (const f of files) expect(readFileSync(f, 'utf8')).not.toContain('nowhere-to-go');
    expect(existsSync(path.join(dataDir, 'settings.json')) ? JSON.parse(readFileSync(path.join(dataDir, 'settings.json'), 'utf8')).servers : []).toEqual([]);
  });
  it('a keychain waiting on an unlock prompt that never comes gives a clear error in time, and Skiff keeps running', async () => {
    // A locked keyring (made unlocked, then its daemon restarted without the password) whose unlock
    // prompter never starts: GNOME Keyring waits on it. Skiff's call must give up, and must not
    // freeze its process meanwhile (a synchronous keychain call would block the main process).
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'skiff-lockedkeychain-'));
    const services = path.join(tmp, 'data', 'dbus-1', 'services');
    mkdirSync(services, { recursive: true });
    mkdirSync(path.join(tmp, 'run'), { mode: 0o700 });
    writeFileSync(path.join(services, 'org.gnome.keyring.SystemPrompter.service'), '[D-BUS Service]\nName=org.gnome.keyring.SystemPrompter\nExec=/bin/sleep 15\n');
    const script = `
      import { KeyringVault } from './src-main/core/vault/keyring.ts';
      let ticks = 0;
      const tick = setInterval(() => ticks++, 100);
      const t0 = Date.now();
      let error = null;
      try { await new KeyringVault('skiff-locked').set('server/x/password', 'secret'); } catch (e) { error = { code: e.code, detail: e.detail }; }
      clearInterval(tick);
      (await import('node:fs')).writeFileSync(process.env.OUT, JSON.stringify({ error, ms: Date.now() - t0, ticks }));
      // The binding's thread is still stuck in the keychain call and would hold up a normal exit.
      process.kill(process.pid, 'SIGKILL');
    `;
    const outFile = path.join(tmp, 'out.json');
    const env = { ...process.env, OUT: outFile, SKIFF_KEYCHAIN_TIMEOUT_MS: '3000', XDG_DATA_HOME: path.join(tmp, 'data'), XDG_RUNTIME_DIR: path.join(tmp, 'run'), HOME: tmp, DISPLAY: '', WAYLAND_DISPLAY: '' };
    const inner = 'printf skiff | gnome-keyring-daemon --daemonize --unlock --components=secrets >/dev/null && secret-tool store --label=x service skiff-first username a <<<a'
      + ' ; kill $(pgrep -x -U "$(id -u)" -n gnome-keyring-d); sleep 0.5; exec "$@"';
    // Waits for the session to end, not for its pipes: the keyring daemon and the stalled prompter outlive it.
    const child = spawn('dbus-run-session', ['--', 'bash', '-c', inner, 'bash', path.resolve('node_modules/.bin/tsx'), '--input-type=module', '-e', script], { env, cwd: path.resolve('.'), stdio: 'ignore' });
    await new Promise((resolve) => child.on('exit', resolve));
    const out = JSON.parse(readFileSync(outFile, 'utf8'));
    expect(out.error).toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE', detail: expect.stringContaining('did not answer within 3 s while storing a secret') });
    expect(out.ms).toBeGreaterThanOrEqual(3000);
    expect(out.ms).toBeLessThan(10_000);
    // The event loop kept turning while the keychain hung: about one tick per 100 ms.
    expect(out.ticks).toBeGreaterThan(out.ms / 100 / 2);
  }, 90_000);
});
