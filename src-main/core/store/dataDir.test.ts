// The data folder is private on every host: 0700 folders and 0600 files under a umask of 022,
// for what Skiff writes itself (settings, apps, history, versions, logs, zips) and what it finds.
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildVersionZip } from '../../../e2e/fixtures/versionZip';
import { addServerInput } from '../../../src-shared/contract';
import { JobLog, logFileFor } from '../jobs/jobLog';
import { createCore } from '../skiffCore';
import type { Vault } from '../vault/vault';
import { ensurePrivateDir, prepareDataDir } from './dataDir';

const noVault: Vault = { get: async () => null, set: async () => {}, delete: async () => {}, probe: async () => ({ available: false }) };

/** Every entry under `dir` (itself included) with its permission bits, as `relative path: 0o…`. */
function modes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (p: string) => {
    const st = lstatSync(p);
    const kind = st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'dir' : 'file';
    out[path.relative(dir, p) || '.'] = `${kind} ${(st.mode & 0o777).toString(8)}`;
    if (st.isDirectory()) for (const c of readdirSync(p)) walk(path.join(p, c));
  };
  walk(dir);
  return out;
}

function expectPrivate(dir: string): void {
  const all = modes(dir);
  for (const [name, mode] of Object.entries(all)) {
    if (!mode.startsWith('link')) expect(mode, name).toBe(mode.startsWith('dir') ? 'dir 700' : 'file 600');
  }
}

let umask: number;
beforeAll(() => { umask = process.umask(0o022); });
afterAll(() => { process.umask(umask); });

// POSIX modes: Windows has none to check.
describe.skipIf(process.platform === 'win32')('the data folder', () => {
  it('is 0700 with 0600 files after a core wrote settings, history, a job log and a version', async () => {
    const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'skiff-datadir-')), 'Skiff');
    const core = createCore({ dataDir, vault: noVault });
    try {
      await core.servers.add(addServerInput.parse({ name: 'web', host: 'web.example.test', user: 'deploy', auth: { kind: 'agent' } }));
      const log = new JobLog(logFileFor(dataDir, 'job-1'), () => {});
      log.write('line one\n');
      log.flush();
      const zip = buildVersionZip(path.join(mkdtempSync(path.join(os.tmpdir(), 'skiff-datadir-src-')), 'app.zip'), { label: 'modes' });
      const v = await core.versions.add(zip, { fileName: 'app.zip' });

      const all = modes(dataDir);
      // What this test means to cover is really there (a silent no-op would pass the loop below).
      expect(Object.keys(all)).toEqual(expect.arrayContaining(['settings.json', 'apps.json', 'history.json', 'versions.json', 'logs', path.join('logs', 'job-1.log'), 'versions', path.join('versions', `${v.sha256}.zip`)]));
      expectPrivate(dataDir);
    } finally {
      core.close();
    }
  }, 30_000); // building and inspecting a zip is slow on a loaded machine

  it('tightens a folder and files an older Skiff left readable by others, but not symlinks', () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-datadir-old-'));
    chmodSync(dataDir, 0o755);
    writeFileSync(path.join(dataDir, 'settings.json'), '{}', { mode: 0o644 });
    mkdirSync(path.join(dataDir, 'backups'), { mode: 0o755 });
    writeFileSync(path.join(dataDir, 'backups', 'a.tar.zst'), 'x', { mode: 0o644 });
    mkdirSync(path.join(dataDir, 'cache', 'pocketbase'), { recursive: true, mode: 0o755 });
    writeFileSync(path.join(dataDir, 'cache', 'pocketbase', 'pb.zip'), 'x', { mode: 0o644 });
    const elsewhere = path.join(mkdtempSync(path.join(os.tmpdir(), 'skiff-datadir-elsewhere-')), 'shared.txt');
    writeFileSync(elsewhere, 'x', { mode: 0o644 });
    symlinkSync(elsewhere, path.join(dataDir, 'backups', 'link'));
    prepareDataDir(dataDir);
    expectPrivate(dataDir);
    expect(statSync(elsewhere).mode & 0o777).toBe(0o644);
  });

  it('creates missing folders (and parents) as 0700', () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'skiff-datadir-new-'));
    ensurePrivateDir(path.join(base, 'a', 'b'));
    expect(modes(base)).toMatchObject({ a: 'dir 700', [path.join('a', 'b')]: 'dir 700' });
  });
});
