// The browser host: serves the built renderer and runs the same handlers as Electron over a
// WebSocket, on 127.0.0.1 only. Its doors: every request must name this host (127.0.0.1 or
// localhost with our port), a request carrying an Origin must come from the page's own origin,
// and the WebSocket and uploads must also carry the random session token. No input, however
// malformed, may throw out of a handler: a crash here would kill jobs mid-step.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse, type Server as HttpServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Transform, type Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { SkiffError } from '../../../src-shared/errors';
import type { SkiffCore } from '../../core/skiffCore';
import { createHandlers, dispatch } from '../../handlers/index';
import { BRIDGE_CLIENT_JS } from './bridgeClient';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.woff2': 'font/woff2', '.json': 'application/json', '.ico': 'image/x-icon',
};

export const MAX_STAGE_BYTES = 1024 * 1024 * 1024;
/** A contract call is small; anything bigger is not from the page. ws closes the socket (1009). */
export const MAX_WS_MESSAGE_BYTES = 1024 * 1024;
/** A staged file not consumed within this long was abandoned (tab closed mid-drop, failed call). */
export const STAGE_STALE_MS = 60 * 60 * 1000;

export interface BrowserHost {
  url: string;
  port: number;
  token: string;
  /** Where POST /stage puts uploaded files, one `f-*` folder each, removed once used. */
  stageDir: string;
  close(): Promise<void>;
}

export interface BrowserHostOptions {
  core: SkiffCore;
  rendererDir: string;
  port?: number;
  version: string;
}

export async function startBrowserHost(opts: BrowserHostOptions): Promise<BrowserHost> {
  const rendererDir = path.resolve(opts.rendererDir);
  const indexHtml = readIndexHtml(rendererDir);
  const token = randomBytes(24).toString('base64url');
  const handlers = createHandlers(opts.core, { host: 'browser', version: opts.version });
  const stageDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-stage-'));

  const http: HttpServer = createServer();
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  // From now on a server error (accept failing for lack of file descriptors…) is logged, not lost.
  http.removeAllListeners('error');
  http.on('error', (e) => logError('HTTP server', e));
  const port = (http.address() as { port: number }).port;
  const doors = createDoors(port, token);
  // Attached only now that the port (part of the expected Host) is known. Nothing can arrive
  // in between: 'listening' and this continuation run before the next I/O poll.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE_BYTES });
  const clients = new Set<WebSocket>();
  http.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void guarded('request', res, () => onRequest(req, res));
  });
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => onUpgrade(req, socket, head));

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = parseTarget(req.url);
    if (!target) return refuse(res, 400, 'Malformed request target.');
    if (!doors.hostOk(req)) return refuse(res, 421, WRONG_HOST);
    if (!doors.originOk(req, false)) return refuse(res, 403, 'Requests must come from Skiff\'s own page.');
    if (target.pathname === '/stage') {
      return req.method === 'POST' ? stageUpload(req, res, target) : refuse(res, 405, 'POST only.', { allow: 'POST' });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'GET only.', { allow: 'GET, HEAD' });
    if (target.pathname === '/skiff-bridge.js') return sendText(res, 'text/javascript', BRIDGE_CLIENT_JS);
    if (target.pathname === '/' || target.pathname === '/index.html') return sendText(res, MIME['.html'], indexHtml);
    return serveStatic(res, target.pathname);
  }

  /** The renderer's build output: public, so no token, but still behind the Host check above. */
  async function serveStatic(res: ServerResponse, pathname: string): Promise<void> {
    const rel = safeDecode(pathname);
    if (rel === undefined || rel.includes('\0')) return refuse(res, 400, 'Malformed path.');
    const file = path.resolve(rendererDir, `.${rel}`);
    if (!file.startsWith(rendererDir + path.sep)) return refuse(res, 404, 'Not found.');
    let size: number;
    try {
      const st = statSync(file);
      if (!st.isFile()) return refuse(res, 404, 'Not found.');
      size = st.size;
    } catch {
      return refuse(res, 404, 'Not found.'); // missing, ENAMETOOLONG, ENOTDIR…: not ours to serve
    }
    res.writeHead(200, { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream', 'content-length': size });
    await pipeline(createReadStream(file), res).catch((e: unknown) => {
      // The page going away mid-file is normal; a read error after the headers can only cut it.
      if (!isClientGone(e)) logError(`serving ${file}`, e);
      res.destroy();
    });
  }

  /** Receives a file the page picked (token-checked, size-capped) and answers with its local path. */
  async function stageUpload(req: IncomingMessage, res: ServerResponse, target: URL): Promise<void> {
    if (!doors.originOk(req, true) || !doors.tokenOk(target.searchParams.get('token'))) {
      return refuse(res, 403, 'Uploads need the session token and Skiff\'s own page as origin; reload Skiff\'s URL.');
    }
    if (Number(req.headers['content-length']) > MAX_STAGE_BYTES) return refuse(res, 413, TOO_LARGE);
    const dir = await newStageFolder(stageDir);
    const file = path.join(dir, stageName(target.searchParams.get('name')));
    try {
      await pipeline(req, sizeLimit(MAX_STAGE_BYTES), createWriteStream(file, { flags: 'wx', mode: 0o600 }));
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      if (e instanceof TooLarge) return refuse(res, 413, TOO_LARGE);
      if (isClientGone(e) || req.destroyed) return refuse(res, 400, 'The upload was cut off.');
      throw e;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({ path: file }));
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Node's HTTP server drops its own error listener from an upgraded socket: without one, a
    // client resetting the connection now would be an uncaught 'error'. ws adds its own later.
    socket.on('error', () => socket.destroy());
    try {
      const target = parseTarget(req.url);
      const status = !target ? 400
        : !doors.hostOk(req) ? 421
        : target.pathname !== '/ws' ? 404
        : !doors.originOk(req, true) || !doors.tokenOk(target.searchParams.get('token')) ? 403
        : 0;
      if (status) return refuseUpgrade(socket, status);
      wss.handleUpgrade(req, socket, head, onConnection);
    } catch (e) {
      logError('WebSocket upgrade', e);
      refuseUpgrade(socket, 500);
    }
  }

  function onConnection(ws: WebSocket): void {
    clients.add(ws);
    // ws reports bad frames (too big, bad UTF-8, unmasked…) as 'error' and closes the socket
    // itself; an 'error' nobody listens to would throw and take the process down.
    ws.on('error', () => ws.terminate());
    ws.on('close', () => clients.delete(ws));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      answer(ws, data, isBinary).catch((e: unknown) => logError('WebSocket message', e));
    });
  }

  async function answer(ws: WebSocket, data: RawData, isBinary: boolean): Promise<void> {
    const msg = parseMessage(data, isBinary);
    if ('error' in msg) return send(ws, { kind: 'result', id: null, result: { ok: false, error: msg.error } });
    let result: unknown;
    try {
      result = await dispatch(handlers, msg.method, msg.input);
    } catch (e) {
      // dispatch wraps handler errors itself; this is a bug, but the page still gets its answer.
      logError(`call ${String(msg.method).slice(0, 100)}`, e);
      result = { ok: false, error: new SkiffError('INTERNAL', { detail: e instanceof Error ? e.message : String(e) }).toPayload() };
    }
    await afterDispatch(stageDir, msg.method, msg.input);
    send(ws, { kind: 'result', id: msg.id, result });
  }

  const unsubscribe = opts.core.events.subscribe((event, payload) => {
    // Called from inside core (a job's step, a pool event): nothing here may throw back into it.
    try {
      const msg = JSON.stringify({ kind: 'event', event, payload });
      for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(msg);
    } catch (e) {
      logError(`broadcasting ${event}`, e);
    }
  });

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    stageDir,
    close: async () => {
      unsubscribe();
      for (const ws of clients) ws.terminate();
      wss.close();
      const closed = new Promise<void>((r) => http.close(() => r()));
      http.closeAllConnections(); // an upload still streaming must not hold the exit
      await closed;
      rmSync(stageDir, { recursive: true, force: true });
    },
  };
}

