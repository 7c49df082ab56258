// Packaging (electron-builder): installers for Linux (AppImage, deb, rpm), macOS (dmg, zip;
// hardened runtime, notarized when its secrets are set) and Windows (NSIS). `npm run dist` drives
// it (scripts/dist.mjs); docs/releasing.md says how a release is made. The Linux desktop entry comes
// from resources/skiff.desktop, the one source that desktop-file-validate checks.
const { readFileSync } = require('node:fs');
const path = require('node:path');

/** `[Desktop Entry]` key=value pairs of resources/skiff.desktop. */
function desktopFile() {
  const text = readFileSync(path.join(__dirname, 'resources/skiff.desktop'), 'utf8');
  return Object.fromEntries(text.split('\n').filter((l) => /^[A-Za-z]+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

/** What electron-builder takes from it: it writes Type, Exec and Icon itself (from executableName). */
function desktopEntry() {
  return Object.fromEntries(Object.entries(desktopFile()).filter(([k]) => !['Type', 'Exec', 'Icon'].includes(k)));
}

// Where updates are served: GitHub releases of SKIFF_UPDATE_REPO (owner/name), or any HTTPS folder
// (SKIFF_UPDATE_URL) holding the files electron-builder writes next to the installers.
function publish() {
  if (process.env.SKIFF_UPDATE_URL) return [{ provider: 'generic', url: process.env.SKIFF_UPDATE_URL }];
  const [owner, repo] = (process.env.SKIFF_UPDATE_REPO ?? 'skiff-app/skiff').split('/');
  return [{ provider: 'github', owner, repo, releaseType: 'release' }];
}

/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'dev.skiff.desktop',
  productName: 'Skiff',
  executableName: 'skiff',
  copyright: 'Copyright © 2026 Skiff contributors',
  directories: { buildResources: 'resources', output: 'dist' },
  // electron-vite's build: main, preload and renderer. Sources, tests and docs stay out.
  files: ['out/**/*', 'package.json', '!**/*.map'],
  asar: true,
  // Nothing to rebuild for Electron: the keychain binding is N-API (one binary for Node and Electron)
  // and ssh2's optional cpu-features is not needed. A rebuild would fetch Electron's headers.
  npmRebuild: false,
  // The keychain binding is a native module: it must be a real file to be loaded.
  asarUnpack: ['node_modules/@napi-rs/keyring*/**'],
  // The tray's icons, read from resources/icons at run time.
  extraResources: [{ from: 'resources/icons', to: 'icons', filter: ['16x16.png', '32x32.png'] }],
  // Release builds close the "run as Node" doors and load the app only from its checked ASAR.
  electronFuses: {
    runAsNode: false,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableCookieEncryption: true,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
  },
  publish: publish(),
  linux: {
    target: ['AppImage', 'deb', 'rpm'],
    category: 'Development',
    icon: 'icons',
    synopsis: 'Deploy PocketBase apps to your own servers',
    desktop: { entry: desktopEntry() },
  },
  deb: { depends: ['libsecret-1-0', 'libnotify4', 'libxss1', 'libnss3'] },
  mac: {
    target: ['dmg', 'zip'],
    category: 'public.app-category.developer-tools',
    icon: 'icon.icns',
    hardenedRuntime: true,
    gatekeeperAssess: false,
    entitlements: 'resources/entitlements.mac.plist',
    entitlementsInherit: 'resources/entitlements.mac.plist',
    // Notarized when APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD and APPLE_TEAM_ID are set (docs/releasing.md).
    notarize: !!(process.env.APPLE_ID && process.env.APPLE_APP_SPECIFIC_PASSWORD && process.env.APPLE_TEAM_ID),
  },
  win: { target: ['nsis'], icon: 'icon.ico' },
  nsis: { oneClick: false, allowToChangeInstallationDirectory: true, perMachine: false },
};
