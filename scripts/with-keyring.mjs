#!/usr/bin/env node
// Runs a command the way the tests need the desktop around them: a private D-Bus session with an
// unlocked GNOME Keyring (a real Secret Service), and HOME/XDG dirs in a temp folder so that
// neither Chromium, vitest nor the keyring litter the real home.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, chmodSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const cmd = process.argv.slice(2);
if (cmd.length === 0) {
  console.error('usage: with-keyring.mjs <command> [args…]');
  process.exit(2);
}
const realHome = os.homedir();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'skiff-test-home-'));
const dirs = { HOME: 'home', XDG_DATA_HOME: 'data', XDG_CONFIG_HOME: 'config', XDG_CACHE_HOME: 'cache', XDG_RUNTIME_DIR: 'run' };
const env = { ...process.env };
for (const [k, d] of Object.entries(dirs)) {
  env[k] = path.join(tmp, d);
  mkdirSync(env[k], { recursive: true });
}
chmodSync(env.XDG_RUNTIME_DIR, 0o700);
// The VM image cache is expensive to build: keep it at the real home (or where the caller said).
env.SKIFF_VPS_CACHE ??= path.join(realHome, '.cache', 'skiff-test-vps');
// npm/npx must still find their cache and config.
env.npm_config_cache ??= path.join(realHome, '.npm');
delete env.SSH_AUTH_SOCK;

const script = 'printf skiff | gnome-keyring-daemon --daemonize --unlock --components=secrets >/dev/null && exec "$@"';
const child = spawn('dbus-run-session', ['--', 'sh', '-c', script, 'sh', ...cmd], { stdio: 'inherit', env });
const forward = (sig) => child.kill(sig);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
child.on('exit', (code, signal) => {
  rmSync(tmp, { recursive: true, force: true });
  process.exit(code ?? (signal ? 1 : 0));
});
