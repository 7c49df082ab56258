// What `npm start` and `npm test` both need on a fresh machine: system packages, node_modules,
// a build. Plain Node (no dependencies), because it runs before node_modules exists.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

export function log(msg) {
  console.log(`\x1b[36m[skiff]\x1b[0m ${msg}`);
}

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Installs the Debian packages whose commands are missing (root: apt-get; else: says what to run). */
export function ensureAptPackages(commands) {
  const missing = [...new Set(Object.entries(commands).filter(([cmd]) => !has(cmd)).map(([, pkg]) => pkg))];
  if (missing.length === 0) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !has('apt-get')) {
    throw new Error(`Missing system packages: ${missing.join(' ')}. Install them (Debian/Ubuntu: sudo apt-get install -y ${missing.join(' ')}) and run this again.`);
  }
  log(`installing system packages: ${missing.join(' ')}`);
  run('apt-get', ['update', '-q']);
  run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** `npm ci` when node_modules is missing or older than package-lock.json. */
export function ensureNodeModules() {
  const lock = path.join(root, 'package-lock.json');
  const stamp = path.join(root, 'node_modules', '.skiff-lock-hash');
  const hash = createHash('sha256').update(readFileSync(lock)).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return;
  log('installing npm dependencies (npm ci)');
  // The Electron binary comes from GitHub, which some machines cannot reach; Skiff then runs in
  // the browser host. Set SKIFF_ELECTRON_DOWNLOAD=1 where the download works.
  const env = { ...process.env };
  if (process.env.SKIFF_ELECTRON_DOWNLOAD !== '1') env.ELECTRON_SKIP_BINARY_DOWNLOAD = '1';
  run('npm', ['ci', '--no-audit', '--no-fund'], { env });
  writeFileSync(stamp, hash);
}

export function build() {
  log('building (electron-vite build)');
  run(path.join(root, 'node_modules/.bin/electron-vite'), ['build']);
}

export function run(cmd, args, opts = {}) {
  // Windows: npm and node_modules/.bin are .cmd scripts, which only a shell starts.
  execFileSync(cmd, args, { stdio: 'inherit', cwd: root, shell: process.platform === 'win32', ...opts });
}
