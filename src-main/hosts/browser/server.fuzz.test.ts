// A bounded, seeded barrage against a real browser host on a real core: malformed targets, huge
// headers, wrong Host/Origin/token, bad WebSocket upgrades and frames, aborted uploads. Every
// answer is a 4xx (or a closed socket), nothing is logged as a server error, and afterwards the
// page and a WebSocket call still work. All traffic stays on 127.0.0.1.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type WebSocket from 'ws';
import { invoke, nextMessage, openWs, request, startTestHost, type TestHost } from './hostTestKit';

const SEED = Number(process.env.SKIFF_FUZZ_SEED ?? 20260501);
const RAW_CASES = 300;
const WS_MESSAGES = 80;
const CONCURRENCY = 16;

let t: TestHost;
let port: number;
let errors: ReturnType<typeof vi.spyOn>;

beforeAll(async () => {
  t = await startTestHost();
  port = t.host.port;
  errors = vi.spyOn(console, 'error');
});

afterAll(async () => {
  errors.mockRestore();
  await t.stop();
});

/** mulberry32: a small seeded generator, so a failure replays with the same SKIFF_FUZZ_SEED. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const randomBytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));

interface RawAnswer {
  status?: number;
  timedOut: boolean;
}

/** Writes bytes on a fresh TCP connection, half-closes (or aborts), and reads the status line. */
function raw(chunks: (string | Buffer)[], opts: { abort?: boolean; timeoutMs?: number } = {}): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let got = '';
    let done = false;
    const finish = (timedOut = false) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(got);
      resolve({ status: m ? Number(m[1]) : undefined, timedOut });
    };
    const timer = setTimeout(() => finish(true), opts.timeoutMs ?? 5000);
    socket.on('data', (d: Buffer) => { got += d.toString('latin1'); });
    socket.on('error', () => finish());
    socket.on('close', () => finish());
    socket.on('connect', () => {
      for (const c of chunks) socket.write(c);
      if (opts.abort) socket.write('', () => finish());
      else socket.end();
    });
  });
}

async function inBatches<T>(items: T[], run: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += CONCURRENCY) await Promise.all(items.slice(i, i + CONCURRENCY).map(run));
}

// --- The pieces requests are made of: the good one first, then bad ones -----------------------------

const goodHost = () => `127.0.0.1:${port}`;
const goodOrigin = () => `http://127.0.0.1:${port}`;
const badHosts = () => ['evil.example', `evil.example:${port}`, '127.0.0.1', `127.0.0.1:${port + 1}`, `localhost:${port}.evil.example`, '', 'x'.repeat(300), `[::1]:${port}`, `127.0.0.1:${port}\tx`];
const badOrigins = () => ['http://evil.example', 'null', '', `https://127.0.0.1:${port}`, `http://127.0.0.1:${port + 1}`, `http://127.0.0.1:${port}.evil.example`, `${goodOrigin()}, http://evil.example`];
const badTokens = () => ['', 'x', '%', '%E0%A4%A', t.host.token.slice(0, -1), `${t.host.token}x`, t.host.token.toUpperCase(), `${t.host.token.slice(0, -1)}%00`, 'a'.repeat(5000)];
const badPaths = [
  // Dot segments are resolved as any URL's (`/..` is `/`, served): these ones lead nowhere Skiff serves.
  '/%E0%A4%A', '/%', '/%zz', '/%00', '/a%00b', '/assets/%00', '/../nope', '/../../etc/passwd', '/assets/../../etc/passwd', '/assets/..%2f..%2fetc%2fpasswd',
  '/%2e%2e/%2e%2e/etc/passwd', '/%C0%AE%C0%AE/', '//', '/\\..\\..\\x', '/nope.js', `/${'a'.repeat(4000)}`, `/${'%41'.repeat(1500)}`,
  `/assets/${'../'.repeat(300)}etc/passwd`, '/index.html/..%00', '/%uD800', '/%FF%FE',
];

