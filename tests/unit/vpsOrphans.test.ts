// The test-VM reaper kills only what is really a dead run's qemu. It once SIGKILLed the test
// keychain: a stale qemu.pid from a cached runs/ folder named the pid gnome-keyring-daemon had got.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isRunQemu, ownerAlive, ownerStamp, reapOrphans } from '../../e2e/vps/orphans';

const children: ChildProcess[] = [];
afterEach(() => { for (const c of children.splice(0)) c.kill('SIGKILL'); });

/** A long-lived process, optionally with `arg` on its command line (as qemu has its run folder). */
async function longLived(arg?: string): Promise<ChildProcess> {
  const c = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', ...(arg ? [arg] : [])], { stdio: 'ignore' });
  children.push(c);
  await once(c, 'spawn'); // exec done: /proc shows the child's own command line from here on
  return c;
}

function exited(c: ChildProcess): Promise<boolean> {
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => { c.once('exit', () => resolve(true)); setTimeout(() => resolve(false), 1000); });
}

/** A run folder as TestVps.boot writes it, whose qemu.pid names either that run's qemu or a bystander. */
async function fakeRun(owner: string, qemu: 'of this run' | 'bystander') {
  const runsDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-runs-'));
  const dir = path.join(runsDir, 'vm-test');
  mkdirSync(dir);
  const proc = await longLived(qemu === 'of this run' ? path.join(dir, 'run.qcow2') : undefined);
  writeFileSync(path.join(dir, 'owner'), owner);
  writeFileSync(path.join(dir, 'qemu.pid'), String(proc.pid));
  return { runsDir, dir, proc };
}

describe('reaping test VMs left by dead runs', () => {
  it('never kills a process that merely has the stale pid, and still clears the folder', async () => {
    const { runsDir, dir, proc } = await fakeRun('999999 1', 'bystander');
    reapOrphans(runsDir);
    expect(await exited(proc)).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });

  it("kills a dead owner's qemu, recognised by its run folder on the command line", async () => {
    const { runsDir, dir, proc } = await fakeRun('4194304 7', 'of this run'); // no such owner
    expect(isRunQemu(proc.pid!, dir)).toBe(true);
    reapOrphans(runsDir);
    expect(await exited(proc)).toBe(true);
    expect(existsSync(dir)).toBe(false);
  });

  it('leaves the runs of a live owner alone', async () => {
    const { runsDir, dir, proc } = await fakeRun(ownerStamp(), 'of this run');
    reapOrphans(runsDir);
    expect(await exited(proc)).toBe(false);
    expect(existsSync(dir)).toBe(true);
  });

  it('does not take a reused pid for the owner that wrote the stamp', () => {
    const [pid, started] = ownerStamp().split(' ');
    expect(ownerAlive(`${pid} ${started}`)).toBe(true);
    expect(ownerAlive(`${pid} ${Number(started) + 1}`)).toBe(false);
    expect(ownerAlive(pid)).toBe(false); // the old format, a bare pid, proves nothing
    expect(ownerAlive('')).toBe(false);
  });
});
