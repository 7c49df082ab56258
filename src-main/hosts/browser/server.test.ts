// The browser host's doors: loopback only, the session token and the page's origin required.
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createCore, type SkiffCore } from '../../core/skiffCore';
import { startBrowserHost, type BrowserHost } from './server';

let host: BrowserHost;
let core: SkiffCore;

beforeAll(async () => {
  const renderer = mkdtempSync(path.join(os.tmpdir(), 'skiff-renderer-'));
  mkdirSync(path.join(renderer, 'assets'));
  writeFileSync(path.join(renderer, 'index.html'), '<html><head><title>t</title></head><body></body></html>');
  writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log(1)');
  core = createCore({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'skiff-data-')) });
  host = await startBrowserHost({ core, rendererDir: renderer, version: '0.0.0-test' });
});

afterAll(async () => {
  await host.close();
  core.close();
});

function openWs(url: string, origin?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function invoke(ws: WebSocket, method: string, input: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    const id = Math.floor(Math.random() * 1e9);
    ws.on('message', (d) => { const m = JSON.parse(String(d)); if (m.id === id) resolve(m.result); });
    ws.send(JSON.stringify({ id, method, input }));
  });
}

describe('browser host', () => {
  it('listens on 127.0.0.1 only and serves the renderer with the bridge injected', async () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    const html = await (await fetch(`http://127.0.0.1:${host.port}/`)).text();
    expect(html).toContain('<script src="/skiff-bridge.js"></script>');
    expect(await (await fetch(`http://127.0.0.1:${host.port}/skiff-bridge.js`)).text()).toContain('window.skiff');
    expect((await fetch(`http://127.0.0.1:${host.port}/assets/app.js`)).status).toBe(200);
  });

  it('does not serve files outside the renderer', async () => {
    const res = await fetch(`http://127.0.0.1:${host.port}/assets/..%2f..%2f..%2fetc%2fpasswd`);
    expect(res.status).toBe(404);
  });

  it('refuses WebSockets without the token or from another origin', async () => {
    const base = `ws://127.0.0.1:${host.port}/ws`;
    const origin = `http://127.0.0.1:${host.port}`;
    await expect(openWs(`${base}?token=wrong`, origin)).rejects.toThrow(/403/);
    await expect(openWs(`${base}?token=${host.token}`, 'http://evil.example')).rejects.toThrow(/403/);
    await expect(openWs(`${base}?token=${host.token}`)).rejects.toThrow(/403/);
  });

  it('runs contract calls for the page, validated like the Electron host', async () => {
    const ws = await openWs(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, `http://127.0.0.1:${host.port}`);
    expect(await invoke(ws, 'servers.list', {})).toEqual({ ok: true, value: [] });
    expect(await invoke(ws, 'shell.exec', { cmd: 'id' })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await invoke(ws, 'servers.get', { id: '../../x' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    ws.close();
  });
});
