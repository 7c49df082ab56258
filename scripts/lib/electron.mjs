// Where the Electron binary is, or why there is none (its installer downloads it from GitHub,
// which some machines, ours among them, cannot reach).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** @returns {{ path?: string, reason?: string }} */
export function electronBinary(root = process.cwd()) {
  const dir = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(dir, 'path.txt');
  if (!existsSync(dir)) return { reason: 'the electron package is not installed' };
  if (!existsSync(pathFile)) return { reason: 'the Electron binary was not downloaded (its installer fetches it from GitHub; node_modules/electron/path.txt is missing)' };
  const bin = path.join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? { path: bin } : { reason: `the Electron binary is missing at ${bin}` };
}
