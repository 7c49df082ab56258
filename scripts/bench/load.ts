// A steady load through Caddy (wrk from Debian); stop() ends it and reports the failures.
import { spawn } from 'node:child_process';

export function startLoad(port: number, host: string, pathname = '/api/health') {
  // A request held by Caddy while the app restarts is slow, not failed: allow 30 s before wrk gives up.
  const wrk = spawn('wrk', ['-t1', '-c4', '-d900s', '--timeout', '30s', '-H', `Host: ${host}`, `http://127.0.0.1:${port}${pathname}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  wrk.stdout.on('data', (d) => (out += d));
  return {
    stop: () => new Promise<{ total: number; failed: number; detail: string }>((resolve) => {
      wrk.on('close', () => {
        const total = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
        const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
        const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
        const socketErrors = sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
        resolve({ total, failed: non2xx + socketErrors, detail: `${non2xx} non-2xx, ${socketErrors} socket errors` });
      });
      wrk.kill('SIGINT');
    }),
  };
}
