// A stand-in for an Electron release zip, for testing packaging where no real Electron can be
// downloaded: a tiny executable that carries Electron's fuse wire (sentinel, version 1, nine fuses
// in Electron's shipped state), a valid default_app.asar, and the files electron-builder expects.
// electron-builder packs it exactly as it would the real one, so its config, ASAR and fuses can be
// checked offline. Never shipped: `npm run dist` takes a real zip.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPackage } from '@electron/asar';

/** Electron's shipped fuse wire (v1): RunAsNode on, cookie encryption off, NODE_OPTIONS on, inspect on, … */
export const SHIPPED_WIRE = '101100011';

export async function makeElectronStandInZip(version) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-electron-stand-in-'));
  const tree = path.join(dir, 'tree');
  mkdirSync(path.join(tree, 'resources'), { recursive: true });
  const wire = Buffer.concat([Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'), Buffer.from([1, SHIPPED_WIRE.length]), Buffer.from(SHIPPED_WIRE)]);
  writeFileSync(path.join(tree, 'electron'), Buffer.concat([Buffer.from('#!/bin/sh\necho "stand-in for Electron"\nexit 0\n#'), wire, Buffer.from('\n')]), { mode: 0o755 });
  const app = path.join(dir, 'default_app');
  mkdirSync(app);
  writeFileSync(path.join(app, 'package.json'), '{"name":"default_app","main":"main.js"}');
  await createPackage(app, path.join(tree, 'resources', 'default_app.asar'));
  for (const [f, text] of [['LICENSE', 'MIT'], ['LICENSES.chromium.html', '<p>'], ['version', version]]) writeFileSync(path.join(tree, f), text);
  writeFileSync(path.join(tree, 'chrome-sandbox'), '', { mode: 0o755 });
  const zip = path.join(dir, `electron-v${version}-linux-x64.zip`);
  execFileSync('zip', ['-qr', zip, '.'], { cwd: tree });
  return zip;
}
