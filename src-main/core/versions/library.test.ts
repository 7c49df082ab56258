import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildVersionZip } from '../../../e2e/fixtures/versionZip';
import { VersionLibrary } from './library';

describe('VersionLibrary', () => {
  const src = mkdtempSync(path.join(os.tmpdir(), 'skiff libsrc "q" $(x) '));

  it('keeps a good zip once by sha256, with notes, and exports a copy', async () => {
    const lib = new VersionLibrary(mkdtempSync(path.join(os.tmpdir(), 'skiff-lib-')));
    const file = buildVersionZip(path.join(src, 'my app "v1" $(x).zip'), { label: 'v1' });
    const a = await lib.add(file, { notes: 'first' });
    const again = await lib.add(file);
    expect(again.sha256).toBe(a.sha256);
    expect(lib.list()).toHaveLength(1);
    expect(lib.get(a.sha256)).toMatchObject({ fileName: 'my app "v1" $(x).zip', notes: 'first', source: 'file' });
    expect(lib.setNotes(a.sha256, 'changed').notes).toBe('changed');
    const out = lib.export(a.sha256, mkdtempSync(path.join(os.tmpdir(), 'skiff-export-')));
    expect(existsSync(out)).toBe(true);
    lib.remove(a.sha256);
    expect(lib.list()).toEqual([]);
    expect(existsSync(lib.zipPath(a.sha256))).toBe(false);
  });

  it('knows every entry by content, kept beside the zip, read again from the zip when the record is missing or damaged', async () => {
    const lib = new VersionLibrary(mkdtempSync(path.join(os.tmpdir(), 'skiff-lib-')));
    const v = await lib.add(buildVersionZip(path.join(src, 'entries.zip'), { label: 'e', publicFiles: { 'index.html': '<h1>e</h1>' } }));
    const entries = await lib.entries(v.sha256);
    expect(entries).toHaveLength(v.summary.entries);
    expect(entries.find((e) => e.path === 'pb_public/index.html')).toMatchObject({ kind: 'file', sha256: createHash('sha256').update('<h1>e</h1>').digest('hex'), size: 10, exec: false });
    expect(entries.find((e) => e.path === 'pocketbase')).toMatchObject({ kind: 'file', exec: true });
    const kept = path.join(lib.dir, `${v.sha256}.entries.json`);
    expect(statSync(kept).mode & 0o777).toBe(0o600);
    for (const damage of [() => rmSync(kept), () => writeFileSync(kept, '{"entries": []}')]) {
      damage();
      expect(await lib.entries(v.sha256)).toEqual(entries);
    }
    lib.remove(v.sha256);
    expect(readdirSync(lib.dir)).toEqual([]);
  });

  it('refuses a bad zip and leaves nothing behind', async () => {
    const lib = new VersionLibrary(mkdtempSync(path.join(os.tmpdir(), 'skiff-lib-')));
    const bad = buildVersionZip(path.join(src, 'evil.zip'), { label: 'x', extra: [{ name: '../evil', data: 'x' }] });
    await expect(lib.add(bad)).rejects.toMatchObject({ code: 'VERSION_UNSAFE_PATH' });
    expect(lib.list()).toEqual([]);
    expect(readdirSync(lib.dir)).toEqual([]);
  });
});