/** One HTTP request with at least one defect (so it deserves a 4xx), the rest random. */
function badRequest(): string {
  const defect = pick(['path', 'host', 'origin', 'method', 'token'] as const);
  const route = pick(['static', 'stage', 'ws'] as const);
  const host = defect === 'host' ? pick(badHosts()) : goodHost();
  const hostLine = defect === 'host' && rand() < 0.2 ? '' : `Host: ${host}\r\n`; // sometimes no Host at all
  const origin = defect === 'origin' ? pick(badOrigins()) : route === 'static' && rand() < 0.5 ? undefined : goodOrigin();
  const token = defect === 'token' ? pick(badTokens()) : t.host.token;
  let target = defect === 'path' ? pick(badPaths) : route === 'static' ? pick(['/', '/index.html', '/assets/app.js', '/skiff-bridge.js']) : `/${route}`;
  let method = route === 'stage' ? 'POST' : 'GET';
  if (defect === 'method') {
    method = pick(['PUT', 'DELETE', 'PATCH', 'BREW', 'G\x00T', 'get']);
    if (route === 'stage') method = pick(['GET', 'PUT', 'BREW']);
  }
  if (route !== 'static' && defect !== 'path') target += `?token=${token}&name=${pick(['a.zip', '..', '%', ''])}`;
  if (defect === 'token' && route === 'static') target = `/stage?token=${token}`; // a token only matters where one is asked
  const upgrade = route === 'ws' && method === 'GET' ? 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' : 'Connection: close\r\n';
  const body = method === 'POST' || method === 'PUT' ? 'payload' : '';
  const originLine = origin === undefined ? '' : `Origin: ${origin}\r\n`;
  return `${method} ${target} HTTP/1.1\r\n${hostLine}${originLine}${upgrade}Content-Length: ${body.length}\r\n\r\n${body}`;
}

function garbage(): string | Buffer {
  return pick([
    () => randomBytes(1 + Math.floor(rand() * 2000)),
    () => 'GET / HTTP/9.9\r\n\r\n',
    () => 'GET /\r\n\r\n',
    () => '\r\n\r\n\r\n',
    () => `GET / HTTP/1.1\r\nHost: ${goodHost()}\r\nContent-Length: -1\r\n\r\n`,
    () => `GET / HTTP/1.1\r\nHost: ${goodHost()}\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n`,
    () => `POST /stage HTTP/1.1\r\nHost: ${goodHost()}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`,
    () => `GET / HTTP/1.1\r\nHost: ${goodHost()}\r\nBad Header\r\n\r\n`,
    () => `GET / HTTP/1.1\r\nHost: ${goodHost()}\r\n${'X-Big: '.concat('a'.repeat(20_000))}\r\n\r\n`,
  ])();
}

