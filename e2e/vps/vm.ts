// A disposable Debian 12 VPS for tests: a qcow2 overlay on the cached base image, booted with
// qemu (TCG: KVM is not usable on our machines), SSH forwarded to 127.0.0.1 only.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { cacheRoot, ensureBaseImage, type BaseImage } from './image.js';
import { ensureBootedState } from './bootedState.js';
import { GuestAgent } from './guestAgent.js';
import { qmp } from './qmp.js';
import { isRunQemu, ownerStamp, reapOrphans } from './orphans.js';
import { run, type RunResult } from './run.js';

/** Host ports on 127.0.0.1 forwarded to the guest's 22, 80, 443, 2222 and 8081 (as the internet would reach them). */
export interface VpsPorts { ssh: number; http: number; https: number; ssh2222: number; probe8081: number }
export interface VpsDescriptor { image: BaseImage; dir: string; ports: VpsPorts; pid: number }

export interface MachineSpec { kernel: { kernel: string; initrd: string }; memoryMb: number; cpu: string }

/**
 * The CPU model qemu emulates. `max` offers AVX2 and 5-level paging, which glibc and the kernel then
 * use and TCG emulates slowly; the plain x86-64 model ran a fork+exec loop 15 % and hashing and
 * compression 35 % faster here (measured 2026-11-28). Debian 12 and Go binaries need nothing more.
 */
const VM_CPU = 'qemu64';

/** A disk built with its own kernel (the prepared disk) boots that one: its modules are on it. */
function kernelFor(disk: string, image: BaseImage): { kernel: string; initrd: string } {
  const beside = { kernel: join(dirname(disk), 'vmlinuz'), initrd: join(dirname(disk), 'initrd.img') };
  return existsSync(beside.kernel) && existsSync(beside.initrd) ? beside : { kernel: image.kernel, initrd: image.initrd };
}

/**
 * The machine qemu emulates. A saved state resumes only on the same machine, so a cold boot and a
 * resume share these; only the host side (ports, sockets, files) may differ.
 */
function qemuArgs(m: MachineSpec, dir: string, disk: string, ports: VpsPorts): string[] {
  const fwd = [
    `hostfwd=tcp:127.0.0.1:${ports.ssh}-:22`, `hostfwd=tcp:127.0.0.1:${ports.http}-:80`, `hostfwd=tcp:127.0.0.1:${ports.https}-:443`,
    `hostfwd=tcp:127.0.0.1:${ports.ssh2222}-:2222`, `hostfwd=tcp:127.0.0.1:${ports.probe8081}-:8081`,
  ];
  return [
    '-accel', 'tcg,thread=multi', '-cpu', m.cpu, '-m', String(m.memoryMb), '-smp', '2',
    '-kernel', m.kernel.kernel, '-initrd', m.kernel.initrd, '-append', 'root=/dev/vda rw console=ttyS0 net.ifnames=0',
    // A throwaway disk: the guest's flushes need not reach the host's disk.
    '-drive', `file=${disk},if=virtio,cache=unsafe`,
    '-netdev', `user,id=n0,${fwd.join(',')}`, '-device', 'virtio-net-pci,netdev=n0',
    // Resumed VMs share one saved memory: vmgenid tells the kernel to reseed its random numbers,
    // and virtio-rng gives it fresh entropy to do so.
    '-device', 'vmgenid', '-device', 'virtio-rng-pci',
    '-chardev', `socket,path=${join(dir, 'qga.sock')},server=on,wait=off,id=qga0`,
    '-device', 'virtio-serial', '-device', 'virtserialport,chardev=qga0,name=org.qemu.guest_agent.0',
    '-qmp', `unix:${join(dir, 'qmp.sock')},server=on,wait=off`,
    '-display', 'none', '-serial', `file:${join(dir, 'console.log')}`,
    '-daemonize', '-pidfile', join(dir, 'qemu.pid'),
  ];
}

/**
 * `count` distinct free loopback ports. Each listener stays open until all are taken: closed one by
 * one, the kernel may hand the same port out twice (it did: qemu then refused two forwards on it).
 */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => new Promise<Server>((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve(srv));
  })));
  const ports = servers.map((srv) => (srv.address() as { port: number }).port);
  await Promise.all(servers.map((srv) => new Promise((resolve) => srv.close(resolve))));
  return ports;
}

export class TestVps {
  private constructor(
    readonly image: BaseImage,
    readonly dir: string,
    readonly ports: VpsPorts,
    private pid: number,
  ) {}

  readonly host = '127.0.0.1';

