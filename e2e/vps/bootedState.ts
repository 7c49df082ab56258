// A booted VM, saved: boot a disk once (kernel, systemd, sshd: about 30 s under emulation), stop it
// and write its memory and devices to a file beside the overlay it booted on. Every later VM of that
// disk resumes from there in a few seconds (vm.ts), each on its own overlay of the saved one.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot } from './image.js';
import { buildOnce } from './lock.js';
import { TestVps, type MachineSpec } from './vm.js';

export interface BootedState { disk: string; state: string }

export async function ensureBootedState(source: string, machine: MachineSpec, log: (s: string) => void): Promise<BootedState> {
  // The machine's description is part of the key: a state resumes only on the machine it came from.
  const key = createHash('sha256').update(JSON.stringify({ source, machine, v: 1 })).digest('hex').slice(0, 12);
  const dir = join(cacheRoot(), 'booted', key);
  const saved = { disk: join(dir, 'disk.qcow2'), state: join(dir, 'state') };
  mkdirSync(join(cacheRoot(), 'booted'), { recursive: true });
  pruneOrphanedStates();
  await buildOnce(`${dir}.lock`, saved.state, async () => {
    const work = `${dir}.tmp-${process.pid}`;
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work);
    writeFileSync(join(work, 'source'), source);
    const vps = await TestVps.boot({ disk: source, memoryMb: machine.memoryMb, cold: true, log });
    try {
      // Let boot finish (timers armed, units settled) so every resumed VM starts from a quiet one.
      await vps.exec('systemctl is-system-running --wait >/dev/null || true; sync', { timeoutMs: 180_000 });
      await vps.saveStateAndQuit(join(work, 'state'));
      renameSync(vps.diskPath, join(work, 'disk.qcow2'));
    } finally {
      await vps.stop();
    }
    rmSync(dir, { recursive: true, force: true });
    renameSync(work, dir);
    log(`saved the booted VM of ${source}`);
  });
  if (!existsSync(saved.disk)) throw new Error(`the saved VM in ${dir} has no disk`);
  return saved;
}

/** Saved VMs whose disk was rebuilt under a new key are of no more use: 300 MB each. */
function pruneOrphanedStates(): void {
  const root = join(cacheRoot(), 'booted');
  for (const name of readdirSync(root)) {
    if (name.includes('.')) continue; // a lock or a build under way
    let source = '';
    try { source = readFileSync(join(root, name, 'source'), 'utf8'); } catch { /* an unfinished copy */ }
    if (!source || !existsSync(source)) rmSync(join(root, name), { recursive: true, force: true });
  }
}
