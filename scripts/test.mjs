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

const playwright = (name, specs, env = {}) => ({
  title: `end-to-end tests, ${specs.join(' and ')} (Playwright)`, cmd: process.execPath,
  env: { SKIFF_E2E_JSON: path.join(results, `e2e-${name}.json`), ...env },
  args: [withKeyring, bin('playwright'), 'test', ...specs.map((s) => `e2e/specs/${s}.spec.ts`)],
});

// Two lanes run side by side, each with VMs of its own: one lane alone leaves about a third of the
// two cores idle (VMs wait on SSH round trips, health gates, boots), and one after the other they
// passed the 45-minute budget. The split balances their measured times (docs/testing.md).
// Lane A holds every integration file that uses the suite's shared VM.
const integration = (f) => `tests/integration/${f}.test.ts`;
const LANES = {
  // The prepared disk (e2e/vps/prepared.ts) is built here, while lane B runs on the host's CPU.
  A: [{ title: 'prepared test VPS disk', cmd: bin('tsx'), args: ['e2e/vps/cli.ts', 'build', '--prepared'] },
    vitest('a', 'integration', ['servers', 'sshConfigImport', 'keychain', 'backups', 'setupHarden', 'migrate', 'sshPort'].map(integration))],
  B: [
    { title: 'typecheck', cmd: bin('tsc'), args: ['--noEmit', '-p', 'tsconfig.json'] },
    // Errors fail the run; warnings (react-hooks/exhaustive-deps) are printed and do not.
    { title: 'lint (eslint)', cmd: bin('eslint'), args: ['.'] },
    vitest('unit', 'unit', []),
    // Specs on bare servers first: they need no prepared disk, which lane A builds meanwhile.
    playwright('bare', ['security', 'servers']),
    playwright('setup', ['deploy', 'migrate'], { SKIFF_SHARED_VPS: 'off' }),
    vitest('b', 'integration', ['leastPrivilege', 'deploy'].map(integration), { SKIFF_SHARED_VPS: 'off' }),
  ],
};

// A new integration or e2e file must be put in a lane, or it would silently never run.
const laned = new Set(Object.values(LANES).flat().flatMap((st) => st.args));
const unlaned = [['tests/integration', '.test.ts'], ['e2e/specs', '.spec.ts']].flatMap(([dir, ext]) => readdirSync(path.join(root, dir)).filter((f) => f.endsWith(ext)).map((f) => `${dir}/${f}`)).filter((f) => !laned.has(f));
if (unlaned.length) {
  log(`put these test files in a lane of scripts/test.mjs: ${unlaned.join(', ')}`);
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
const ps = ['bare', 'setup'].map((n) => read(`e2e-${n}.json`));
const sum = (key) => vs.reduce((n, v) => n + (v?.[key] ?? 0), 0);
const stat = (key) => ps.reduce((n, p) => n + (p?.stats?.[key] ?? 0), 0);
const passed = sum('numPassedTests') + stat('expected') + stat('flaky');
const failed = sum('numFailedTests') + stat('unexpected') + failedSteps.filter((t) => !/tests/.test(t)).length + (imageOk ? 0 : 1);
const skipped = sum('numPendingTests') + sum('numTodoTests') + stat('skipped');
const ok = imageOk && failedSteps.length === 0 && vs.every(Boolean) && ps.every(Boolean);
log(`finished in ${Math.round((Date.now() - started) / 1000)} s${ok ? '' : ` with failures${failedSteps.length ? ` (${failedSteps.join(', ')})` : ''}`}`);
if (stat('skipped')) log('skipped e2e tests are the Electron project where no Electron binary exists (see their reason above)');
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(ok && failed === 0 ? 0 : 1);
