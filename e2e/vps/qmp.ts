// The QEMU monitor (QMP) of a test VM, for what only qemu itself can do: stop the VM and write its
// running state to a file (bootedState.ts).
import { createConnection } from 'node:net';
import { onJsonLines } from './jsonLines.js';

interface QmpMessage { return?: unknown; error?: { class: string; desc: string }; event?: string; QMP?: unknown }

/** Sends the commands in order on one connection; resolves with their return values. */
export function qmp(socketPath: string, commands: { execute: string; arguments?: object }[], timeoutMs = 30_000): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const sock = createConnection(socketPath);
    const results: unknown[] = [];
    const queue = [{ execute: 'qmp_capabilities' }, ...commands];
    let greeted = false;
    const timer = setTimeout(() => { sock.destroy(); reject(new Error('qemu monitor did not answer')); }, timeoutMs);
    const fail = (e: Error) => { clearTimeout(timer); sock.destroy(); reject(e); };
    const next = () => {
      const cmd = queue.shift();
      if (!cmd) { clearTimeout(timer); sock.end(); resolve(results.slice(1)); return; }
      sock.write(`${JSON.stringify(cmd)}\n`);
    };
    sock.on('error', fail);
    onJsonLines(sock, (m) => {
      const msg = m as QmpMessage;
      if (msg.event) return;
      if (!greeted) { greeted = true; next(); return; }
      if (msg.error) { fail(new Error(`qemu monitor: ${msg.error.desc}`)); return; }
      results.push(msg.return);
      next();
    });
  });
}
