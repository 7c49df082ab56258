#!/usr/bin/env node
// `npm test`: installs everything the tests need on a fresh Debian machine (system packages,
// node_modules, a build, the cached test-VPS images), then runs typecheck, lint, unit, integration
// and e2e tests, and prints one closing line with the totals.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { build, ensureAptPackages, ensureNodeModules, log, root } from './lib/prepare.mjs';

const started = Date.now();
process.env.SKIFF_VPS_CACHE ??= path.join(os.homedir(), '.cache', 'skiff-test-vps');

// Off Linux (the macOS and Windows CI runners) the server side cannot be tested: its suites need
// bash 4, qemu and Debian's Chromium. There, npm test runs the TypeScript checks, the unit tests of
// pure logic, and the Electron project's smoke spec (no VM), and says what it left out.
const onLinux = process.platform === 'linux';
if (onLinux) ensureAptPackages({
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
  // Packaging checks: the desktop entry's validator, and zip/unzip for a stand-in Electron zip.
  'desktop-file-validate': 'desktop-file-utils',
  zip: 'zip',
  unzip: 'unzip',
});
ensureNodeModules();
build();

const bin = (name) => path.join(root, 'node_modules/.bin', name);
const results = path.join(root, 'test-results');
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });
const withKeyring = path.join(root, 'scripts/with-keyring.mjs');
// Test runners report their own counts (`report`); any other step that fails counts as one failure.
const vitest = (project, files = []) => ({
  title: `${project} tests (vitest)`, cmd: process.execPath, report: `vitest-${project}.json`,
  args: [...(onLinux ? [withKeyring] : []), bin('vitest'), 'run', '--project', project, ...files, '--reporter=default', '--reporter=json', `--outputFile.json=${path.join(results, `vitest-${project}.json`)}`],
});
const playwright = { title: 'end-to-end tests (Playwright)', cmd: process.execPath, report: 'e2e.json', args: [withKeyring, bin('playwright'), 'test'] };
/** The unit tests that need neither bash nor Linux tools: the contract, the renderer's logic, the hosts. */
const PORTABLE_UNIT = ['src-shared', 'src-main/hosts', 'src-main/handlers'];

/** Runs one command with each output line prefixed by `tag`; resolves to whether it passed. */
function runTagged(tag, { title, cmd, args, report }) {
  log(`${tag}${title}`);
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, CI: process.env.CI ?? '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => process.stdout.write(`${tag}${line}\n`));
    }
    child.on('close', (code) => {
      log(`${tag}${title}: ${code === 0 ? 'passed' : 'FAILED'} after ${Math.round((Date.now() - t0) / 1000)} s (at ${Math.round((Date.now() - started) / 1000)} s)`);
      resolve({ title, ok: code === 0, report });
    });
  });
}

async function inOrder(tag, steps) {
  const done = [];
  for (const step of steps) done.push(await runTagged(tag, step));
  return done;
}

// The VM suites run one after the other: qemu's TCG keeps both cores busy, and two suites side by
// side each took twice as long (measured: docs/testing.md). Only the host's own work (typecheck,
// lint, unit tests) runs beside the build of the two test disks (base and prepared, built at once
// by mmdebstrap on the host; cached after the first run).
const outcomes = [];
if (!onLinux) {
  log(`${process.platform}: running typecheck, lint, the portable unit tests and the Electron smoke spec; the server suites run on Linux`);
  // Each tool through its JS entry and this Node: node_modules/.bin holds shell scripts Windows cannot spawn.
  const entry = (file) => path.join(root, 'node_modules', file);
  const unit = vitest('unit', PORTABLE_UNIT);
  outcomes.push(...(await inOrder('', [
    { title: 'typecheck', cmd: process.execPath, args: [entry('typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.json'] },
    { title: 'lint (eslint)', cmd: process.execPath, args: [entry('eslint/bin/eslint.js'), '.'] },
    { ...unit, args: [entry('vitest/vitest.mjs'), ...unit.args.slice(1)] },
    { ...playwright, args: [entry('@playwright/test/cli.js'), 'test', '--project', 'electron', 'e2e/specs/app.spec.ts'] },
  ])));
}
const [disks, ...host] = !onLinux ? [] : (await Promise.all([
  runTagged('[vm] ', { title: 'test VPS disks (base and prepared)', cmd: bin('tsx'), args: ['e2e/vps/cli.ts', 'build', '--prepared'] }),
  inOrder('[host] ', [
    { title: 'typecheck', cmd: bin('tsc'), args: ['--noEmit', '-p', 'tsconfig.json'] },
    // Errors fail the run; warnings (react-hooks/exhaustive-deps) are printed and do not.
    { title: 'lint (eslint)', cmd: bin('eslint'), args: ['.'] },
    vitest('unit'),
  ]),
])).flat();
if (onLinux) {
  outcomes.push(disks, ...host);
  if (disks.ok) outcomes.push(...(await inOrder('', [vitest('integration'), playwright])));
}
const failedSteps = outcomes.filter((o) => !o.ok).map((o) => o.title);

function read(file) {
  try { return JSON.parse(readFileSync(path.join(results, file), 'utf8')); } catch { return null; }
}
const vs = (onLinux ? ['vitest-unit.json', 'vitest-integration.json'] : ['vitest-unit.json']).map(read);
const p = read('e2e.json');
const sum = (key) => vs.reduce((n, v) => n + (v?.[key] ?? 0), 0);
const passed = sum('numPassedTests') + (p?.stats?.expected ?? 0) + (p?.stats?.flaky ?? 0);
const failed = sum('numFailedTests') + (p?.stats?.unexpected ?? 0) + outcomes.filter((o) => !o.ok && !o.report).length;
const skipped = sum('numPendingTests') + sum('numTodoTests') + (p?.stats?.skipped ?? 0);
const ok = failedSteps.length === 0 && vs.every(Boolean) && !!p;
log(`finished in ${Math.round((Date.now() - started) / 1000)} s${ok ? '' : ` with failures${failedSteps.length ? ` (${failedSteps.join(', ')})` : ''}`}`);
if (p?.stats?.skipped) log('skipped e2e tests are the Electron project where no Electron binary exists (see their reason above)');
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(ok && failed === 0 ? 0 : 1);
