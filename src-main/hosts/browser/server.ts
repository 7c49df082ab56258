// The browser host: serves the built renderer and runs the same handlers as Electron over a
// WebSocket. Loopback only; every WebSocket must carry the random session token and come from
// the page's own origin.
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse, type Server as HttpServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SkiffCore } from '../../core/skiffCore';
import { createHandlers, dispatch } from '../../handlers/index';
import { BRIDGE_CLIENT_JS } from './bridgeClient';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.woff2': 'font/woff2', '.json': 'application/json', '.ico': 'image/x-icon',
};

const MAX_STAGE_BYTES = 1024 * 1024 * 1024;

export interface BrowserHost {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export interface BrowserHostOptions {
  core: SkiffCore;
  rendererDir: string;
  port?: number;
  version: string;
}

export async function startBrowserHost(opts: BrowserHostOptions): Promise<BrowserHost> {
  const token = randomBytes(24).toString('base64url');
  const handlers = createHandlers(opts.core, { host: 'browser', version: opts.version });
  const indexPath = path.join(opts.rendererDir, 'index.html');
  if (!existsSync(indexPath)) throw new Error(`No built renderer at ${opts.rendererDir}; run \`npm run build\` first.`);
  // The bridge must run before the renderer's module script.
  const indexHtml = readFileSync(indexPath, 'utf8').replace('<head>', '<head>\n    <script src="/skiff-bridge.js"></script>');

  const stageDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-stage-'));
  const http: HttpServer = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/stage' && req.method === 'POST') return void stageUpload(req, res, url);
    if (url.pathname === '/skiff-bridge.js') {
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
      return res.end(BRIDGE_CLIENT_JS);
    }
    if (url.pathname === '/' || url.pathname === '/index.html') {
      res.writeHead(200, { 'content-type': MIME['.html'], 'cache-control': 'no-store' });
      return res.end(indexHtml);
    }
    const file = path.normalize(path.join(opts.rendererDir, decodeURIComponent(url.pathname)));
    if (!file.startsWith(opts.rendererDir + path.sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });

  /** Receives a file the page picked (token-checked, size-capped) and answers with its local path. */
  async function stageUpload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (url.searchParams.get('token') !== token || req.headers.origin !== `http://${req.headers.host}`) {
      res.writeHead(403).end();
      return;
    }
    const name = (url.searchParams.get('name') ?? 'upload.zip').replace(/[^A-Za-z0-9._ ()-]/g, '_').slice(0, 200) || 'upload.zip';
    const dir = mkdtempSync(path.join(stageDir, 'f-'));
    const file = path.join(dir, name);
    let size = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _e, cb) {
        size += chunk.length;
        cb(size > MAX_STAGE_BYTES ? new Error('too large') : null, chunk);
      },
    });
    try {
      await pipeline(req, limit, createWriteStream(file));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: file }));
    } catch {
      rmSync(dir, { recursive: true, force: true });
      res.writeHead(413).end();
    }
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  http.on('upgrade', (req: IncomingMessage, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = req.headers.origin ?? '';
    const host = req.headers.host ?? '';
    if (url.pathname !== '/ws' || url.searchParams.get('token') !== token || origin !== `http://${host}`) {
      socket.write('HTTP/1.1 403 Forbidden\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws));
  });

  const clients = new Set<WebSocket>();
  const unsubscribe = opts.core.events.subscribe((event, payload) => {
    const msg = JSON.stringify({ kind: 'event', event, payload });
    for (const ws of clients) ws.send(msg);
  });
  wss.on('connection', (ws) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    ws.on('message', async (data) => {
      let msg: { id?: unknown; method?: unknown; input?: unknown };
      try { msg = JSON.parse(String(data)); } catch { return; }
      const result = await dispatch(handlers, msg.method, msg.input);
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ kind: 'result', id: msg.id, result }));
    });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (http.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      unsubscribe();
      for (const ws of clients) ws.terminate();
      wss.close();
      await new Promise<void>((r) => http.close(() => r()));
      rmSync(stageDir, { recursive: true, force: true });
    },
  };
}
