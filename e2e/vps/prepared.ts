// A "provider image" with the packages Skiff's setup installs already there, cached like the base
// image: tests that need a set-up server run Skiff's real setup on it, which then finds the slow
// apt work done (skipped steps) instead of spending ~80 s per suite under emulation.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
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
  log('preparing a test VPS disk with the setup packages installed (once, ~2 min)');
  const vps = await TestVps.boot({ log });
  try {
    // Under TCG on a busy 2-core machine the install alone can pass the usual 5 minutes.
    await vps.exec(`apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q ${SETUP_PACKAGES.join(' ')} >/dev/null && apt-get clean`, { timeoutMs: 1_200_000 });
    await vps.powerOff();
    // Flatten onto the base so the cached disk does not depend on a run folder.
    const tmp = `${file}.tmp-${process.pid}`;
    await run('qemu-img', ['convert', '-O', 'qcow2', '-B', base.qcow2, '-F', 'qcow2', vps.diskPath, tmp]);
    renameSync(tmp, file);
  } finally {
    await vps.stop();
    rmSync(`${file}.tmp-${process.pid}`, { force: true });
  }
  return file;
}
