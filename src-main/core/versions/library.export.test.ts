// Exporting a version writes inside the chosen folder only (the stored name came from a dropped
// file and may say `../../x.zip`), and never overwrites a file already there.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildVersionZip } from '../../../e2e/fixtures/versionZip';
import { exportName, VersionLibrary } from './library';

const SHA = 'ab'.repeat(32);

describe('exportName', () => {
  it('keeps only the last segment, and falls back when nothing usable is left', () => {
    expect(exportName('app.zip', SHA)).toBe('app.zip');
    expect(exportName('../../x.zip', SHA)).toBe('x.zip');
    expect(exportName('..\\..\\x.zip', SHA)).toBe('x.zip');
    expect(exportName('/etc/cron.d/x.zip', SHA)).toBe('x.zip');
    expect(exportName('a\0b.zip', SHA)).toBe('a_b.zip');
    for (const bad of ['', '.', '..', '../', '/', 'dir/..', '  ']) expect(exportName(bad, SHA), bad).toBe('pocketbase-abababab.zip');
  });
});

describe('VersionLibrary.export', () => {
  let lib: VersionLibrary;
  let sha256: string;
  let zip: Buffer;

  beforeAll(async () => {
    const src = mkdtempSync(path.join(os.tmpdir(), 'skiff-export-src-'));
    lib = new VersionLibrary(mkdtempSync(path.join(os.tmpdir(), 'skiff-export-lib-')));
    const file = buildVersionZip(path.join(src, 'v.zip'), { label: 'export' });
    zip = readFileSync(file);
    sha256 = (await lib.add(file, { fileName: '../../x.zip' })).sha256;
  }, 30_000); // building and inspecting a zip is slow on a loaded machine

  /** A fresh destination nested two levels deep, so `../../` would land in a folder we can see. */
  function dest(): { root: string; dir: string } {
    const root = mkdtempSync(path.join(os.tmpdir(), 'skiff-export-dest-'));
    const dir = path.join(root, 'a', 'b');
    mkdirSync(dir, { recursive: true });
    return { root, dir };
  }

  it('writes a `../../x.zip` version as x.zip inside the folder', () => {
    const { root, dir } = dest();
    expect(lib.export(sha256, dir)).toBe(path.join(dir, 'x.zip'));
    expect(readdirSync(root)).toEqual(['a']);
    expect(readFileSync(path.join(dir, 'x.zip')).equals(zip)).toBe(true);
  });

  it('uses a fallback name for `..` and the base name of an absolute name', async () => {
    // Same zip, same sha256: the library keeps the first entry, so check each name on its own.
    const other = new VersionLibrary(mkdtempSync(path.join(os.tmpdir(), 'skiff-export-lib-')));
    const src = buildVersionZip(path.join(mkdtempSync(path.join(os.tmpdir(), 'skiff-export-src-')), 'v.zip'), { label: 'export-2' });
    const v = await other.add(src, { fileName: '..' });
    const { root, dir } = dest();
    expect(other.export(v.sha256, dir)).toBe(path.join(dir, `pocketbase-${v.sha256.slice(0, 8)}.zip`));
    expect(readdirSync(root)).toEqual(['a']);

    const third = new VersionLibrary(mkdtempSync(path.join(os.tmpdir(), 'skiff-export-lib-')));
    const abs = await third.add(src, { fileName: path.join(root, 'abs.zip') });
    expect(third.export(abs.sha256, dir)).toBe(path.join(dir, 'abs.zip'));
    expect(existsSync(path.join(root, 'abs.zip'))).toBe(false);
  }, 30_000);

  it('never overwrites: the hash suffix, then numbered ones', () => {
    const { dir } = dest();
    writeFileSync(path.join(dir, 'x.zip'), 'mine');
    const second = lib.export(sha256, dir);
    expect(second).toBe(path.join(dir, `x-${sha256.slice(0, 8)}.zip`));
    const third = lib.export(sha256, dir);
    expect(third).toBe(path.join(dir, `x-${sha256.slice(0, 8)}-2.zip`));
    expect(readFileSync(path.join(dir, 'x.zip'), 'utf8')).toBe('mine');
    expect(readFileSync(third).equals(zip)).toBe(true);
  });
});