  /**
   * Boots a VM on a fresh overlay of `disk` (default: the bare base image). It resumes the saved
   * state of a VM that booted that disk once (bootedState.ts), a few seconds instead of about 30 s
   * of kernel and systemd under emulation; `cold` boots the kernel, as building that state must.
   */
  static async boot(opts: {
    log?: (s: string) => void;
    memoryMb?: number;
    /** A disk to start from instead of the fresh base (see prepared.ts). */
    disk?: string;
    cold?: boolean;
  } = {}): Promise<TestVps> {
    const log = opts.log ?? (() => {});
    const image = await ensureBaseImage(log);
    const source = opts.disk ?? image.qcow2;
    const machine: MachineSpec = { kernel: kernelFor(source, image), memoryMb: opts.memoryMb ?? 1024, cpu: VM_CPU };
    const saved = opts.cold ? undefined : await ensureBootedState(source, machine, log);
    const runsDir = join(cacheRoot(), 'runs');
    mkdirSync(runsDir, { recursive: true });
    reapOrphans(runsDir);
    const dir = mkdtempSync(join(runsDir, 'vm-'));
    writeFileSync(join(dir, 'owner'), ownerStamp());
    const [ssh, http, https, ssh2222, probe8081] = await freePorts(5);
    const ports: VpsPorts = { ssh, http, https, ssh2222, probe8081 };
    const disk = join(dir, 'run.qcow2');
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', saved?.disk ?? source, '-F', 'qcow2', disk]);
    const started = Date.now();
    await run('qemu-system-x86_64', [
      ...qemuArgs(machine, dir, disk, ports),
      ...(saved ? ['-incoming', `exec:cat '${saved.state}'`] : []),
    ]);
    const pid = Number(readFileSync(join(dir, 'qemu.pid'), 'utf8').trim());
    const vps = new TestVps(image, dir, ports, pid);
    process.once('exit', () => vps.killSync());
    try {
      if (saved) await vps.resumeWhenLoaded();
      await vps.waitForAgent(180_000);
      // A resumed VM's clock stands where it stood when its state was saved (maybe days ago): apt,
      // TLS and fail2ban's windows need today's.
      if (saved) await vps.exec(`date -u -s @${(Date.now() / 1000).toFixed(3)} >/dev/null`);
      await vps.waitForSsh(60_000);
    } catch (e) {
      await vps.stop();
      throw e;
    }
    log(`test VPS up on ssh port ${ports.ssh} after ${((Date.now() - started) / 1000).toFixed(1)} s${saved ? ' (resumed)' : ''}`);
    return vps;
  }

  /** A VM started with -incoming loads its state, then stays paused as it was saved: run it. */
  private async resumeWhenLoaded(): Promise<void> {
    const sock = join(this.dir, 'qmp.sock');
    const deadline = Date.now() + 60_000;
    for (;;) {
      const [st] = (await qmp(sock, [{ execute: 'query-status' }])) as { status: string }[];
      if (st.status === 'running') return;
      if (st.status === 'paused' || st.status === 'postmigrate' || st.status === 'prelaunch') break;
      if (st.status !== 'inmigrate' || Date.now() > deadline) throw new Error(`the saved VM did not load: ${st.status}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await qmp(sock, [{ execute: 'cont' }]);
  }

  /**
   * Writes the running VM's whole state (memory, devices) to `file` with the VM stopped, and quits
   * qemu: its disk then holds exactly what that state expects (bootedState.ts keeps both).
   */
  async saveStateAndQuit(file: string): Promise<void> {
    const sock = join(this.dir, 'qmp.sock');
    await qmp(sock, [
      { execute: 'stop' },
      // The default cap (128 MiB/s) only matters between hosts; this is one file on one disk.
      { execute: 'migrate-set-parameters', arguments: { 'max-bandwidth': 8 * 1024 ** 3 } },
      { execute: 'migrate', arguments: { uri: `exec:cat > '${file}'` } },
    ]);
    const deadline = Date.now() + 120_000;
    for (;;) {
      const [info] = (await qmp(sock, [{ execute: 'query-migrate' }])) as { status?: string; 'error-desc'?: string }[];
      if (info.status === 'completed') break;
      if (info.status === 'failed' || Date.now() > deadline) throw new Error(`saving the VM state: ${info['error-desc'] ?? info.status}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    await qmp(sock, [{ execute: 'quit' }]).catch(() => undefined);
    const quitBy = Date.now() + 10_000;
    while (this.running && Date.now() < quitBy) await new Promise((r) => setTimeout(r, 100));
  }

  /** A plain description another process (a test worker) can re-attach to. */
  describe(): VpsDescriptor {
    return { image: this.image, dir: this.dir, ports: this.ports, pid: this.pid };
  }

  static attach(d: VpsDescriptor): TestVps {
    return new TestVps(d.image, d.dir, d.ports, d.pid);
  }

  get rootKeyPath(): string { return this.image.rootKey; }
  get rootKey(): string { return readFileSync(this.image.rootKey, 'utf8'); }

  private get agent(): GuestAgent {
    return new GuestAgent(join(this.dir, 'qga.sock'));
  }

  /**
   * Runs a bash script as root in the guest through the QEMU guest agent (not SSH), so it works
   * whatever the test did to sshd, the firewall or fail2ban. Rejects on a non-zero exit unless allowFail.
   */
  async exec(script: string, opts: { allowFail?: boolean; timeoutMs?: number } = {}): Promise<RunResult> {
    const r = await this.agent.exec(script, opts.timeoutMs);
    if (r.code !== 0 && !opts.allowFail) throw new Error(`guest script exited ${r.code}: ${r.stderr.slice(-2000)}\n--- script:\n${script.slice(0, 500)}`);
    return r;
  }

  async waitForAgent(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`qemu exited; console: ${this.consoleTail()}`);
      if (await this.agent.ping()) return;
      await new Promise((res) => setTimeout(res, 1000));
    }
    throw new Error(`the test VPS's guest agent did not answer within ${timeoutMs / 1000} s; console: ${this.consoleTail()}`);
  }

