// A "provider image" with the packages Skiff's setup installs already there, cached like the base
// image: tests that need a set-up server run Skiff's real setup on it, which then finds the slow
// apt work done (skipped steps) instead of spending ~80 s per suite under emulation.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SETUP_PACKAGES } from '../../src-main/core/ops/setup.js';
import { cacheRoot, ensureBaseImage } from './image.js';
import { TestVps } from './vm.js';
import { run } from './run.js';

export async function ensurePreparedDisk(log: (s: string) => void = () => {}): Promise<string> {
  const base = await ensureBaseImage(log);
  const key = createHash('sha256').update(JSON.stringify({ base: base.dir, SETUP_PACKAGES, v: 1 })).digest('hex').slice(0, 12);
  const dir = join(cacheRoot(), 'prepared');
  const file = join(dir, `packages-${key}.qcow2`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  // Two test processes may ask at the same moment (a suite run by hand beside npm test): one
  // builds, the others wait.
  const lock = `${file}.lock`;
  while (!takeLock(lock)) {
    await new Promise((r) => setTimeout(r, 2_000));
    if (existsSync(file)) return file;
  }
  try {
    if (existsSync(file)) return file;
    await buildPreparedDisk(base.qcow2, file, log);
  } finally {
    rmSync(lock, { force: true });
  }
  return file;
}

/** Creates the lock file; a lock whose holder has died is taken over. */
function takeLock(lock: string): boolean {
  try {
    writeFileSync(lock, String(process.pid), { flag: 'wx' });
    return true;
  } catch {
    let holder = 0;
    try { holder = Number(readFileSync(lock, 'utf8')); } catch { /* released meanwhile */ }
    if (holder > 0 && !alive(holder)) rmSync(lock, { force: true });
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function buildPreparedDisk(baseQcow2: string, file: string, log: (s: string) => void): Promise<void> {
  log('preparing a test VPS disk with the setup packages installed (once, ~2 min)');
  const vps = await TestVps.boot({ log });
  try {
    // Under TCG on a busy 2-core machine the install alone can pass the usual 5 minutes.
    await vps.exec(`apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q ${SETUP_PACKAGES.join(' ')} >/dev/null && apt-get clean`, { timeoutMs: 1_200_000 });
    await vps.powerOff();
    // Flatten onto the base so the cached disk does not depend on a run folder.
    const tmp = `${file}.tmp-${process.pid}`;
    await run('qemu-img', ['convert', '-O', 'qcow2', '-B', baseQcow2, '-F', 'qcow2', vps.diskPath, tmp]);
    renameSync(tmp, file);
  } finally {
    await vps.stop();
    rmSync(`${file}.tmp-${process.pid}`, { force: true });
  }
}
