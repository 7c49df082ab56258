// The delta upload's zip, unpacked by the real Info-ZIP unzip as the server does: every file comes
// out under its store key with exactly the content that key names, from every kind of zip the gate
// accepts (zip64, data descriptors, stored, deflated, no Unix modes).
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ACCEPTED_ZIPS, type AcceptedZipName } from '../../../e2e/fixtures/hostileZips';
import { buildVersionZip } from '../../../e2e/fixtures/versionZip';
import { readVersionZip } from './inspectZip';
import { STORE_KEY, storeKey, writeStoreZip, type ReleaseFile } from './storeZip';

const haveUnzip = spawnSync('unzip', ['-v'], { stdio: 'ignore' }).status === 0;
const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-storezip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function unzipped(zip: string): Map<string, { sha256: string; mode: number }> {
  const out = mkdtempSync(path.join(dir, 'out-'));
  const r = spawnSync('unzip', ['-o', '-q', zip, '-d', out], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  expect(r.status, r.stderr.toString()).toBe(0);
  return new Map(readdirSync(out).map((n) => [n, { sha256: createHash('sha256').update(readFileSync(path.join(out, n))).digest('hex'), mode: statSync(path.join(out, n)).mode & 0o777 }]));
}

async function roundTrip(source: string, pick: (f: ReleaseFile) => boolean = () => true) {
  const { entries } = await readVersionZip(source);
  const files = entries.filter((e): e is ReleaseFile => e.kind === 'file' && pick(e));
  const dest = path.join(dir, `store-${path.basename(source)}`);
  const bytes = await writeStoreZip(source, files, dest);
  expect(bytes).toBe(statSync(dest).size);
  return { files, got: unzipped(dest) };
}

describe.skipIf(!haveUnzip)('the delta upload zip', () => {
  it('holds each picked file once, under its store key, with the content the key names', async () => {
    const src = buildVersionZip(path.join(dir, 'v.zip'), {
      label: 'v', publicFiles: { 'index.html': '<h1>v</h1>', 'same.html': '<h1>v</h1>', 'app.js': 'x'.repeat(300_000) }, migrations: { '1_init.js': '// 1' },
    });
    const { files, got } = await roundTrip(src, (f) => f.path !== 'fixture.json');
    const keys = new Set(files.map(storeKey));
    // index.html and same.html have one content: one entry.
    expect(got.size).toBe(keys.size);
    expect(keys.size).toBe(files.length - 1);
    for (const [name, file] of got) {
      expect(name).toMatch(STORE_KEY);
      expect(file.sha256).toBe(name.slice(0, 64));
      expect((file.mode & 0o100) !== 0).toBe(name.endsWith('-x'));
    }
    expect([...got.keys()].some((k) => k.endsWith('-x'))).toBe(true); // the binary
  });

  it.each(Object.keys(ACCEPTED_ZIPS) as AcceptedZipName[])('copies the bytes of a %s zip without unpacking them', async (name) => {
    const src = path.join(dir, `${name}.zip`);
    writeFileSync(src, ACCEPTED_ZIPS[name]());
    const { files, got } = await roundTrip(src);
    expect(new Set(got.keys())).toEqual(new Set(files.map(storeKey)));
    for (const [key, file] of got) expect(file.sha256).toBe(key.slice(0, 64));
  });

  it('names every file of a release by the sha256 of what unzip writes for it', async () => {
    const src = buildVersionZip(path.join(dir, 'w.zip'), { label: 'w', publicFiles: { 'a/b/c.txt': 'deep' } });
    const { entries } = await readVersionZip(src);
    const out = mkdtempSync(path.join(dir, 'full-'));
    expect(spawnSync('unzip', ['-o', '-q', src, '-d', out]).status).toBe(0);
    for (const e of entries) {
      if (e.kind === 'dir') expect(statSync(path.join(out, e.path)).isDirectory()).toBe(true);
      else expect(createHash('sha256').update(readFileSync(path.join(out, e.path))).digest('hex')).toBe(e.sha256);
    }
    expect(entries.find((e) => e.path === 'pocketbase')).toMatchObject({ kind: 'file', exec: true });
    expect(entries.find((e) => e.path === 'pb_public/a/b/c.txt')).toMatchObject({ kind: 'file', exec: false, size: 4 });
  });
});