// --- The doors ---------------------------------------------------------------------------------

// A wrong Host is answered 421 Misdirected Request rather than 403: the request is not refused
// for who sent it but because it was meant for another authority (typically a DNS-rebinding name
// resolving to 127.0.0.1). Either way the page behind that name gets nothing from Skiff.
const WRONG_HOST = 'This server only answers as 127.0.0.1 or localhost on its own port; open the URL Skiff printed.';
const TOO_LARGE = `The file is larger than ${MAX_STAGE_BYTES / 1048576} MiB, the most Skiff accepts.`;

interface Doors {
  hostOk(req: IncomingMessage): boolean;
  /** A present Origin must be ours; `required` also refuses a missing one. */
  originOk(req: IncomingMessage, required: boolean): boolean;
  tokenOk(given: string | null): boolean;
}

export function createDoors(port: number, token: string): Doors {
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const origins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
  const expected = Buffer.from(token, 'utf8');
  return {
    hostOk: (req) => typeof req.headers.host === 'string' && hosts.has(req.headers.host.toLowerCase()),
    originOk: (req, required) => {
      const origin = req.headers.origin;
      return origin === undefined ? !required : origins.has(origin.toLowerCase());
    },
    tokenOk: (given) => {
      const got = Buffer.from(given ?? '', 'utf8');
      // The token's length is no secret (it is fixed); only its content must not leak through timing.
      return got.length === expected.length && timingSafeEqual(got, expected);
    },
  };
}

/** The request target as a URL, or undefined when it is not a path (`*`, absolute-form, garbage). */
function parseTarget(raw: string | undefined): URL | undefined {
  if (!raw?.startsWith('/')) return undefined;
  try {
    return new URL(`http://skiff${raw}`);
  } catch {
    return undefined;
  }
}

function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

// --- Answers -----------------------------------------------------------------------------------

/** Runs a request handler so that nothing escapes it: an unexpected error is a 500 and a log line. */
async function guarded(what: string, res: ServerResponse, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (e) {
    logError(what, e);
    if (res.headersSent) res.destroy();
    else refuse(res, 500, 'Something went wrong inside Skiff; the details are in its terminal output.');
  }
}

