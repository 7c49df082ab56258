// A .deb of the unpacked app (electron-builder's `dir` output), built with Debian's own dpkg-deb:
// no tool to download, so `npm run dist` makes it offline. The layout is what electron-builder's
// deb target installs: the app in /opt/Skiff, `skiff` on the PATH, the desktop entry and icons.
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

const DEPENDS = ['libgtk-3-0', 'libnotify4', 'libnss3', 'libxss1', 'libxtst6', 'xdg-utils', 'libatspi2.0-0', 'libuuid1', 'libsecret-1-0'];

/** The Debian version of a package.json version: "1.2.0-beta.1" → "1.2.0~beta.1" (sorts before 1.2.0). */
export function debianVersion(v) {
  return v.replace(/-/, '~');
}

export function buildDeb({ root, unpacked, outDir }) {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const version = debianVersion(pkg.version);
  const tree = mkdtempSync(path.join(os.tmpdir(), 'skiff-deb-'));
  chmodSync(tree, 0o755); // the package's root is the system's /
  try {
    const app = path.join(tree, 'opt/Skiff');
    mkdirSync(path.dirname(app), { recursive: true });
    cpSync(unpacked, app, { recursive: true, verbatimSymlinks: true });
    mkdirSync(path.join(tree, 'usr/bin'), { recursive: true });
    symlinkSync('/opt/Skiff/skiff', path.join(tree, 'usr/bin/skiff'));
    const desktop = readFileSync(path.join(root, 'resources/skiff.desktop'), 'utf8').replace(/^Exec=skiff /m, 'Exec=/opt/Skiff/skiff ');
    mkdirSync(path.join(tree, 'usr/share/applications'), { recursive: true });
    writeFileSync(path.join(tree, 'usr/share/applications/skiff.desktop'), desktop);
    for (const f of readdirSync(path.join(root, 'resources/icons'))) {
      const size = /^(\d+x\d+)\.png$/.exec(f)?.[1];
      if (!size || size === '1024x1024') continue;
      const dir = path.join(tree, 'usr/share/icons/hicolor', size, 'apps');
      mkdirSync(dir, { recursive: true });
      copyFileSync(path.join(root, 'resources/icons', f), path.join(dir, 'skiff.png'));
    }
    const debian = path.join(tree, 'DEBIAN');
    mkdirSync(debian);
    const installedKb = Number(execFileSync('du', ['-sk', '--exclude=DEBIAN', tree], { encoding: 'utf8' }).split('\t')[0]);
    writeFileSync(path.join(debian, 'control'), [
      'Package: skiff',
      `Version: ${version}`,
      'Architecture: amd64',
      `Maintainer: ${pkg.author?.name ?? 'Skiff'} <${pkg.author?.email ?? 'hello@skiff.dev'}>`,
      `Installed-Size: ${installedKb}`,
      `Depends: ${DEPENDS.join(', ')}`,
      'Section: devel',
      'Priority: optional',
      `Homepage: ${pkg.homepage}`,
      'Description: Deploy PocketBase apps to your own Linux servers over SSH',
      ' Skiff sets up, hardens and deploys PocketBase apps on your own Linux servers,',
      ' over SSH from your machine, with one-click rollback and a live log.',
      '',
    ].join('\n'));
    // Chromium's sandbox helper must be setuid root where user namespaces are off (Electron's own note).
    writeFileSync(path.join(debian, 'postinst'), '#!/bin/sh\nset -e\nif [ -e /opt/Skiff/chrome-sandbox ]; then chown root:root /opt/Skiff/chrome-sandbox && chmod 4755 /opt/Skiff/chrome-sandbox; fi\nif command -v update-desktop-database >/dev/null 2>&1; then update-desktop-database -q /usr/share/applications || true; fi\n');
    chmodSync(path.join(debian, 'postinst'), 0o755);
    mkdirSync(outDir, { recursive: true });
    const out = path.join(outDir, `skiff_${version}_amd64.deb`);
    execFileSync('dpkg-deb', ['--build', '--root-owner-group', '-Zxz', tree, out], { stdio: 'pipe' });
    return out;
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
}
