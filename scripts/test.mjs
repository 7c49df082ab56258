#!/usr/bin/env node
// `npm test`: installs everything the tests need on a fresh Debian machine (system packages,
// node_modules, a build, the cached test-VPS image), then runs typecheck, lint, unit, integration
// and e2e tests in two lanes side by side, and prints one closing line with the totals.
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
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
const withKeyring = path.join(root, 'scripts/with-keyring.mjs');
const vitest = (name, project, files, env = {}) => ({
  title: `${project} tests (vitest)`, cmd: process.execPath, env,
  args: [withKeyring, bin('vitest'), 'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${path.join(results, `vitest-${name}.json`)}`, ...files],
});

// Two lanes run side by side, each with VMs of its own: one lane alone leaves about a third of the
// two cores idle (VMs wait on SSH round trips, health gates, boots), and one after the other they
// passed the 45-minute budget. The split balances their measured times (docs/testing.md).
// Lane A holds every integration file that uses the suite's shared VM.
const integration = (f) => `tests/integration/${f}.test.ts`;
const LANES = {
  // The prepared disk (e2e/vps/prepared.ts) is built here, while lane B runs on the host's CPU.
  A: [{ title: 'prepared test VPS disk', cmd: bin('tsx'), args: ['e2e/vps/cli.ts', 'build', '--prepared'] },
    vitest('a', 'integration', ['servers', 'sshConfigImport', 'keychain', 'backups', 'setupHarden', 'migrate'].map(integration))],
  B: [
    { title: 'typecheck', cmd: bin('tsc'), args: ['--noEmit', '-p', 'tsconfig.json'] },
    // Errors fail the run; warnings (react-hooks/exhaustive-deps) are printed and do not.
    { title: 'lint (eslint)', cmd: bin('eslint'), args: ['.'] },
    vitest('unit', 'unit', []),
    { title: 'end-to-end tests (Playwright)', cmd: process.execPath, args: [withKeyring, bin('playwright'), 'test'] },
    vitest('b', 'integration', ['leastPrivilege', 'deploy', 'sshPort'].map(integration), { SKIFF_SHARED_VPS: 'off' }),
  ],
};

// A new integration file must be put in a lane, or it would silently never run.
const laned = new Set(Object.values(LANES).flat().flatMap((st) => st.args).filter((a) => a.startsWith('tests/integration/')));
const unlaned = readdirSync(path.join(root, 'tests/integration')).filter((f) => f.endsWith('.test.ts')).map((f) => `tests/integration/${f}`).filter((f) => !laned.has(f));
if (unlaned.length) {
  log(`put these integration files in a lane of scripts/test.mjs: ${unlaned.join(', ')}`);
  process.exit(1);
}

/** Runs one command with each output line prefixed by its lane; resolves to whether it passed. */
function runPrefixed(lane, { title, cmd, args, env = {} }) {
  log(`[${lane}] ${title}`);
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, CI: process.env.CI ?? '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => process.stdout.write(`[${lane}] ${line}\n`));
    }
    child.on('close', (code) => {
      log(`[${lane}] ${title}: ${code === 0 ? 'passed' : 'FAILED'} after ${Math.round((Date.now() - t0) / 1000)} s (at ${Math.round((Date.now() - started) / 1000)} s)`);
      resolve({ title, ok: code === 0 });
    });
  });
}

async function runLane(lane, steps) {
  const done = [];
  for (const step of steps) done.push(await runPrefixed(lane, step));
  return done;
}

log('building the test VPS image if it is not cached');
const imageOk = (await runPrefixed('-', { title: 'test VPS base image', cmd: bin('tsx'), args: ['e2e/vps/cli.ts', 'build'] })).ok;
const outcomes = imageOk ? (await Promise.all(Object.entries(LANES).map(([lane, steps]) => runLane(lane, steps)))).flat() : [];
const failedSteps = outcomes.filter((o) => !o.ok).map((o) => o.title);

function read(file) {
  try { return JSON.parse(readFileSync(path.join(results, file), 'utf8')); } catch { return null; }
}
const vs = ['a', 'unit', 'b'].map((n) => read(`vitest-${n}.json`));
const p = read('e2e.json');
const sum = (key) => vs.reduce((n, v) => n + (v?.[key] ?? 0), 0);
const passed = sum('numPassedTests') + (p?.stats?.expected ?? 0) + (p?.stats?.flaky ?? 0);
const failed = sum('numFailedTests') + (p?.stats?.unexpected ?? 0) + failedSteps.filter((t) => !/tests/.test(t)).length + (imageOk ? 0 : 1);
const skipped = sum('numPendingTests') + sum('numTodoTests') + (p?.stats?.skipped ?? 0);
const ok = imageOk && failedSteps.length === 0 && vs.every(Boolean) && !!p;
log(`finished in ${Math.round((Date.now() - started) / 1000)} s${ok ? '' : ` with failures${failedSteps.length ? ` (${failedSteps.join(', ')})` : ''}`}`);
if (p?.stats?.skipped) log('skipped e2e tests are the Electron project where no Electron binary exists (see their reason above)');
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(ok && failed === 0 ? 0 : 1);
