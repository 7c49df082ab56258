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

// GNOME Keyring has crashed mid-run here (a GLib assertion, SIGTRAP); D-Bus then starts a fresh one
// whose keyring is locked, and every later keychain call fails. A watcher puts an unlocked one back.
const unlock = 'printf skiff | gnome-keyring-daemon --replace --daemonize --unlock --components=secrets >/dev/null 2>&1';
const locked = "gdbus call --session --dest org.freedesktop.secrets --object-path /org/freedesktop/secrets/collection/login --method org.freedesktop.DBus.Properties.Get org.freedesktop.Secret.Collection Locked 2>/dev/null | grep -q false";
// It stops with the command ($$ is the command once the shell execs it) and holds none of its output.
const script = `${unlock} && { (while sleep 2 && kill -0 $$ 2>/dev/null; do ${locked} || ${unlock}; done) </dev/null >/dev/null 2>&1 & } && exec "$@"`;
const child = spawn('dbus-run-session', ['--', 'sh', '-c', script, 'sh', ...cmd], { stdio: 'inherit', env });
const forward = (sig) => child.kill(sig);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
child.on('exit', (code, signal) => {
  rmSync(tmp, { recursive: true, force: true });
  process.exit(code ?? (signal ? 1 : 0));
});
