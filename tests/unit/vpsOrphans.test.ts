// The test-VM reaper kills only what is really a dead run's qemu. It once SIGKILLed the test
// keychain: a stale qemu.pid from a cached runs/ folder named the pid gnome-keyring-daemon had got.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isRunQemu, ownerAlive, ownerStamp, reapOrphans } from '../../e2e/vps/orphans';

const children: ChildProcess[] = [];
afterEach(() => { for (const c of children.splice(0)) c.kill('SIGKILL'); });

/** A long-lived process, optionally with `arg` on its command line (as qemu has its run folder). */
function longLived(arg?: string): ChildProcess {
  const c = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', ...(arg ? [arg] : [])], { stdio: 'ignore' });
  children.push(c);
  return c;
}

function exited(c: ChildProcess): Promise<boolean> {
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => { c.once('exit', () => resolve(true)); setTimeout(() => resolve(false), 1000); });
}

function run(runsDir: string, owner: string, qemuPid: number | undefined): string {
  const dir = path.join(runsDir, `vm-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'owner'), owner);
  if (qemuPid !== undefined) writeFileSync(path.join(dir, 'qemu.pid'), String(qemuPid));
  return dir;
}

describe('reaping test VMs left by dead runs', () => {
  it('never kills a process that merely has the stale pid, and still clears the folder', async () => {
    const runsDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-runs-'));
    const bystander = longLived();
    await new Promise((r) => setTimeout(r, 100));
    const dir = run(runsDir, '999999 1', bystander.pid);
    reapOrphans(runsDir);
    expect(await exited(bystander)).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });

  it("kills a dead owner's qemu, recognised by its run folder on the command line", async () => {
    const runsDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-runs-'));
    const dir = path.join(runsDir, 'vm-orphan');
    mkdirSync(dir);
    const qemu = longLived(path.join(dir, 'run.qcow2'));
    await new Promise((r) => setTimeout(r, 100));
    writeFileSync(path.join(dir, 'owner'), '4194304 7'); // no such process
    writeFileSync(path.join(dir, 'qemu.pid'), String(qemu.pid));
    expect(isRunQemu(qemu.pid!, dir)).toBe(true);
    reapOrphans(runsDir);
    expect(await exited(qemu)).toBe(true);
    expect(existsSync(dir)).toBe(false);
  });

  it('leaves the runs of a live owner alone', async () => {
    const runsDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-runs-'));
    const dir = path.join(runsDir, 'vm-live');
    mkdirSync(dir);
    const qemu = longLived(path.join(dir, 'run.qcow2'));
    writeFileSync(path.join(dir, 'owner'), ownerStamp());
    writeFileSync(path.join(dir, 'qemu.pid'), String(qemu.pid));
    reapOrphans(runsDir);
    expect(await exited(qemu)).toBe(false);
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
