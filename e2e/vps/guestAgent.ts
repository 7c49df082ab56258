// The harness's own way into the VM: the QEMU guest agent over a virtio-serial socket, like a
// provider's console. It needs no network, no sshd and no login, so tests can still inspect and
// repair a server that hardening, a firewall or a fail2ban ban has closed to SSH.
import { createConnection } from 'node:net';
import { onJsonLines } from './jsonLines.js';

interface QgaReply { return?: unknown; error?: { class: string; desc: string } }

function request(socketPath: string, commands: object[], timeoutMs: number): Promise<QgaReply[]> {
  return new Promise((resolve, reject) => {
    const sock = createConnection(socketPath);
    const replies: QgaReply[] = [];
    const timer = setTimeout(() => { sock.destroy(); reject(new Error('guest agent did not answer')); }, timeoutMs);
    sock.on('error', (e) => { clearTimeout(timer); reject(e); });
    onJsonLines(sock, (msg) => {
      replies.push(msg as QgaReply);
      if (replies.length === commands.length) { clearTimeout(timer); sock.end(); resolve(replies); }
    });
    // guest-sync-delimited first: it discards anything stale left in the channel.
    sock.write(commands.map((c) => JSON.stringify(c)).join('\n') + '\n');
  });
}

export class GuestAgent {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly socketPath: string) {}

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async call(cmd: object, timeoutMs = 10_000): Promise<unknown> {
    const id = Math.floor(Math.random() * 1e9);
    const [sync, reply] = await request(this.socketPath, [{ execute: 'guest-sync', arguments: { id } }, cmd], timeoutMs);
    if ((sync.return as number) !== id) throw new Error('guest agent out of sync');
    if (reply.error) throw new Error(`guest agent: ${reply.error.desc}`);
    return reply.return;
  }

  ping(): Promise<boolean> {
    return this.serial(() => this.call({ execute: 'guest-ping' }, 3_000).then(() => true, () => false));
  }

  /** Runs a bash script as root in the guest; resolves with its exit code and output. */
  exec(script: string, timeoutMs = 300_000): Promise<{ code: number; stdout: string; stderr: string }> {
    return this.serial(async () => {
      const started = (await this.call({
        execute: 'guest-exec',
        arguments: {
          path: '/bin/bash', arg: ['-s'], 'capture-output': true,
          'input-data': Buffer.from(script).toString('base64'),
          env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root', 'LANG=C.UTF-8'],
        },
      })) as { pid: number };
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const st = (await this.call({ execute: 'guest-exec-status', arguments: { pid: started.pid } })) as {
          exited: boolean; exitcode?: number; signal?: number; 'out-data'?: string; 'err-data'?: string;
        };
        if (st.exited) {
          return {
            code: st.exitcode ?? 128 + (st.signal ?? 0),
            stdout: Buffer.from(st['out-data'] ?? '', 'base64').toString('utf8'),
            stderr: Buffer.from(st['err-data'] ?? '', 'base64').toString('utf8'),
          };
        }
        if (Date.now() > deadline) throw new Error(`guest command still running after ${timeoutMs / 1000} s`);
        await new Promise((r) => setTimeout(r, 150));
      }
    });
  }
}
