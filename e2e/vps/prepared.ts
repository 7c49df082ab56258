// A "provider image" with the packages Skiff's setup installs already there, cached like the base
// image: tests that need a set-up server run Skiff's real setup on it, which then finds the slow
// apt work done (skipped steps) instead of spending minutes per suite under emulation. It is built
// like the base image, by mmdebstrap on the host's CPU (apt inside the VM took 5 to 10 minutes).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SETUP_PACKAGES } from '../../src-main/core/ops/setup.js';
import { BASE_PACKAGES, buildDebianDisk, cacheRoot, ensureBaseImage } from './image.js';

export async function ensurePreparedDisk(log: (s: string) => void = () => {}): Promise<string> {
  const base = await ensureBaseImage(log);
  const key = createHash('sha256').update(JSON.stringify({ base: base.dir, BASE_PACKAGES, SETUP_PACKAGES, v: 2 })).digest('hex').slice(0, 12);
  const dir = join(cacheRoot(), 'prepared');
  // The disk, with the kernel and initrd it boots with beside it (vm.ts looks there).
  const file = join(dir, `packages-${key}`, 'disk.qcow2');
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  // Two test processes may ask at the same moment (a suite run by hand beside npm test): one
  // builds, the others wait.
  const lock = `${dirname(file)}.lock`;
  while (!takeLock(lock)) {
    await new Promise((r) => setTimeout(r, 2_000));
    if (existsSync(file)) return file;
  }
  try {
    if (existsSync(file)) return file;
    await buildPreparedDisk(base.rootKey, file, log);
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

async function buildPreparedDisk(rootKey: string, file: string, log: (s: string) => void): Promise<void> {
  log('building the prepared test VPS disk: the base plus the setup packages (once, about 2 min)');
  const final = dirname(file);
  const work = `${final}.tmp-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    await buildDebianDisk({ work, packages: [...BASE_PACKAGES, ...SETUP_PACKAGES], rootKeyPub: `${rootKey}.pub`, qcow2: basename(file) });
    rmSync(final, { recursive: true, force: true });
    renameSync(work, final);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
