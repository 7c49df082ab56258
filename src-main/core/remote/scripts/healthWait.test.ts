// The health gate's wait, run by bash against real sockets on this machine: what an app on the
// loopback port answers is hostile input, so besides 200/503/500 it meets an app that accepts and
// never answers, one that floods a line without end, and one that hangs up at once.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { wrapScript } from '../../ssh/exec';
import { healthWait } from './healthWait';

const closers: (() => void)[] = [];
afterEach(() => { while (closers.length) closers.pop()!(); });

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => server.close());
  return (server.address() as net.AddressInfo).port;
}

/** An app answering the next status of `codes` on each request (the last one once they run out). */
function app(codes: number[]): Promise<number> {
  let i = 0;
  return listen(http.createServer((req, res) => {
    const code = codes[Math.min(i++, codes.length - 1)];
    res.writeHead(code, { 'content-type': 'application/json' }).end(req.url === '/api/health' ? '{}' : 'wrong path');
  }));
}

/** A port nobody listens on. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  const port = await listen(s);
  s.close();
  return port;
}

/** Runs the wait with a stand-in systemctl whose NRestarts goes through `restarts` (the last one once they run out). */
function wait(port: number, timeoutS: number, restarts: number[] = [0]): Promise<{ status: number | null; stdout: string; stderr: string; seconds: number }> {
  const bin = mkdtempSync(path.join(os.tmpdir(), 'skiff-health-'));
  writeFileSync(path.join(bin, 'restarts'), restarts.join('\n') + '\n');
  const pop = `f=${bin}/restarts; l=$(head -n1 $f); [ "$(wc -l < $f)" -gt 1 ] && sed -i 1d $f; printf '%s\\n' "$l"`;
  writeFileSync(path.join(bin, 'systemctl'), `#!/bin/bash\n[ "$*" = "show -p NRestarts --value skiff-web.service" ] || exit 9\n${pop}\n`, { mode: 0o755 });
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('bash', ['-s'], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (status) => resolve({ status, stdout, stderr, seconds: (Date.now() - started) / 1000 }));
    child.stdin.end(wrapScript(healthWait('web', port, timeoutS).text));
  });
}

describe('the health wait', () => {
  it('passes on the first 200, after a refused port and a 503', async () => {
    const port = await closedPort();
    const later = new Promise<number>((resolve) => setTimeout(() => resolve(0), 300));
    const run = wait(port, 30);
    await later;
    // The app comes up on that port a moment after the wait began, answering 503 once.
    let n = 0;
    const s = http.createServer((_req, res) => res.writeHead(n++ === 0 ? 503 : 200).end('{}'));
    await new Promise<void>((resolve) => s.listen(port, '127.0.0.1', resolve));
    closers.push(() => s.close());
    const r = await run;
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/healthy: \/api\/health answered 200 after \d+ ms/);
    expect(n).toBe(2);
  });

  it('gives up at once when systemd has restarted the app twice since the wait began, not after the timeout', async () => {
    // NRestarts starts at 3 (an explicit restart does not always zero it): two more than that fail it.
    const r = await wait(await closedPort(), 60, [3, 3, 4, 5]);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/unhealthy: the app exited 2 times since it was started/);
    expect(r.seconds).toBeLessThan(30);
  });

  it('gives up after the timeout when the app stays up but never answers 200', async () => {
    const r = await wait(await app([500]), 1);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/unhealthy: \/api\/health answered 500 for 1 s/);
  });

  it('is not held by an app that accepts and never answers: it gives up at the timeout', async () => {
    const port = await listen(net.createServer(() => { /* never answers */ }));
    const r = await wait(port, 1);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/answered nothing for 1 s/);
    expect(r.seconds).toBeLessThan(8);
  });

  it('reads no more than a status line from an app that floods one without end, and prints nothing of it', async () => {
    const port = await listen(net.createServer((sock) => { sock.on('error', () => {}); sock.write(`HTTP/1.1 $(reboot) ${'A'.repeat(1 << 20)}`); }));
    const r = await wait(port, 1);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/answered nothing for 1 s/);
    expect(r.stderr + r.stdout).not.toMatch(/reboot|AAAA/);
  });

  it('survives an app that hangs up before the request is written', async () => {
    const port = await listen(net.createServer((sock) => { sock.resetAndDestroy(); }));
    const r = await wait(port, 1);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/answered nothing for 1 s/);
  });
});
