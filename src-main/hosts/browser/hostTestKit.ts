// Test support for the browser host's tests (not shipped: nothing outside tests imports it): a real
// host on a real core in temp folders, and clients that can send exactly the headers a test wants.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { createCore, type SkiffCore } from '../../core/skiffCore';
import type { Vault } from '../../core/vault/vault';
import { startBrowserHost, type BrowserHost } from './server';

/** No OS keychain in unit tests: host.info must not wait on one. */
export const noVault: Vault = { get: async () => null, set: async () => {}, delete: async () => {}, probe: async () => ({ available: false }) };

export interface TestHost {
  host: BrowserHost;
  core: SkiffCore;
  dataDir: string;
  /** `http://127.0.0.1:<port>`, the page's own origin. */
  origin: string;
  stop(): Promise<void>;
}

export async function startTestHost(): Promise<TestHost> {
  const renderer = mkdtempSync(path.join(os.tmpdir(), 'skiff-renderer-'));
  mkdirSync(path.join(renderer, 'assets'));
  writeFileSync(path.join(renderer, 'index.html'), '<html><head><title>t</title></head><body></body></html>');
  writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log(1)');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-data-'));
  const core = createCore({ dataDir, vault: noVault });
  const host = await startBrowserHost({ core, rendererDir: renderer, version: '0.0.0-test' });
  return {
    host,
    core,
    dataDir,
    origin: `http://127.0.0.1:${host.port}`,
    stop: async () => {
      await host.close();
      core.close();
    },
  };
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One HTTP request with exactly these headers (fetch would not let a test set Host). */
export function request(port: number, opts: { method?: string; path: string; headers?: OutgoingHttpHeaders; body?: Buffer | string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: OutgoingHttpHeaders = { host: `127.0.0.1:${port}`, ...opts.headers };
    const req = httpRequest({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers, agent: false, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(opts.body);
  });
}

export function openWs(url: string, opts: { origin?: string; headers?: Record<string, string> } = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { ...(opts.origin ? { origin: opts.origin } : {}), headers: opts.headers, handshakeTimeout: 5000 });
    ws.once('open', () => {
      ws.on('error', () => {}); // a socket the host closes mid-test must not fail the run by itself
      resolve(ws);
    });
    ws.once('unexpected-response', (_req, res) => {
      reject(new Error(`HTTP ${res.statusCode}`));
      res.resume();
    });
    ws.once('error', reject);
  });
}

let nextId = 1;

/** A contract call over an open socket; resolves with the `result` of the answer carrying its id. */
export function invoke(ws: WebSocket, method: string, input: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    const id = nextId++;
    const onMessage = (d: WebSocket.RawData) => {
      const m = JSON.parse(String(d)) as { id?: unknown; result?: unknown };
      if (m.id !== id) return;
      ws.off('message', onMessage);
      resolve(m.result);
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, method, input }));
  });
}

/** The next answer on the socket, whatever its id (for messages sent without a usable one). */
export function nextMessage(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) => ws.once('message', (d) => resolve(JSON.parse(String(d)) as Record<string, unknown>)));
}
