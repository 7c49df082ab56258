#!/usr/bin/env node
// `npm test`: installs everything the tests need on a fresh Debian machine (system packages,
// node_modules, a build, the cached test-VPS image), then runs typecheck, lint, unit, integration
// and e2e tests, and prints one closing line with the totals.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { build, ensureAptPackages, ensureNodeModules, log, root } from './lib/prepare.mjs';

const started = Date.now();
process.env.SKIFF_VPS_CACHE ??= path.join(os.homedir(), '.cache', 'skiff-test-vps');

ensureAptPackages({
  'qemu-system-x86_64': 'qemu-system-x86',
  'qemu-img': 'qemu-utils',
  mmdebstrap: 'mmdebstrap',
  ssh: 'openssh-client',
  chromium: 'chromium',
  'gnome-keyring-daemon': 'gnome-keyring',
  'dbus-run-session': 'dbus-daemon',
  'secret-tool': 'libsecret-tools',
  'mkfs.ext4': 'e2fsprogs',
  'ssh-audit': 'ssh-audit',
});
ensureNodeModules();
build();

const bin = (name) => path.join(root, 'node_modules/.bin', name);
const results = path.join(root, 'test-results');
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

function step(title, cmd, args) {
  log(title);
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, env: { ...process.env, CI: process.env.CI ?? '1' } });
  return r.status === 0;
}

log('building the test VPS image if it is not cached');
const imageOk = step('test VPS base image', bin('tsx'), ['e2e/vps/cli.ts', 'build']);
const typesOk = step('typecheck', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
// Errors fail the run; warnings (react-hooks/exhaustive-deps) are printed and do not.
const lintOk = step('lint (eslint)', bin('eslint'), ['.']);
const withKeyring = path.join(root, 'scripts/with-keyring.mjs');
const vitestOk = imageOk && step('unit and integration tests (vitest)', process.execPath, [withKeyring, bin('vitest'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${path.join(results, 'vitest.json')}`]);
const e2eOk = imageOk && step('end-to-end tests (Playwright)', process.execPath, [withKeyring, bin('playwright'), 'test']);

function read(file) {
  try { return JSON.parse(readFileSync(path.join(results, file), 'utf8')); } catch { return null; }
}
const v = read('vitest.json');
const p = read('e2e.json');
const passed = (v?.numPassedTests ?? 0) + (p?.stats?.expected ?? 0) + (p?.stats?.flaky ?? 0);
const failed = (v?.numFailedTests ?? 0) + (p?.stats?.unexpected ?? 0) + (typesOk ? 0 : 1) + (lintOk ? 0 : 1) + (imageOk ? 0 : 1);
const skipped = (v?.numPendingTests ?? 0) + (v?.numTodoTests ?? 0) + (p?.stats?.skipped ?? 0);
const ok = imageOk && typesOk && lintOk && vitestOk && e2eOk && !!v && !!p;
log(`finished in ${Math.round((Date.now() - started) / 1000)} s${ok ? '' : ' with failures'}${typesOk ? '' : ' (typecheck failed)'}${lintOk ? '' : ' (lint failed)'}`);
if (p?.stats?.skipped) log('skipped e2e tests are the Electron project where no Electron binary exists (see their reason above)');
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(ok && failed === 0 ? 0 : 1);
