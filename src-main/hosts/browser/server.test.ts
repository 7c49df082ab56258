// The browser host's doors: loopback only, the right Host, the page's origin, the session token;
// malformed input answered, never thrown; staged uploads removed once used.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildVersionZip } from '../../../e2e/fixtures/versionZip';
import { createDoors, parseMessage, stageName, stagedFolderOf, STAGE_STALE_MS } from './server';
import { invoke, nextMessage, openWs, request, startTestHost, type TestHost } from './hostTestKit';

let t: TestHost;
let port: number;

beforeAll(async () => {
  t = await startTestHost();
  port = t.host.port;
});

afterAll(async () => {
  await t.stop();
});

const wsUrl = (token: string) => `ws://127.0.0.1:${port}/ws?token=${encodeURIComponent(token)}`;

describe('browser host', () => {
  it('listens on 127.0.0.1 only and serves the renderer with the bridge injected', async () => {
    expect(t.host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    const html = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(html).toContain('<script src="/skiff-bridge.js"></script>');
    expect(await (await fetch(`http://127.0.0.1:${port}/skiff-bridge.js`)).text()).toContain('window.skiff');
    expect((await fetch(`http://127.0.0.1:${port}/assets/app.js`)).status).toBe(200);
    expect((await fetch(`http://localhost:${port}/assets/app.js`)).status).toBe(200);
  });

  it('does not serve files outside the renderer', async () => {
    expect((await request(port, { path: '/assets/..%2f..%2f..%2fetc%2fpasswd' })).status).toBe(404);
    expect((await request(port, { path: '/../../../etc/passwd' })).status).toBe(404);
    expect((await request(port, { path: '/assets' })).status).toBe(404);
  });

  it('answers malformed paths 400 and keeps serving', async () => {
    expect((await request(port, { path: '/%E0%A4%A' })).status).toBe(400);
    expect((await request(port, { path: '/assets/%00app.js' })).status).toBe(400);
    expect((await request(port, { path: '*', method: 'OPTIONS' })).status).toBe(400);
    expect((await request(port, { path: '/' })).status).toBe(200);
  });

  it('answers only as 127.0.0.1 or localhost on its own port (421 otherwise), even for public files', async () => {
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${port + 1}`, '127.0.0.1', `127.0.0.1:${port}.evil.example`, `[::1]:${port}`]) {
      expect((await request(port, { path: '/', headers: { host } })).status, host).toBe(421);
      expect((await request(port, { path: '/assets/app.js', headers: { host } })).status, host).toBe(421);
      await expect(openWs(wsUrl(t.host.token), { origin: t.origin, headers: { host } }), host).rejects.toThrow(/421/);
    }
    expect((await request(port, { path: '/', headers: { host: `localhost:${port}` } })).status).toBe(200);
  });

  it('refuses a request from another origin', async () => {
    expect((await request(port, { path: '/assets/app.js', headers: { origin: 'http://evil.example' } })).status).toBe(403);
    expect((await request(port, { path: '/assets/app.js', headers: { origin: 'null' } })).status).toBe(403);
    expect((await request(port, { path: '/assets/app.js', headers: { origin: t.origin } })).status).toBe(200);
    expect((await request(port, { path: '/assets/app.js', headers: { origin: `http://localhost:${port}` } })).status).toBe(200);
  });

  it('refuses WebSockets without the exact token or from another origin', async () => {
    const token = t.host.token;
    for (const bad of ['wrong', '', token.slice(0, -1), `${token}x`, `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`]) {
      await expect(openWs(wsUrl(bad), { origin: t.origin }), bad).rejects.toThrow(/403/);
    }
    await expect(openWs(wsUrl(token), { origin: 'http://evil.example' })).rejects.toThrow(/403/);
    await expect(openWs(wsUrl(token), { origin: `http://127.0.0.1:${port}.evil.example` })).rejects.toThrow(/403/);
    await expect(openWs(wsUrl(token))).rejects.toThrow(/403/);
    await expect(openWs(`ws://127.0.0.1:${port}/other?token=${token}`, { origin: t.origin })).rejects.toThrow(/404/);
    (await openWs(wsUrl(token), { origin: `http://localhost:${port}` })).close();
  });

  it('runs contract calls for the page, validated like the Electron host', async () => {
    const ws = await openWs(wsUrl(t.host.token), { origin: t.origin });
    expect(await invoke(ws, 'servers.list', {})).toEqual({ ok: true, value: [] });
    expect(await invoke(ws, 'shell.exec', { cmd: 'id' })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await invoke(ws, 'servers.get', { id: '../../x' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    ws.close();
  });

  it('answers messages that are not calls, and closes only a socket that sends an oversized frame', async () => {
    const ws = await openWs(wsUrl(t.host.token), { origin: t.origin });
    for (const bad of ['not json', 'null', '42', '[]', '{"method":"host.info"}', '{"id":{},"method":"host.info"}']) {
      const answer = nextMessage(ws);
      ws.send(bad);
      expect(await answer, bad).toMatchObject({ kind: 'result', id: null, result: { ok: false, error: { code: 'INVALID_INPUT' } } });
    }
    const binary = nextMessage(ws);
    ws.send(Buffer.from('{"id":1,"method":"host.info"}'), { binary: true });
    expect(await binary).toMatchObject({ id: null, result: { ok: false } });

    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.send('x'.repeat(2 * 1024 * 1024));
    expect(await closed).toBe(1009);
    const again = await openWs(wsUrl(t.host.token), { origin: t.origin });
    expect(await invoke(again, 'host.info', {})).toMatchObject({ ok: true, value: { host: 'browser' } });
    again.close();
  });
});

describe('staged uploads', () => {
  const stage = (query: string, body: Buffer | string, headers: Record<string, string> = { origin: `http://127.0.0.1:${port}` }) =>
    request(port, { method: 'POST', path: `/stage?${query}`, headers: { 'content-type': 'application/octet-stream', ...headers }, body });

  it('needs the token and the page origin', async () => {
    const token = t.host.token;
    expect((await stage(`token=${token}&name=a.zip`, 'x', {})).status).toBe(403);
    expect((await stage(`token=${token}&name=a.zip`, 'x', { origin: 'http://evil.example' })).status).toBe(403);
    expect((await stage(`token=${token.slice(1)}&name=a.zip`, 'x')).status).toBe(403);
    expect((await stage('name=a.zip', 'x')).status).toBe(403);
    expect((await request(port, { path: `/stage?token=${token}` })).status).toBe(405);
    expect((await stage(`token=${token}`, 'x', { origin: t.origin, 'content-length': String(2 * 1024 * 1024 * 1024) })).status).toBe(413);
  });

  it('keeps odd names to one harmless segment', async () => {
    expect(stageName(null)).toBe('upload.zip');
    expect(stageName('..')).toBe('upload.zip');
    expect(stageName('../../etc/x.zip')).toBe('.._.._etc_x.zip');
    const res = await stage(`token=${t.host.token}&name=..`, 'x');
    expect(res.status).toBe(200);
    const file = (JSON.parse(res.body) as { path: string }).path;
    expect(path.basename(file)).toBe('upload.zip');
    expect(stagedFolderOf(t.host.stageDir, file)).toBeDefined();
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('removes the staged file once versions.add has used it, whether it was kept or refused', async () => {
    const ws = await openWs(wsUrl(t.host.token), { origin: t.origin });
    const zip = buildVersionZip(path.join(mkdtempSync(path.join(os.tmpdir(), 'skiff-stage-src-')), 'v.zip'), { label: 'staged' });
    const good = JSON.parse((await stage(`token=${t.host.token}&name=v.zip`, readFileSync(zip))).body) as { path: string };
    const bad = JSON.parse((await stage(`token=${t.host.token}&name=bad.zip`, 'not a zip')).body) as { path: string };
    expect(existsSync(good.path) && existsSync(bad.path)).toBe(true);

    expect(await invoke(ws, 'versions.add', { path: good.path, fileName: 'v.zip' })).toMatchObject({ ok: true });
    expect(existsSync(path.dirname(good.path))).toBe(false);
    expect(await invoke(ws, 'versions.add', { path: bad.path, fileName: 'bad.zip' })).toMatchObject({ ok: false });
    expect(existsSync(path.dirname(bad.path))).toBe(false);
    expect(existsSync(t.host.stageDir)).toBe(true);
    ws.close();
  }, 30_000); // building and inspecting a zip is slow on a loaded machine

  it('sweeps staged files older than an hour on the next upload', async () => {
    const old = path.join(t.host.stageDir, 'f-old');
    mkdirSync(old);
    writeFileSync(path.join(old, 'x.zip'), 'x');
    const past = (Date.now() - STAGE_STALE_MS - 60_000) / 1000;
    utimesSync(old, past, past);
    const fresh = JSON.parse((await stage(`token=${t.host.token}&name=n.zip`, 'x')).body) as { path: string };
    expect(existsSync(old)).toBe(false);
    expect(existsSync(fresh.path)).toBe(true);
    expect(readdirSync(t.host.stageDir)).toContain(path.basename(path.dirname(fresh.path)));
  });

  it('only ever takes a folder directly under the stage dir as a staged upload', () => {
    const dir = path.join(os.tmpdir(), 'skiff-stage-x');
    expect(stagedFolderOf(dir, path.join(dir, 'f-abc', 'v.zip'))).toBe(path.join(dir, 'f-abc'));
    expect(stagedFolderOf(dir, path.join(dir, 'f-abc', 'sub', 'v.zip'))).toBe(path.join(dir, 'f-abc'));
    for (const p of [dir, path.join(dir, 'f-abc'), path.join(dir, 'other', 'v.zip'), `${path.join(dir, 'f-abc')}/../../etc/passwd`, '/etc/passwd', `${dir}-sibling/f-abc/v.zip`, 'relative/f-abc/v.zip']) {
      expect(stagedFolderOf(dir, p), p).toBeUndefined();
    }
  });
});

describe('the doors, as functions', () => {
  const doors = createDoors(4000, 'secret-token');
  const req = (headers: Record<string, string>) => ({ headers }) as unknown as Parameters<typeof doors.hostOk>[0];

  it('compares the token exactly, whatever its length', () => {
    expect(doors.tokenOk('secret-token')).toBe(true);
    for (const bad of [null, '', 'secret-toke', 'secret-tokem', 'secret-token ', 'Secret-token', 'sécret-token']) expect(doors.tokenOk(bad), String(bad)).toBe(false);
  });

  it('takes a missing Origin only where it is not required', () => {
    expect(doors.originOk(req({}), false)).toBe(true);
    expect(doors.originOk(req({}), true)).toBe(false);
    expect(doors.originOk(req({ origin: 'http://localhost:4000' }), true)).toBe(true);
    expect(doors.originOk(req({ origin: 'https://127.0.0.1:4000' }), false)).toBe(false);
    expect(doors.hostOk(req({}))).toBe(false);
    expect(doors.hostOk(req({ host: 'LOCALHOST:4000' }))).toBe(true);
  });

  it('parses a call or says why not', () => {
    expect(parseMessage(Buffer.from('{"id":1,"method":"m","input":{}}'), false)).toEqual({ id: 1, method: 'm', input: {} });
    expect(parseMessage([Buffer.from('{"id":"a",'), Buffer.from('"method":"m"}')], false)).toMatchObject({ id: 'a', method: 'm' });
    expect(parseMessage(Buffer.from('{"id":1}'), true)).toHaveProperty('error');
    expect(parseMessage(Buffer.from('{"id":"' + 'x'.repeat(101) + '"}'), false)).toHaveProperty('error');
  });
});
