// Entry point of the browser host: `tsx src-main/hosts/browser/main.ts [--port N]`.
// Prints the URL to open (with its session token) on stdout as `SKIFF_URL=<url>`.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { createCore } from '../../core/skiffCore';
import { startBrowserHost } from './server';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const args = process.argv.slice(2);
const flag = (name: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };

const dataDir = process.env.SKIFF_DATA_DIR ?? path.join(process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'Skiff');
const version = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version as string;
const port = flag('--port') ? Number(flag('--port')) : undefined;
const core = createCore({ dataDir, readyTimeoutMs: process.env.SKIFF_SSH_TIMEOUT_MS ? Number(process.env.SKIFF_SSH_TIMEOUT_MS) : undefined });
const host = await startBrowserHost({ core, rendererDir: path.join(root, 'out', 'renderer'), port, version }).catch((e: unknown) => {
  // A message with its fix rather than a stack: the usual causes are a busy port or no build.
  const err = e as NodeJS.ErrnoException;
  const fix = err.code === 'EADDRINUSE' ? `Port ${port} is in use: pass another with --port, or none to pick a free one.` : err.message;
  console.error(`Skiff's browser host could not start. ${fix}`);
  core.close();
  process.exit(1);
});
console.log(`SKIFF_URL=${host.url}`);
const stop = () => { core.close(); void host.close().then(() => process.exit(0)); };
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
