// Which processes a test VM run owns, and cleaning up runs whose owner died.
//
// A pid alone names nobody for long: pid_max is 32768 here, and a cached runs/ folder can outlive
// the machine that wrote it (CI starts from a copy of it). Killing "the pid in qemu.pid" once
// killed a fresh gnome-keyring-daemon that happened to get that number. So every kill first checks
// the process is that run's qemu (its command line names the run's folder), and an owner counts as
// alive only if its start time matches the one recorded with it.

import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** The kernel's start time of a process (clock ticks since boot), or null if there is none. */
function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses); starttime is field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** What the owner file of a run holds: this process, named so that a reused pid does not match. */
export function ownerStamp(pid = process.pid): string {
  return `${pid} ${startTime(pid) ?? ''}`;
}

export function ownerAlive(stamp: string): boolean {
  const [pid, started] = stamp.trim().split(' ');
  return !!Number(pid) && !!started && startTime(Number(pid)) === started;
}

/** Whether pid is the qemu of the run in `dir` (and not whoever got its number since). */
export function isRunQemu(pid: number, dir: string): boolean {
  if (!pid) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').some((arg) => arg.includes(dir));
  } catch {
    return false;
  }
}

/** Kills the VMs of runs whose owner died without tearing down, and removes their folders. */
export function reapOrphans(runsDir: string): void {
  if (!existsSync(runsDir)) return;
  for (const name of readdirSync(runsDir)) {
    const dir = join(runsDir, name);
    const read = (f: string) => { try { return readFileSync(join(dir, f), 'utf8'); } catch { return ''; } };
    if (ownerAlive(read('owner'))) continue;
    const pid = Number(read('qemu.pid').trim());
    if (isRunQemu(pid, dir)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}
