// Where code may run, enforced: src-shared is pure, core never touches Electron, the renderer
// never touches Node or Electron, and only hosts/ and preload/ import 'electron'.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|tsx)$/.test(f) ? [p] : [];
  });
}

function imports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  return [...src.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

function offenders(dir: string, bad: (spec: string, file: string) => boolean): string[] {
  return files(dir).flatMap((f) => imports(f).filter((s) => bad(s, f)).map((s) => `${f} imports ${s}`));
}

const isNode = (s: string) => s.startsWith('node:') || ['fs', 'path', 'os', 'child_process', 'crypto', 'net', 'http'].includes(s);

describe('layers', () => {
  it('core never imports electron, a host or the handlers', () => {
    expect(offenders('src-main/core', (s) => s === 'electron' || s.startsWith('electron/') || /\/(hosts|handlers)\//.test(s) || /^\.\.\/(hosts|handlers)/.test(s))).toEqual([]);
  });

  it('handlers never import electron', () => {
    expect(offenders('src-main/handlers', (s) => s === 'electron')).toEqual([]);
  });

  it('only the Electron host and the preload import electron', () => {
    const all = [...offenders('src-main', (s) => s === 'electron')].filter((o) => !/src-main\/(hosts\/electron|preload)\//.test(o));
    expect(all).toEqual([]);
  });

  it('src-shared is pure: no Node, no Electron, no main or renderer code', () => {
    expect(offenders('src-shared', (s) => isNode(s) || s === 'electron' || /src-(main|renderer)/.test(s))).toEqual([]);
  });

  it('the renderer reaches main only through window.skiff: no Node, Electron or main imports', () => {
    expect(offenders('src-renderer', (s) => isNode(s) || s === 'electron' || /src-main/.test(s))).toEqual([]);
  });

  it('catches a violation (the checker itself works)', () => {
    expect(imports('src-main/hosts/electron/main.ts')).toContain('electron');
  });
});
