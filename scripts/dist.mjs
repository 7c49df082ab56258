// `npm run dist`: builds the installers for this system with electron-builder
// (electron-builder.config.cjs). electron-builder packs the Electron binary itself, so one must be
// at hand: the npm package's own download (node_modules/electron/dist), an Electron zip named by
// SKIFF_ELECTRON_ZIP, or a zip in Electron's download cache. With none, this says so and exits 1
// instead of failing deep inside a download. Extra arguments go to electron-builder
// (e.g. `npm run dist -- --linux dir`).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build, log, root } from './lib/prepare.mjs';

const version = JSON.parse(readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')).version;
const platform = { linux: 'linux', darwin: 'darwin', win32: 'win32' }[process.platform] ?? process.platform;
const zipName = `electron-v${version}-${platform}-${process.arch}.zip`;

/** A zip of this Electron version in Electron's download cache (@electron/get keeps one per hashed folder). */
function cachedZip() {
  const cache = process.env.ELECTRON_CACHE ?? (process.platform === 'darwin' ? path.join(os.homedir(), 'Library/Caches/electron') : process.platform === 'win32' ? path.join(process.env.LOCALAPPDATA ?? '', 'electron/Cache') : path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'electron'));
  if (!existsSync(cache)) return undefined;
  const walk = (dir, depth) => readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? (depth > 0 ? walk(p, depth - 1) : []) : f === zipName ? [p] : [];
  });
  return walk(cache, 2)[0];
}

/** Where electron-builder finds Electron: undefined means its own lookup works (npm's download, or the cache). */
export function electronSource() {
  if (existsSync(path.join(root, 'node_modules/electron/dist'))) return { kind: 'npm' };
  if (process.env.SKIFF_ELECTRON_ZIP) {
    if (!existsSync(process.env.SKIFF_ELECTRON_ZIP)) return { kind: 'missing', why: `SKIFF_ELECTRON_ZIP names ${process.env.SKIFF_ELECTRON_ZIP}, which does not exist.` };
    return { kind: 'zip', zip: process.env.SKIFF_ELECTRON_ZIP };
  }
  const cached = cachedZip();
  if (cached) return { kind: 'cache', zip: cached };
  return { kind: 'missing', why: `No Electron ${version} binary is here: node_modules/electron has no dist/ (its installer downloads it from GitHub, which this machine cannot reach), SKIFF_ELECTRON_ZIP is not set, and Electron's cache holds no ${zipName}.` };
}

const source = electronSource();
if (source.kind === 'missing') {
  console.error(`[skiff] npm run dist cannot build installers here.\n${source.why}\nTo build:\n  - on a machine with internet access: npm ci (it downloads Electron), then npm run dist;\n  - offline: download ${zipName} from https://github.com/electron/electron/releases/tag/v${version} elsewhere, then\n    SKIFF_ELECTRON_ZIP=/path/to/${zipName} npm run dist\n    (electron-builder's own tools for AppImage and deb come from its cache, ELECTRON_BUILDER_CACHE, on such a machine).\nThe app itself runs here without Electron: npm start serves it through the browser host.`);
  process.exit(1);
}

build();
const extra = [];
if (source.kind === 'zip' || source.kind === 'cache') {
  // An unpacked copy: electron-builder takes a folder (electronDist) and then downloads nothing.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-electron-'));
  execFileSync('unzip', ['-q', source.zip, '-d', dir], { stdio: 'inherit' });
  extra.push(`-c.electronDist=${dir}`);
  log(`packing Electron ${version} from ${source.zip}`);
}
// The deb is built here with Debian's dpkg-deb (scripts/lib/deb.mjs: offline, nothing to download);
// electron-builder makes the unpacked app it is built from, and the other targets.
const args = process.argv.slice(2);
const linuxAt = args.indexOf('--linux');
const linuxTargets = linuxAt >= 0 ? args.slice(linuxAt + 1).filter((a) => !a.startsWith('-')) : process.platform === 'linux' && !args.length ? ['AppImage', 'deb'] : [];
const wantDeb = linuxTargets.includes('deb');
// Options before --linux (e.g. --x64) stay; the Linux targets become dir plus what electron-builder makes.
const builderArgs = linuxTargets.length
  ? [...(linuxAt >= 0 ? args.slice(0, linuxAt) : []), '--linux', 'dir', ...linuxTargets.filter((t) => t !== 'deb' && t !== 'dir')]
  : args;
const r = spawnSync(process.execPath, [path.join(root, 'node_modules/electron-builder/cli.js'), '--config', 'electron-builder.config.cjs', '--publish', 'never', ...builderArgs, ...extra], { cwd: root, stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
process.stderr.write(r.stderr ?? '');
let status = r.status ?? 1;
if (status !== 0 && /ENOTFOUND github\.com|getaddrinfo .*github/.test(`${r.stderr}`)) {
  // Electron is here, but the AppImage and rpm targets also use tools electron-builder fetches
  // from GitHub once (appimagetool, fpm) and keeps in its cache.
  console.error(`[skiff] electron-builder needs its packaging tools (appimagetool for AppImage, fpm for rpm), which it downloads from GitHub once and keeps in its cache (ELECTRON_BUILDER_CACHE, default ~/.cache/electron-builder). Fill that cache on a networked machine (any npm run dist there does it). The deb needs none of them: npm run dist -- --linux deb`);
}
const unpacked = path.join(root, 'dist/linux-unpacked');
if (wantDeb && existsSync(unpacked)) {
  const { buildDeb } = await import('./lib/deb.mjs');
  log(`deb: ${path.relative(root, buildDeb({ root, unpacked, outDir: path.join(root, 'dist') }))}`);
} else if (wantDeb) status ||= 1;
process.exit(status);
