// One builder at a time for a cached artefact: test processes (scripts/test.mjs, a suite run by hand
// beside npm test) may ask for it at the same moment; one builds, the others wait for it.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

/** Returns `done` once it exists, building it with `build` under `lock` when no one else is. */
export async function buildOnce(lock: string, done: string, build: () => Promise<void>): Promise<void> {
  if (existsSync(done)) return;
  while (!takeLock(lock)) {
    await new Promise((r) => setTimeout(r, 2_000));
    if (existsSync(done)) return;
  }
  try {
    if (!existsSync(done)) await build();
  } finally {
    rmSync(lock, { force: true });
  }
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
