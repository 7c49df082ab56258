// The content store's scripts, run for real (bash, unzip, python3) on a store in a temp folder:
// an upload is taken in only when every member is a plain file whose content matches its name, a
// release is built as hard links from checked lines only, and pruning drops what nothing links to.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildVersionZip, writeZip } from '../../../../e2e/fixtures/versionZip';
import { wrapScript } from '../../ssh/exec';
import { readVersionZip, type ReleaseEntry } from '../../versions/inspectZip';
import { storeKey, writeStoreZip, type ReleaseFile } from '../../versions/storeZip';
import { assembleScript, pruneStoreScript, STORE, storeKeys, storeMissingScript, storeQueryScript, takeAndAssembleScript } from './storeScripts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'skiff-store-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function runHere(store: string, script: string) {
  return spawnSync('bash', ['-s'], { input: wrapScript(script.replaceAll(STORE, store)), encoding: 'utf8' });
}

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

async function version(name: string, publicFiles: Record<string, string>) {
  const zip = buildVersionZip(path.join(tmp, `${name}.zip`), { label: name, publicFiles });
  const { entries } = await readVersionZip(zip);
  return { zip, entries, files: entries.filter((e): e is ReleaseFile => e.kind === 'file') };
}

async function upload(zip: string, files: ReleaseFile[]): Promise<string> {
  const up = path.join(tmp, `up-${Math.random().toString(16).slice(2)}.zip`);
  await writeStoreZip(zip, files, up);
  return up;
}

/** Takes an uploaded zip into the store as a deploy does (and builds `entries` into a throwaway release beside it). */
function takeIn(store: string, zip: string, count: number, jobId: string, entries: readonly ReleaseEntry[] = []) {
  const dest = path.join(path.dirname(store), `release-${jobId}`);
  return runHere(store, `${takeAndAssembleScript({ upload: { raw: [], zip, count, maxBytes: 1_000_000, jobId }, dest, entries }).text}\ntrap - EXIT`);
}

function freshStore(): string {
  const store = path.join(mkdtempSync(path.join(tmp, 's-')), '.store');
  mkdirSync(store, { mode: 0o700 });
  return store;
}

