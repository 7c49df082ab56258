// The desktop's check of a backup archive: the manifest first, then only listed parts, each a plain
// file matching its sha256, each once; anything else is refused as damaged.
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArchiveCheck } from './archiveCheck';
import { packBackupDir, writeBackupDir } from './testing/backupFixture';

const PARTS = { 'data/data.db.zst': Buffer.alloc(3000, 1), 'data/files.tar.zst': 'files', 'release/pb_hooks.tar.zst': '' };

function archive(prepare: (dir: string) => void = () => {}, members?: string[]): Buffer {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-ac-'));
  writeBackupDir(dir, PARTS);
  prepare(dir);
  return readFileSync(packBackupDir(dir, path.join(dir, '..', `${path.basename(dir)}.tar`), members));
}

/** Feeds the archive in uneven chunks, as a network stream would. */
function check(buf: Buffer, chunk = 777) {
  const c = new ArchiveCheck();
  for (let i = 0; i < buf.length; i += chunk) c.feed(buf.subarray(i, i + chunk));
  return c.finish();
}

describe('ArchiveCheck', () => {
  it('accepts an intact archive in any chunking and returns its manifest', () => {
    const buf = archive();
    for (const chunk of [1, 511, 512, 777, 1 << 20]) expect(check(buf, chunk).parts.map((p) => p.name)).toEqual(Object.keys(PARTS).sort());
  });

  it.each([
    ['a part whose bytes changed', (d: string) => writeFileSync(path.join(d, 'data/files.tar.zst'), 'fileZ'), /does not match its sha256/],
    ['a part missing', (d: string) => rmSync(path.join(d, 'data/files.tar.zst')), /files\.tar\.zst is missing/],
    ['a file the manifest does not list', (d: string) => writeFileSync(path.join(d, 'data/other.db.zst'), 'x'), /does not list/],
    ['a name that is not a part', (d: string) => writeFileSync(path.join(d, 'data/evil.sh'), 'x'), /not a part of a Skiff backup/],
    ['a symbolic link', (d: string) => { rmSync(path.join(d, 'data/files.tar.zst')); symlinkSync('/etc/shadow', path.join(d, 'data/files.tar.zst')); }, /not a plain file/],
    ['a manifest that is not JSON', (d: string) => writeFileSync(path.join(d, 'manifest.json'), '{ nope'), /not JSON/],
    ['a manifest of another format', (d: string) => writeFileSync(path.join(d, 'manifest.json'), readFileSync(path.join(d, 'manifest.json'), 'utf8').replace('skiff-backup/1', 'skiff-backup/9')), /not a Skiff backup manifest/],
  ])('refuses %s', (_name, prepare, why) => {
    expect(() => check(archive(prepare))).toThrow(why);
  });

  it('refuses an archive whose first file is not the manifest, one cut short, and trailing data', () => {
    expect(() => check(archive(undefined, ['data', 'manifest.json', 'release']))).toThrow(/first file is not manifest\.json/);
    const buf = archive();
    expect(() => check(buf.subarray(0, 2048 + 700))).toThrow(/damaged/);
    expect(() => check(Buffer.concat([buf, Buffer.alloc(512, 7)]))).toThrow(/after the end/);
    const flipped = Buffer.from(buf);
    flipped[10] ^= 1;
    expect(() => check(flipped)).toThrow(/checksum/);
  });
});