/** Refusals close the connection: an unread request body must not be parsed as the next request. */
function refuse(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', connection: 'close', ...headers });
  res.end(`${text}\n`);
}

function sendText(res: ServerResponse, contentType: string, body: string): void {
  res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(body);
}

function refuseUpgrade(socket: Duplex, status: number): void {
  if (!socket.writable) return void socket.destroy();
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function send(ws: WebSocket, msg: { kind: 'result'; id: unknown; result: unknown }): void {
  if (ws.readyState !== ws.OPEN) return;
  let text: string;
  try {
    text = JSON.stringify(msg);
  } catch (e) {
    logError('encoding a result', e);
    text = JSON.stringify({ kind: 'result', id: msg.id, result: { ok: false, error: new SkiffError('INTERNAL', { detail: 'the result could not be encoded' }).toPayload() } });
  }
  ws.send(text);
}

function logError(what: string, e: unknown): void {
  console.error(`[skiff browser host] ${what} failed:`, e instanceof Error ? (e.stack ?? e.message) : e);
}

function isClientGone(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ERR_STREAM_DESTROYED';
}

// --- WebSocket messages ------------------------------------------------------------------------

type Parsed = { id: number | string; method: unknown; input: unknown } | { error: ReturnType<SkiffError['toPayload']> };

/** A call is a JSON object `{ id, method, input }` in a text frame; anything else is answered as invalid. */
export function parseMessage(data: RawData, isBinary: boolean): Parsed {
  const invalid = (why: string): Parsed => ({ error: new SkiffError('INVALID_INPUT', { message: `Not a Skiff call: ${why}.` }).toPayload() });
  if (isBinary) return invalid('binary frame');
  let msg: unknown;
  try {
    msg = JSON.parse(rawText(data));
  } catch {
    return invalid('not JSON');
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return invalid('not an object');
  const { id, method, input } = msg as Record<string, unknown>;
  const idOk = (typeof id === 'number' && Number.isFinite(id)) || (typeof id === 'string' && id.length <= 100);
  if (!idOk) return invalid('no id');
  return { id: id as number | string, method, input };
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

// --- Staged uploads ----------------------------------------------------------------------------

class TooLarge extends Error {}

function sizeLimit(max: number): Transform {
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _e, cb) {
      size += chunk.length;
      cb(size > max ? new TooLarge('too large') : null, chunk);
    },
  });
}

/** The dropped file's name, as one harmless path segment. */
export function stageName(raw: string | null): string {
  const name = (raw ?? '').replace(/[^A-Za-z0-9._ ()-]/g, '_').slice(0, 200).trim();
  return name === '' || name === '.' || name === '..' ? 'upload.zip' : name;
}

/** A fresh `f-*` folder for one upload; sweeps abandoned ones first. */
async function newStageFolder(stageDir: string): Promise<string> {
  // The OS may have cleaned the temp folder under a long-running host.
  mkdirSync(stageDir, { recursive: true, mode: 0o700 });
  await sweepStale(stageDir, Date.now());
  return mkdtemp(path.join(stageDir, 'f-'));
}

async function sweepStale(stageDir: string, now: number): Promise<void> {
  for (const entry of await readdir(stageDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || !entry.name.startsWith('f-')) continue;
    const folder = path.join(stageDir, entry.name);
    const st = await stat(folder).catch(() => undefined);
    if (st && now - st.mtimeMs > STAGE_STALE_MS) await rm(folder, { recursive: true, force: true });
  }
}

/**
 * What the browser host does after a call, the handlers staying host-agnostic: `versions.add` has
 * copied (or refused) a staged upload, so that upload's folder goes, whatever the outcome.
 */
export async function afterDispatch(stageDir: string, method: unknown, input: unknown): Promise<void> {
  if (method !== 'versions.add' || typeof input !== 'object' || input === null) return;
  const file = (input as { path?: unknown }).path;
  if (typeof file !== 'string') return;
  const folder = stagedFolderOf(stageDir, file);
  if (folder) await rm(folder, { recursive: true, force: true }).catch((e: unknown) => logError(`removing ${folder}`, e));
}

/** The `f-*` folder directly under the stage dir that holds `file`, or undefined when it is elsewhere. */
export function stagedFolderOf(stageDir: string, file: string): string | undefined {
  const rel = path.relative(stageDir, path.resolve(file));
  if (!rel || path.isAbsolute(rel)) return undefined;
  const [first, ...rest] = rel.split(path.sep);
  if (!first || first === '..' || !first.startsWith('f-') || rest.length === 0) return undefined;
  return path.join(stageDir, first);
}

function readIndexHtml(rendererDir: string): string {
  const indexPath = path.join(rendererDir, 'index.html');
  if (!existsSync(indexPath)) throw new Error(`No built renderer at ${rendererDir}; run \`npm run build\` first.`);
  // The bridge must run before the renderer's module script.
  return readFileSync(indexPath, 'utf8').replace('<head>', '<head>\n    <script src="/skiff-bridge.js"></script>');
}
