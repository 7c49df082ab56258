// The browser host: serves the built renderer and runs the same handlers as Electron over a
// WebSocket. Loopback only; every WebSocket must carry the random session token and come from
// the page's own origin.
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SkiffCore } from '../../core/skiffCore';
import { createHandlers, dispatch } from '../../handlers/index';
import { BRIDGE_CLIENT_JS } from './bridgeClient';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.woff2': 'font/woff2', '.json': 'application/json', '.ico': 'image/x-icon',
};

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

  const http: HttpServer = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
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
    },
  };
}
