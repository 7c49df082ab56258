// Backup folders and archives for tests, laid out byte for byte as the helper writes them.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const FIXTURE_ID = '20261127-120000-abcdef';

/** Writes manifest.json and the parts into `dir` (the helper's manifest format, line for line). */
export function writeBackupDir(dir: string, parts: Record<string, string | Buffer>, o: { id?: string; app?: string; pocketbase?: string } = {}): void {
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  mkdirSync(path.join(dir, 'release'), { recursive: true });
  const lines: string[] = [];
  for (const [name, data] of Object.entries(parts).sort(([a], [b]) => a.localeCompare(b))) {
    writeFileSync(path.join(dir, name), data);
    const buf = Buffer.from(data);
    lines.push(`    {"name": "${name}", "bytes": ${buf.length}, "sha256": "${createHash('sha256').update(buf).digest('hex')}"}`);
  }
  writeFileSync(path.join(dir, 'manifest.json'), `{
  "format": "skiff-backup/1",
  "app": "${o.app ?? 'notes'}",
  "id": "${o.id ?? FIXTURE_ID}",
  "kind": "manual",
  "created": "2026-11-27T12:00:00Z",
  "release": "none",
  "pocketbase": "${o.pocketbase ?? '0.22.20'}",
  "dataBytes": 1234,
  "parts": [
${lines.join(',\n')}
  ]
}
`);
}

/** Packs a backup folder as `backup-read` does (ustar, manifest first). */
export function packBackupDir(dir: string, out: string, members = ['manifest.json', 'data', 'release']): string {
  execFileSync('tar', ['-C', dir, '--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '--format=ustar', '-cf', out, ...members]);
  return out;
}