  /** Waits until a root key login works on the public SSH path (before any hardening). */
  async waitForSsh(timeoutMs: number, port = this.ports.ssh): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`qemu exited; console: ${this.consoleTail()}`);
      if (await this.canLogin('root', this.image.rootKey, port)) return;
      await new Promise((res) => setTimeout(res, 1000));
    }
    throw new Error(`test VPS did not answer SSH within ${timeoutMs / 1000} s; console: ${this.consoleTail()}`);
  }

  /** Waits until sshd accepts TCP and speaks SSH on the public path (any user, even if logins are refused). */
  async waitForSshd(timeoutMs: number, port = this.ports.ssh): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const r = await run('ssh-keyscan', ['-p', String(port), '-T', '3', this.host], { allowFail: true, timeoutMs: 10_000 });
      if (r.code === 0 && r.stdout.includes('ssh-')) return;
      await new Promise((res) => setTimeout(res, 500));
    }
    throw new Error(`sshd did not answer within ${timeoutMs / 1000} s`);
  }

  /** Whether a plain OpenSSH login works through the public path (port 22 via the first NIC). */
  async canLogin(user: string, key = this.image.rootKey, port = this.ports.ssh): Promise<boolean> {
    const args = ['-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR',
      '-o', 'ConnectTimeout=8', '-o', 'IdentitiesOnly=yes', '-i', key, '-p', String(port), `${user}@${this.host}`, 'true'];
    return (await run('ssh', args, { allowFail: true, timeoutMs: 20_000 })).code === 0;
  }

  consoleTail(): string {
    try { return readFileSync(join(this.dir, 'console.log'), 'utf8').slice(-1500); } catch { return '(no console log)'; }
  }

  /**
   * Simulates a re-installed server (or a man in the middle): new SSH host keys, and every open
   * SSH session cut, as the reboot of a re-install would.
   */
  async regenerateHostKeys(): Promise<void> {
    await this.exec(`rm -f /etc/ssh/ssh_host_* && ssh-keygen -A >/dev/null && systemctl restart ssh
pkill -f 'sshd: [^ ]+@' || true`);
    await this.waitForSshd(30_000);
  }

  /** The host key fingerprints as `ssh-keygen -lf` prints them. */
  async hostKeyFingerprints(): Promise<string[]> {
    const r = await this.exec('for f in /etc/ssh/ssh_host_*_key.pub; do ssh-keygen -lf "$f"; done');
    return r.stdout.trim().split('\n').map((l) => l.split(' ')[1]);
  }

  /** Freezes the whole VM (its network stack included): connects then time out. */
  pause(): void { process.kill(this.pid, 'SIGSTOP'); }
  resume(): void { process.kill(this.pid, 'SIGCONT'); }

  /** Shuts the guest down cleanly (disk consistent) and waits for qemu to exit. */
  async powerOff(): Promise<void> {
    await this.agent.exec('sync; (sleep 1; systemctl poweroff) >/dev/null 2>&1 &', 30_000).catch(() => undefined);
    const deadline = Date.now() + 90_000;
    while (this.running && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    if (this.running) this.killSync();
  }

  /** The VM's own disk (an overlay), e.g. to keep it as a prepared image. */
  get diskPath(): string { return join(this.dir, 'run.qcow2'); }

  async stop(): Promise<void> {
    this.killSync();
    const deadline = Date.now() + 10_000;
    while (this.running && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Whether this VM's qemu still runs (checked by command line: its pid may since name another process). */
  get running(): boolean { return isRunQemu(this.pid, this.dir); }

  private killSync(): void {
    if (!this.running) return;
    try { process.kill(this.pid, 'SIGCONT'); } catch { /* already gone */ }
    try { process.kill(this.pid, 'SIGKILL'); } catch { /* already gone */ }
  }
}