describe('the browser host under a barrage', () => {
  it('answers every bad request with a 4xx or a closed socket, and logs no server error', async () => {
    const cases: { name: string; chunks: (string | Buffer)[]; garbage: boolean }[] = [];
    for (let i = 0; i < RAW_CASES; i++) {
      if (rand() < 0.7) {
        const r = badRequest();
        cases.push({ name: JSON.stringify(r.slice(0, 200)), chunks: [r], garbage: false });
      } else {
        const g = garbage();
        cases.push({ name: typeof g === 'string' ? JSON.stringify(g.slice(0, 120)) : `${g.length} random bytes`, chunks: [g], garbage: true });
      }
    }
    // Huge headers: Node's own limit (16 KiB) answers 431 before Skiff sees anything.
    cases.push({ name: 'huge header', chunks: [`GET / HTTP/1.1\r\nHost: ${goodHost()}\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`], garbage: false });

    const failures: string[] = [];
    await inBatches(cases, async (c) => {
      const a = await raw(c.chunks);
      if (a.timedOut) failures.push(`no answer and no close: ${c.name}`);
      else if (a.status === undefined ? !c.garbage : a.status < 400 || a.status > 499) failures.push(`HTTP ${a.status ?? 'none'}: ${c.name}`);
    });
    expect(failures).toEqual([]);
    const huge = await raw([`GET / HTTP/1.1\r\nHost: ${goodHost()}\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`]);
    expect(huge.status).toBe(431);
    expect(errors).not.toHaveBeenCalled();
  }, 60_000);

  it('answers bad requests sent by an ordinary HTTP client with a 4xx', async () => {
    const token = t.host.token;
    const asks: { path: string; method?: string; headers?: Record<string, string>; body?: string }[] = [];
    // Node's client replaces an empty Host with its own, and refuses a tab: the raw barrage covers those.
    for (const host of badHosts().filter((h) => h && !/[\t]/.test(h))) asks.push({ path: '/', headers: { host } }, { path: '/assets/app.js', headers: { host } });
    for (const origin of badOrigins()) asks.push({ path: '/', headers: { origin } }, { path: `/stage?token=${token}`, method: 'POST', headers: { origin }, body: 'x' });
    for (const bad of badTokens()) asks.push({ path: `/stage?token=${encodeURIComponent(bad)}`, method: 'POST', headers: { origin: goodOrigin() }, body: 'x' });
    asks.push({ path: `/stage?token=${token}`, method: 'POST', body: 'x' }); // no Origin
    for (const p of badPaths) asks.push({ path: p.replace(/[\\]/g, '%5C') });
    const failures: string[] = [];
    await inBatches(asks, async (a) => {
      const res = await request(port, a).catch((e: Error) => ({ status: -1, body: e.message }));
      if (res.status < 400 || res.status > 499) failures.push(`HTTP ${res.status} for ${JSON.stringify(a).slice(0, 200)}`);
    });
    expect(failures).toEqual([]);
    expect(errors).not.toHaveBeenCalled();
  }, 60_000);

  it('refuses WebSocket upgrades with a bad token, Host or Origin', async () => {
    const url = (token: string) => `ws://127.0.0.1:${port}/ws?token=${encodeURIComponent(token)}`;
    const failures: string[] = [];
    const tries: { token: string; origin?: string; host?: string; want: RegExp }[] = [
      ...badTokens().map((token) => ({ token, origin: goodOrigin(), want: /HTTP 403/ })),
      ...badOrigins().filter((o) => o !== '').map((origin) => ({ token: t.host.token, origin, want: /HTTP 403/ })),
      { token: t.host.token, want: /HTTP 403/ },
      ...badHosts().filter((h) => h && !/[\t]/.test(h)).map((host) => ({ token: t.host.token, origin: goodOrigin(), host, want: /HTTP 421/ })),
    ];
    await inBatches(tries, async (x) => {
      const got = await openWs(url(x.token), { origin: x.origin, headers: x.host ? { host: x.host } : undefined }).then(
        (ws) => { ws.close(); return 'open'; },
        (e: Error) => e.message,
      );
      if (!x.want.test(got)) failures.push(`${got} for ${JSON.stringify(x).slice(0, 200)}`);
    });
    expect(failures).toEqual([]);
  }, 30_000);

  it('answers bad messages on an accepted WebSocket, and survives odd frames', async () => {
    const ws = await openWs(`ws://127.0.0.1:${port}/ws?token=${t.host.token}`, { origin: goodOrigin() });
    const shapes: (() => string | Buffer)[] = [
      () => randomBytes(1 + Math.floor(rand() * 200)).toString('latin1'),
      () => randomBytes(1 + Math.floor(rand() * 200)),
      () => pick(['', 'null', 'true', '0', '"x"', '[]', '{}', '[1,2]', '{"id":1}', '{"id":null,"method":"host.info"}', '{"id":1e400}', '{"__proto__":{"id":1}}']),
      () => '['.repeat(10_000) + ']'.repeat(10_000),
      () => JSON.stringify({ id: Math.floor(rand() * 1e6), method: pick(['no.such', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'servers.get', 'host.info']), input: pick([null, 1, 'x', [], { id: '../x' }, { a: 'b'.repeat(1000) }]) }),
      () => 'x'.repeat(500_000),
    ];
    for (let i = 0; i < WS_MESSAGES; i++) {
      const msg = pick(shapes)();
      const answer = nextMessage(ws);
      ws.send(msg, { binary: Buffer.isBuffer(msg) });
      const a = await Promise.race([answer, new Promise<null>((r) => setTimeout(() => r(null), 5000))]);
      expect(a, `no answer to ${JSON.stringify(String(msg).slice(0, 80))}`).toMatchObject({ kind: 'result' });
    }
    ws.close();

    // Frames no browser sends: each closes that one socket (ws answers with a close code).
    const odd = [
      Buffer.from([0x83, 0x80, 1, 2, 3, 4]), // reserved opcode
      Buffer.from([0x81, 0x05, 0x68, 0x65, 0x6c, 0x6c, 0x6f]), // unmasked client frame
      Buffer.from([0xc1, 0x80, 1, 2, 3, 4]), // RSV1 without an extension
      Buffer.from([0x09, 0x80, 1, 2, 3, 4]), // fragmented ping
      Buffer.from([0x81, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4]), // absurd length
      Buffer.from([0x81, 0x82, 0, 0, 0, 0, 0xc3, 0x28]), // invalid UTF-8 text
    ];
    for (const frame of odd) {
      const s = await openWs(`ws://127.0.0.1:${port}/ws?token=${t.host.token}`, { origin: goodOrigin() });
      const closed = new Promise<void>((r) => s.once('close', () => r()));
      (s as unknown as { _socket: { write(b: Buffer): void } })._socket.write(frame);
      await closed;
    }
    expect(errors).not.toHaveBeenCalled();
  }, 60_000);

  it('cleans up aborted uploads and never touches files outside the stage dir', async () => {
    const token = t.host.token;
    const head = (len: number, extra = '') => `POST /stage?token=${token}&name=a.zip HTTP/1.1\r\nHost: ${goodHost()}\r\nOrigin: ${goodOrigin()}\r\n${extra}Content-Length: ${len}\r\n\r\n`;
    const aborts: (string | Buffer)[][] = [];
    for (let i = 0; i < 20; i++) aborts.push([head(100_000), randomBytes(Math.floor(rand() * 50_000))]);
    for (let i = 0; i < 5; i++) aborts.push([head(0, 'Transfer-Encoding: chunked\r\n').replace('Content-Length: 0\r\n', ''), '10\r\n0123456789']);
    await inBatches(aborts, async (chunks) => { await raw(chunks, { abort: true }); });
    // Half-closed mid-body: the host sees the end of the stream, refuses, and cleans up.
    const halfClosed = await raw([head(100_000), 'short']);
    expect(halfClosed.timedOut).toBe(false);
    if (halfClosed.status !== undefined) expect(halfClosed.status).toBe(400);

    // The removal runs once the host noticed each abort: give it a moment.
    for (let i = 0; i < 50 && readdirSync(t.host.stageDir).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(readdirSync(t.host.stageDir)).toEqual([]);

    // versions.add with paths that only look staged must not remove anything outside the stage dir.
    const outside = mkdtempSync(path.join(os.tmpdir(), 'skiff-canary-'));
    mkdirSync(path.join(outside, 'f-canary'));
    writeFileSync(path.join(outside, 'f-canary', 'x.zip'), 'x');
    const ws = await openWs(`ws://127.0.0.1:${port}/ws?token=${token}`, { origin: goodOrigin() });
    const rel = path.relative(t.host.stageDir, path.join(outside, 'f-canary', 'x.zip'));
    for (const p of [path.join(outside, 'f-canary', 'x.zip'), `${t.host.stageDir}/f-x/../${rel}`, t.host.stageDir, `${t.host.stageDir}/..`]) {
      expect(await invoke(ws, 'versions.add', { path: p }), p).toMatchObject({ ok: false });
    }
    ws.close();
    expect(existsSync(path.join(outside, 'f-canary', 'x.zip'))).toBe(true);
    expect(existsSync(t.host.stageDir)).toBe(true);
  }, 60_000);

  it('still serves the page and a WebSocket call afterwards', async () => {
    const page = await request(port, { path: '/index.html', headers: { host: goodHost() } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('/skiff-bridge.js');
    const ws: WebSocket = await openWs(`ws://127.0.0.1:${port}/ws?token=${t.host.token}`, { origin: goodOrigin() });
    expect(await invoke(ws, 'host.info', {})).toMatchObject({ ok: true, value: { host: 'browser', version: '0.0.0-test' } });
    ws.close();
    expect(errors).not.toHaveBeenCalled();
  });
});
