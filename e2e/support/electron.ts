// Where the Electron binary is, or why there is none (its installer downloads it from GitHub,
// which our machines cannot reach).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export function electronBinary(): { path?: string; reason?: string } {
  const dir = path.resolve('node_modules/electron');
  const pathFile = path.join(dir, 'path.txt');
  if (!existsSync(dir)) return { reason: 'the electron package is not installed' };
  if (!existsSync(pathFile)) return { reason: 'the Electron binary was not downloaded (node_modules/electron/path.txt is missing; its installer fetches it from GitHub)' };
  const bin = path.join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? { path: bin } : { reason: `the Electron binary is missing at ${bin}` };
}
