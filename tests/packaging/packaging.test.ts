// The installers, as far as they can be checked without a real Electron binary: the packaging
// config (targets, fuses, ASAR, app id), resources/ against what the config references, the Linux
// desktop entry (desktop-file-validate), `npm run dist` explaining itself when Electron is missing,
// and, with a stand-in Electron zip, a real electron-builder run: the app in its ASAR, the native
// keychain module unpacked, and every release fuse read back from the packed binary.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { listPackage } from '@electron/asar';
import { beforeAll, describe, expect, it } from 'vitest';
import { fuseProblems, packedBinaries } from '../../scripts/check-fuses.mjs';
import { makeElectronStandInZip } from '../../scripts/lib/electronStandIn.mjs';

const root = path.resolve(__dirname, '../..');
const config = createRequire(import.meta.url)(path.join(root, 'electron-builder.config.cjs'));
const electronVersion = JSON.parse(readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')).version as string;

/** Width and height from a PNG's IHDR. */
function pngSize(file: string): [number, number] {
  const b = readFileSync(file);
  expect(b.subarray(1, 4).toString()).toBe('PNG');
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

describe('the packaging config', () => {
  it('builds AppImage, deb and rpm, dmg and zip (hardened runtime), and NSIS, with its app id', () => {
    expect(config.appId).toBe('dev.skiff.desktop');
    expect(config.productName).toBe('Skiff');
    expect(config.linux.target).toEqual(['AppImage', 'deb', 'rpm']);
    expect(config.mac.target).toEqual(['dmg', 'zip']);
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(config.win.target).toEqual(['nsis']);
  });

  it('packs the app in an ASAR with the keychain binding unpacked, and closes the "run as Node" doors', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(['node_modules/@napi-rs/keyring*/**']);
    expect(config.electronFuses).toEqual({
      runAsNode: false, enableNodeOptionsEnvironmentVariable: false, enableNodeCliInspectArguments: false,
      enableCookieEncryption: true, enableEmbeddedAsarIntegrityValidation: true, onlyLoadAppFromAsar: true,
    });
  });

  it('publishes updates where the environment says, GitHub releases by default', () => {
    expect(config.publish).toEqual([{ provider: 'github', owner: 'skiff-app', repo: 'skiff', releaseType: 'release' }]);
  });
});

describe('resources/', () => {
  it('holds every icon the config references, each PNG at its size', () => {
    const res = path.join(root, config.directories.buildResources);
    for (const f of [config.mac.icon, config.win.icon, path.basename(config.mac.entitlements), 'icon.png', 'icon.svg']) expect(existsSync(path.join(res, f)), f).toBe(true);
    const pngs = readdirSync(path.join(res, config.linux.icon)).filter((f) => f.endsWith('.png'));
    expect(pngs.length).toBeGreaterThanOrEqual(8);
    for (const f of pngs) {
      const n = Number(/^(\d+)x\1\.png$/.exec(f)?.[1]);
      expect(pngSize(path.join(res, config.linux.icon, f)), f).toEqual([n, n]);
    }
    expect(readFileSync(path.join(res, 'icon.icns')).subarray(0, 4).toString()).toBe('icns');
    expect(readFileSync(path.join(res, 'icon.ico')).readUInt16LE(2)).toBe(1); // ICO type 1
  });

  it('has a desktop entry that desktop-file-validate accepts, and the config uses it', () => {
    const file = path.join(root, 'resources/skiff.desktop');
    const r = spawnSync('desktop-file-validate', [file], { encoding: 'utf8' });
    expect(r.error, 'desktop-file-validate (Debian package desktop-file-utils) must be installed').toBeUndefined();
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
    expect(config.linux.desktop.entry).toMatchObject({ Name: 'Skiff', StartupWMClass: 'Skiff', Categories: 'Development;' });
    // electron-builder writes Exec and Icon from the executable's name: the file must agree with it.
    expect(readFileSync(file, 'utf8')).toMatch(new RegExp(`^Exec=${config.executableName} %U$[\\s\\S]*^Icon=${config.executableName}$`, 'm'));
  });
});

describe('npm run dist', () => {
  const empty = mkdtempSync(path.join(os.tmpdir(), 'skiff-no-electron-'));
  const env = { ...process.env, ELECTRON_CACHE: empty, SKIFF_ELECTRON_ZIP: '' };
  delete (env as Record<string, string | undefined>).SKIFF_ELECTRON_ZIP;

  it('says why it cannot build without an Electron binary, how to give it one, and exits 1', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'scripts/dist.mjs')], { cwd: root, env, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`No Electron ${electronVersion} binary is here`);
    expect(r.stderr).toContain(`SKIFF_ELECTRON_ZIP=/path/to/electron-v${electronVersion}-linux-x64.zip npm run dist`);
  });

  describe('given an Electron zip (a stand-in here), offline', () => {
    const out = path.join(root, 'dist/linux-unpacked');
    let standIn = '';
    beforeAll(async () => {
      rmSync(path.join(root, 'dist'), { recursive: true, force: true });
      standIn = await makeElectronStandInZip(electronVersion);
      execFileSync(process.execPath, [path.join(root, 'scripts/dist.mjs'), '--linux', 'deb'], { cwd: root, env: { ...env, SKIFF_ELECTRON_ZIP: standIn }, stdio: 'pipe' });
    }, 300_000);

    it('packs the app into app.asar and the keychain binding beside it', () => {
      const files = listPackage(path.join(out, 'resources/app.asar'), { isPack: false });
      for (const f of ['/out/main/index.js', '/out/preload/index.cjs', '/out/renderer/index.html', '/package.json']) expect(files, f).toContain(f);
      expect(files.some((f) => f.startsWith('/src-main'))).toBe(false);
      const unpacked = execFileSync('find', [path.join(out, 'resources/app.asar.unpacked'), '-name', '*.node'], { encoding: 'utf8' });
      expect(unpacked).toMatch(/@napi-rs\/keyring[^\n]*\.node/);
      // The tray's icons, where the Electron host looks for them (process.resourcesPath/icons).
      expect(readdirSync(path.join(out, 'resources/icons')).sort()).toEqual(['16x16.png', '32x32.png']);
    });

    it('builds a deb with dpkg-deb: the app in /opt/Skiff, skiff on the PATH, its desktop entry and icons', () => {
      const deb = path.join(root, `dist/skiff_${JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version}_amd64.deb`);
      const field = (f: string) => execFileSync('dpkg-deb', ['-f', deb, f], { encoding: 'utf8' }).trim();
      expect(field('Package')).toBe('skiff');
      expect(field('Architecture')).toBe('amd64');
      expect(field('Depends')).toContain('libsecret-1-0');
      const files = execFileSync('dpkg-deb', ['-c', deb], { encoding: 'utf8', maxBuffer: 64 << 20 });
      expect(files).toMatch(/^drwxr-xr-x root\/root .* \.\/$/m);
      expect(files).toMatch(/ \.\/opt\/Skiff\/skiff$/m);
      expect(files).toMatch(/ \.\/opt\/Skiff\/resources\/app\.asar$/m);
      expect(files).toMatch(/ \.\/usr\/bin\/skiff -> \/opt\/Skiff\/skiff$/m);
      expect(files).toMatch(/ \.\/usr\/share\/icons\/hicolor\/256x256\/apps\/skiff\.png$/m);
      const x = mkdtempSync(path.join(os.tmpdir(), 'skiff-deb-x-'));
      execFileSync('dpkg-deb', ['-x', deb, x]);
      const desktop = path.join(x, 'usr/share/applications/skiff.desktop');
      expect(readFileSync(desktop, 'utf8')).toMatch(/^Exec=\/opt\/Skiff\/skiff %U$/m);
      expect(spawnSync('desktop-file-validate', [desktop], { encoding: 'utf8' }).status).toBe(0);
      execFileSync('dpkg-deb', ['-e', deb, path.join(x, 'DEBIAN')]);
      expect(readFileSync(path.join(x, 'DEBIAN/postinst'), 'utf8')).toContain('chmod 4755 /opt/Skiff/chrome-sandbox');
    });

    it('flips every release fuse in the packed binary (the check CI runs on real builds)', async () => {
      expect(packedBinaries(path.join(root, 'dist'))).toEqual([path.join(out, 'skiff')]);
      expect(await fuseProblems(path.join(out, 'skiff'))).toEqual([]);
      // The check itself would catch a fuse left as Electron ships it.
      const shipped = path.join(mkdtempSync(path.join(os.tmpdir(), 'skiff-shipped-')), 'electron');
      execFileSync('unzip', ['-q', '-o', standIn, 'electron', '-d', path.dirname(shipped)]);
      expect(await fuseProblems(shipped)).toEqual(['RunAsNode is on, want off', 'EnableNodeOptionsEnvironmentVariable is on, want off', 'EnableNodeCliInspectArguments is on, want off', 'EnableCookieEncryption is off, want on', 'EnableEmbeddedAsarIntegrityValidation is off, want on', 'OnlyLoadAppFromAsar is off, want on']);
    });
  });
});

describe('the preload bundle', () => {
  it('is one CommonJS file (a sandboxed preload cannot require its siblings)', () => {
    const preload = readFileSync(path.join(root, 'out/preload/index.cjs'), 'utf8');
    expect(readdirSync(path.join(root, 'out/preload'))).toEqual(['index.cjs']);
    expect(preload).not.toMatch(/require\(["']\.\.?\//);
    expect(preload).not.toMatch(/^\s*(import|export)\s/m);
  });
});