describe('the content store', () => {
  it('says which files it lacks, takes an upload of them in, and then lacks none', async () => {
    const v = await version('v1', { 'index.html': '<h1>1</h1>', 'app.js': 'x'.repeat(5000) });
    const store = freshStore();
    const keys = storeKeys(v.entries);
    const missing = (ks: string[]) => [...runHere(store, storeMissingScript(ks).text).stdout.matchAll(/^missing=(\S+)$/gm)].map((m) => m[1]);
    expect(missing(keys).sort()).toEqual([...keys].sort());

    const up = await upload(v.zip, v.files);
    const r = takeIn(store, up, keys.length, 'job-1', v.entries);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`stored ${keys.length} new files`));
    expect(existsSync(up)).toBe(false);
    expect(missing(keys)).toEqual([]);
    for (const f of v.files) {
      const p = path.join(store, storeKey(f));
      expect(sha(readFileSync(p))).toBe(f.sha256);
      expect(statSync(p).mode & 0o777).toBe(f.exec ? 0o755 : 0o644);
    }
    expect(readdirSync(store).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('refuses an upload with a changed file, a file not named by its content, a folder, a link, or the wrong count, and keeps nothing of it', async () => {
    const v = await version('v2', { 'index.html': '<h1>2</h1>' });
    const good = v.files.find((f) => f.path === 'pb_public/index.html')!;
    const key = storeKey(good);
    const cases: [string, () => string | Promise<string>, number, RegExp][] = [
      ['changed', () => writeZip(path.join(tmp, 'changed.zip'), [{ name: key, data: '<h1>evil</h1>' }]), 1, /does not match its sha256/],
      ['named', () => writeZip(path.join(tmp, 'named.zip'), [{ name: 'run.sh', data: 'x' }]), 1, /not named by its content/],
      ['folder', () => writeZip(path.join(tmp, 'folder.zip'), [{ name: `${key}/`, dir: true }, { name: `${key}/x`, data: 'x' }]), 1, /other than plain files/],
      ['link', () => writeZip(path.join(tmp, 'link.zip'), [{ name: key, symlink: '/etc/passwd' }]), 1, /other than plain files/],
      ['count', () => upload(v.zip, [good]), 2, /holds 1 files where 2 were sent/],
    ];
    for (const [name, make, count, why] of cases) {
      const store = freshStore();
      const up = await make();
      const r = takeIn(store, up, count, `job-${name}`, v.entries);
      expect(r.status, name).toBe(3);
      expect(r.stderr, name).toMatch(why);
      expect(readdirSync(store), name).toEqual([]);
    }
  });

  it('keeps a file another deploy stored meanwhile as it is', async () => {
    const v = await version('v3', { 'index.html': '<h1>3</h1>' });
    const store = freshStore();
    const first = takeIn(store, await upload(v.zip, v.files), v.files.length, 'a', v.entries);
    expect(first.status, first.stderr).toBe(0);
    const before = statSync(path.join(store, storeKey(v.files[0]))).ino;
    const again = takeIn(store, await upload(v.zip, v.files), v.files.length, 'b', v.entries);
    expect(again.status, again.stderr).toBe(0);
    expect(statSync(path.join(store, storeKey(v.files[0]))).ino).toBe(before);
  });
});

describe('building a release from the store', () => {
  async function stocked(name: string, publicFiles: Record<string, string>) {
    const v = await version(name, publicFiles);
    const store = freshStore();
    const r = takeIn(store, await upload(v.zip, v.files), storeKeys(v.entries).length, 'j');
    expect(r.status, r.stderr).toBe(0);
    return { ...v, store, releases: path.join(path.dirname(store), 'releases') };
  }
  const assemble = (store: string, dest: string, entries: ReleaseEntry[]) => runHere(store, assembleScript({ dest, entries }).text);

  it('links every file of the release into place: same content, no copy, folders included', async () => {
    const v = await stocked('r1', { 'index.html': '<h1>r</h1>', 'deep/er/x.css': 'b{}', 'same.html': '<h1>r</h1>' });
    const dest = path.join(v.releases, 'r1');
    mkdirSync(v.releases);
    const r = assemble(v.store, dest, [...v.entries, { kind: 'dir', path: 'pb_hooks' }]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`linked ${v.files.length} files`));
    for (const f of v.files) {
      const p = path.join(dest, f.path);
      expect(sha(readFileSync(p))).toBe(f.sha256);
      expect(statSync(p).ino).toBe(statSync(path.join(v.store, storeKey(f))).ino);
    }
    expect(statSync(path.join(dest, 'pocketbase')).mode & 0o111).not.toBe(0);
    expect(statSync(path.join(dest, 'pb_hooks')).isDirectory()).toBe(true);
  });

  it('refuses a line that climbs out, is absolute, names no store file, or does not match the store', async () => {
    const v = await stocked('r2', { 'index.html': '<h1>r2</h1>' });
    mkdirSync(v.releases);
    const f = v.files.find((x) => x.path === 'pb_public/index.html')!;
    const link = 'f'.repeat(64);
    symlinkSync('/etc/passwd', path.join(v.store, link));
    const cases: [string, ReleaseEntry, RegExp][] = [
      ['climbs', { ...f, path: '../escaped' }, /not a plain relative path/],
      ['climbs inside', { ...f, path: 'pb_public/../../escaped' }, /not a plain relative path/],
      ['absolute', { ...f, path: '/tmp/escaped' }, /not a plain relative path/],
      ['folder climbs', { kind: 'dir', path: '../up' }, /not a plain relative path/],
      ['missing', { ...f, sha256: 'e'.repeat(64) }, /is missing from the store/],
      ['size', { ...f, size: f.size + 1 }, /is not the \d+-byte file it should be/],
      ['link in the store', { ...f, sha256: link, exec: false }, /is not the \d+-byte file/],
    ];
    for (const [name, bad, why] of cases) {
      const dest = path.join(v.releases, `bad-${name.replaceAll(' ', '-')}`);
      const r = assemble(v.store, dest, [...v.entries, bad]);
      expect(r.status, name).toBe(3);
      expect(r.stderr, name).toMatch(why);
    }
    expect(existsSync(path.join(path.dirname(v.store), 'escaped'))).toBe(false);
    expect(existsSync('/tmp/escaped')).toBe(false);
  });

  it('prunes store files that no release links to once they are old, and keeps the rest', async () => {
    const v = await stocked('r3', { 'index.html': '<h1>r3</h1>' });
    mkdirSync(v.releases);
    const dest = path.join(v.releases, 'r3');
    expect(assemble(v.store, dest, v.entries.filter((e) => e.path !== 'pb_public/index.html')).status).toBe(0);
    const orphan = storeKey(v.files.find((x) => x.path === 'pb_public/index.html')!);
    const young = 'c'.repeat(64);
    writeFileSync(path.join(v.store, young), 'new');
    // What a dropped upload and a killed unpack leave behind.
    writeFileSync(path.join(v.store, '.upload-job-9.zip'), 'partial');
    mkdirSync(path.join(v.store, '.in-job-9'));
    writeFileSync(path.join(v.store, '.in-job-9', 'x'), 'x');
    const old = new Date(Date.now() - 2 * 3600_000);
    for (const n of readdirSync(v.store)) if (n !== young) utimesSync(path.join(v.store, n), old, old);
    expect(readdirSync(v.store)).toContain('.in-job-9');
    const r = runHere(v.store, pruneStoreScript().text);
    expect(r.status, r.stderr).toBe(0);
    const left = readdirSync(v.store);
    expect(left).not.toContain(orphan);
    expect(left).toContain(young);
    expect(left).not.toContain('.upload-job-9.zip');
    expect(left).not.toContain('.in-job-9');
    for (const f of v.files.filter((x) => x.path !== 'pb_public/index.html')) expect(left).toContain(storeKey(f));
  });

  it('keeps a file a job was told the store has, while that job holds it, even when nothing else links to it', async () => {
    const v = await stocked('r4', { 'index.html': '<h1>r4</h1>' });
    const keys = storeKeys(v.entries);
    // Another job asks the store (the lock's query) and learns it lacks nothing: it holds them all.
    const q = runHere(v.store, storeQueryScript(keys, 'job-b').text);
    expect(q.status, q.stderr).toBe(0);
    expect(q.stdout).not.toMatch(/missing=/);
    const old = new Date(Date.now() - 2 * 3600_000);
    for (const n of readdirSync(v.store)) if (!n.startsWith('.hold-')) utimesSync(path.join(v.store, n), old, old);
    // A prune meanwhile (no release links to these files) leaves them: the hold does.
    expect(runHere(v.store, pruneStoreScript().text).status).toBe(0);
    for (const k of keys) expect(existsSync(path.join(v.store, k)), k).toBe(true);
    // Without the hold they would have gone (this is what the hold protects against).
    rmSync(path.join(v.store, '.hold-job-b'), { recursive: true });
    expect(runHere(v.store, pruneStoreScript().text).status).toBe(0);
    for (const k of keys) expect(existsSync(path.join(v.store, k)), k).toBe(false);
  });
});
