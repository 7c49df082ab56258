// The app jobs' remote scripts, Kamal-style: the exact text each renders (snapshots), that it is
// valid bash, and the parts that can run locally (prune, bounded unpack) do what they say.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildVersionZip } from '../../../../e2e/fixtures/versionZip';
import { readVersionZip, type ReleaseEntry } from '../../versions/inspectZip';
import { copyStoredEntry, storeKey, writeStoreZip, type ReleaseFile } from '../../versions/storeZip';
import { RAW_MIN_BYTES, splitUpload } from '../../ops/app/tasks/upload';
import { rawUploadPath } from './storeScripts';
import { wrapScript } from '../../ssh/exec';
import { ROOT_HELPER } from '../helper/build';
import {
  appStateScript, breakLockScript, configScript, goLiveScript, migrateAppScript, recordScript, removeAppScript, rollBackScript,
  preflightScript, stopAppScript, unlockScript, unpackScript,
} from './appScripts';
import { restoreLiveScript, restoreUndoScript, scheduleApplyScript } from './backupScripts';
import { APP_UNITS_SCRIPT, authorizeKeysScript, FACTS_SCRIPT, installHelperScript, PROBE_SCRIPT, sudoersWriteScript } from './serverScripts';

const R1 = '20261125-080910-aaaaaaaa';
const R0 = '20261120-080910-bbbbbbbb';
const hostile = 'pa$$ "w" `id` $(reboot)';
const config = { app: 'web', port: 8090, binary: 'pocketbase', env: `SECRET="${hostile}"\n`, site: { domain: 'web.example.com', tls: 'auto' as const, maxBodyMb: 100 } };

const ENTRIES: ReleaseEntry[] = [
  { kind: 'file', path: 'pocketbase', sha256: '1'.repeat(64), size: 100, exec: true, zip: { method: 8, crc: 0, compressedSize: 50, dataOffset: 40 } },
  { kind: 'dir', path: 'pb_public' },
  { kind: 'file', path: "pb_public/it's $(x).html", sha256: '2'.repeat(64), size: 10, exec: false, zip: { method: 0, crc: 0, compressedSize: 10, dataOffset: 200 } },
];

const scripts = {
  state: appStateScript({ app: 'web', helperVersion: '0123456789abcdef', holder: { jobId: 'job-1', installation: '11111111-2222-3333-4444-555555555555', who: 'me@my laptop' } }),
  stateWithStore: appStateScript({ app: 'web', helperVersion: '0123456789abcdef', holder: { jobId: 'job-1', installation: 'i', who: 'me' }, storeKeys: ['1'.repeat(64) + '-x', '2'.repeat(64)] }),
  stateTakeOver: appStateScript({ app: 'web', helperVersion: '0123456789abcdef', holder: { jobId: 'job-2', installation: 'i', who: 'me' }, takeOver: 'job-1' }),
  unpack: unpackScript({ app: 'web', jobId: 'job-1', sha256: 'a'.repeat(64), releaseId: R1, binary: 'pocketbase', entries: ENTRIES, upload: { zip: '/opt/skiff/apps/.store/.upload-job-1.zip', raw: ['3'.repeat(64)], count: 3, maxBytes: 1000, jobId: 'job-1' }, reuse: false, snapshot: true }),
  preflight: preflightScript({ app: 'web', storeKeys: ['1'.repeat(64) + '-x', '2'.repeat(64)] }),
  unpackFromStore: unpackScript({ app: 'web', jobId: 'job-1', sha256: 'a'.repeat(64), releaseId: R1, binary: 'pocketbase', entries: ENTRIES, reuse: false, snapshot: false }),
  unpackReuse: unpackScript({ app: 'web', jobId: 'job-1', sha256: 'a'.repeat(64), releaseId: R1, binary: 'pocketbase', entries: ENTRIES, reuse: true, snapshot: false }),
  config: configScript({ ...config, meta: '/opt/skiff/apps/web/.skiff' }),
  configNoSite: configScript({ ...config, site: undefined, meta: '/opt/skiff/apps/web/.skiff' }),
  goLive: goLiveScript({ app: 'web', deployUser: 'skiff', releaseId: R1, previous: R0, restoreSnapshot: R1, port: 8090, healthTimeoutS: 30, guardS: 60, record: { manifest: '{"a":1}', configHashes: 'abc', keep: [R1, R0] } }),
  goLiveWithData: goLiveScript({ app: 'web', deployUser: 'skiff', releaseId: R0, previous: R1, restoreSnapshot: 'none', restoreBefore: R1, port: 8090, healthTimeoutS: 30, guardS: 60, record: { manifest: '{}', configHashes: 'abc', keep: [R1, R0] } }),
  rollBack: rollBackScript({ app: 'web', to: R0, restoreSnapshot: R1, port: 8090, healthTimeoutS: 30 }),
  stop: stopAppScript('web'),
  goLiveFinish: goLiveScript({ app: 'web', deployUser: 'skiff', releaseId: R1, previous: R0, restoreSnapshot: 'none', port: 8090, healthTimeoutS: 30, guardS: 60, record: { manifest: '{}', configHashes: 'abc', keep: [R1, R0] }, superuser: { binary: 'pocketbase', email: 'me@example.com', password: hostile }, unlockJob: 'job-1' }),
  unlock: unlockScript({ app: 'web', jobId: 'job-1' }),
  breakLock: breakLockScript('web'),
  remove: removeAppScript('web'),
  restoreLive: restoreLiveScript({ app: 'web', releaseId: R0, port: 8090, healthTimeoutS: 30, manifest: '{"current":"x"}' }),
  restoreLiveSameRelease: restoreLiveScript({ app: 'web', releaseId: R1, port: 8090, healthTimeoutS: 30 }),
  restoreUndo: restoreUndoScript({ app: 'web', to: R1, port: 8090, healthTimeoutS: 30 }),
  migrate: migrateAppScript({ ...config, configHashes: 'abc', healthTimeoutS: 30 }),
  probe: PROBE_SCRIPT,
  facts: FACTS_SCRIPT,
  units: APP_UNITS_SCRIPT,
  installHelper: installHelperScript('#!/bin/bash\necho helper\n', 'skiff-desktop namespaces="skiff-helper" ssh-ed25519 AAAA'),
  authorize: authorizeKeysScript('skiff', ['ssh-ed25519 AAAA me@laptop'], true),
  sudoers: sudoersWriteScript('skiff'),
};

describe('app and server scripts', () => {
  it.each(Object.entries(scripts))('%s is valid bash and renders exactly as recorded', (_name, script) => {
    execFileSync('bash', ['-n'], { input: wrapScript(script.text) });
    expect(script.text).toMatchSnapshot();
  });

  it('never puts a secret in an argv or a pipeline\'s text: env, superuser password and backup target go to the helper on stdin', () => {
    // The value is assigned to a variable; only printf (a builtin: no process, no argv) reads it, and
    // the pipeline bash would print if the helper were killed names the variable, not the value.
    const schedule = scheduleApplyScript({ app: 'web', binary: 'pocketbase', every: 'daily', keep: 3, drill: true, target: [`password=${hostile}`] }).text;
    for (const [s, verb] of [[scripts.config.text, 'app-env web'], [scripts.goLiveFinish.text, 'superuser-apply web pocketbase || skiff_rc=$?'], [schedule, 'schedule-apply web pocketbase daily 3 yes']]) {
      const at = s.indexOf(hostile);
      expect(at, verb).toBeGreaterThan(0);
      expect(s.indexOf(hostile, at + 1), verb).toBe(-1);
      const assign = Math.max(s.lastIndexOf('\nskiff_stdin=', at), s.startsWith('skiff_stdin=') ? 0 : -1);
      expect(assign, verb).toBeGreaterThanOrEqual(0);
      expect(s.slice(assign, at), verb).not.toMatch(/printf|\|/);
      expect(s, verb).toContain(`printf '%s' "$skiff_stdin" | sudo -n /usr/local/sbin/skiff-root \${SKIFF_JOB:+"$SKIFF_JOB"} ${verb}\nunset skiff_stdin`);
    }
  });

  it('goes live in one helper call that arms the guard before the switch and disarms it only after a 200', () => {
    expect(scripts.goLive.text).toContain(`sudo -n /usr/local/sbin/skiff-root \${SKIFF_JOB:+"$SKIFF_JOB"} golive web skiff ${R1} ${R0} ${R1} 60 8090 30`);
    const body = /^verb_golive\(\) \{\n[\s\S]*?\n\}$/m.exec(ROOT_HELPER.script)![0];
    // Symlink aside, then rename over (atomic), both as the deploy user.
    expect(body).toMatch(/as_user "\$user" ln -sfn "releases\/\$rel" "\$APPS\/\$app\/\.current\.tmp"\n\s*as_user "\$user" mv -T "\$APPS\/\$app\/\.current\.tmp" "\$APPS\/\$app\/current"/);
    const at = (s: string) => { const i = body.indexOf(s); expect(i, s).toBeGreaterThan(-1); return i; };
    expect(at('verb_golive_arm')).toBeLessThan(at('ln -sfn'));
    expect(at('mv -T')).toBeLessThan(at('systemctl restart'));
    expect(at('systemctl restart')).toBeLessThan(at('skiff_health_wait'));
    expect(at('skiff_health_wait')).toBeLessThan(at('verb_golive_confirm'));
  });
});

describe('pruning', () => {
  it('removes exactly the releases (and their snapshots) not in the keep list', () => {
    const root = mkdtempSync('/tmp/skiff-prune-');
    for (const id of ['r1', 'r2', 'r3', 'r 4']) mkdirSync(`${root}/releases/${id}`, { recursive: true });
    mkdirSync(`${root}/backups`); mkdirSync(`${root}/.skiff`);
    for (const id of ['r1', 'r2', 'r3']) writeFileSync(`${root}/backups/${id}.tar.zst`, 'x');
    const script = recordScript({ app: 'web', manifest: '{}', configHashes: 'h', keep: ['r1', 'r3'] }).text.replaceAll('/opt/skiff/apps/web', root);
    const out = execFileSync('bash', ['-s'], { input: wrapScript(script), encoding: 'utf8' });
    expect(readdirSync(`${root}/releases`).sort()).toEqual(['r1', 'r3']);
    expect(readdirSync(`${root}/backups`).sort()).toEqual(['r1.tar.zst', 'r3.tar.zst']);
    expect(out).toMatch(/pruned release r2/);
    expect(out).toMatch(/pruned release r 4/);
  });
});

describe('unpacking', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-unpack-zips-'));
  const big = path.join(dir, 'big.bin');
  writeFileSync(big, randomBytes(RAW_MIN_BYTES + 1000));
  const zip = buildVersionZip(path.join(dir, 'v1.zip'), { label: 'v1', publicFiles: { 'index.html': 'hi' }, migrations: { '1_init.js': '//' }, extra: [{ name: 'pb_public/big.bin', file: big, stored: true }] });

  /**
   * Runs the unpack in a temp apps folder (its .store inside), after uploading `files` of the zip
   * as the upload task does: stored big files as themselves, the rest in a zip. `mangle` may spoil
   * the upload on its way.
   */
  async function unpackHere(o: { maxBytes: number; pick?: (f: ReleaseFile) => boolean; lie?: (e: ReleaseEntry[]) => ReleaseEntry[]; mangle?: (store: string) => void }) {
    const apps = mkdtempSync('/tmp/skiff-unpack-');
    mkdirSync(`${apps}/web/releases`, { recursive: true }); mkdirSync(`${apps}/.store`, { mode: 0o700 });
    const { entries } = await readVersionZip(zip);
    const files = entries.filter((e): e is ReleaseFile => e.kind === 'file' && (o.pick ?? (() => true))(e));
    const { raw, packed } = splitUpload(files);
    await writeStoreZip(zip, packed, `${apps}/.store/.upload-j.zip`);
    for (const f of raw) await copyStoredEntry(zip, f, rawUploadPath('j', storeKey(f)).replace('/opt/skiff/apps', apps));
    o.mangle?.(`${apps}/.store`);
    const sha = execFileSync('sha256sum', [zip], { encoding: 'utf8' }).split(' ')[0];
    const script = unpackScript({
      app: 'web', jobId: 'j', sha256: sha, releaseId: R1, binary: 'pocketbase', entries: o.lie ? o.lie(entries) : entries, reuse: false, snapshot: false,
      upload: { zip: '/opt/skiff/apps/.store/.upload-j.zip', raw: raw.map(storeKey), count: new Set(files.map(storeKey)).size, maxBytes: o.maxBytes, jobId: 'j' },
    }).text.replaceAll('/opt/skiff/apps', apps);
    const r = spawnSync('bash', ['-s'], { input: wrapScript(script), encoding: 'utf8' });
    return { root: `${apps}/web`, store: `${apps}/.store`, ...r };
  }

  it('sends a big file the zip stores uncompressed as itself, the rest in a zip', async () => {
    const { entries } = await readVersionZip(zip);
    const { raw, packed } = splitUpload(entries.filter((e): e is ReleaseFile => e.kind === 'file'));
    expect(raw.map((f) => f.path)).toEqual(['pb_public/big.bin']);
    expect(packed.map((f) => f.path)).toContain('pocketbase');
  });

  it('refuses a file sent as itself that did not arrive whole, and keeps nothing of the upload or the release', async () => {
    for (const [name, mangle, why] of [
      ['missing', (store: string) => { for (const f of readdirSync(store)) if (/^\.upload-j\.[0-9a-f]{64}$/.test(f)) rmSync(`${store}/${f}`); }, /did not arrive/],
      ['cut short', (store: string) => { for (const f of readdirSync(store)) if (/^\.upload-j\.[0-9a-f]{64}$/.test(f)) truncateSync(`${store}/${f}`, 1000); }, /does not match its sha256/],
    ] as const) {
      const r = await unpackHere({ maxBytes: 10_000_000, mangle });
      expect(r.status, name).toBe(3);
      expect(r.stderr, name).toMatch(why);
      expect(readdirSync(`${r.root}/releases`), name).toEqual([]);
      expect(readdirSync(r.store).filter((f) => !f.startsWith('.upload-')), name).toEqual([]);
    }
  });

  it('takes the upload into the store and builds releases/<id> from it, the app able to read but not write, and lists migrations', async () => {
    const r = await unpackHere({ maxBytes: 10_000_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/stored 5 new files/);
    expect(r.stdout).toMatch(/linked 5 files/);
    expect(r.stdout).toMatch(/migration=1_init\.js/);
    const modes = execFileSync('stat', ['-c', '%a %h %n', `${r.root}/releases/${R1}/pocketbase`, `${r.root}/releases/${R1}/pb_public/index.html`], { encoding: 'utf8' });
    // Hard links into the store (link count 2), never writable but by the deploy user.
    expect(modes).toMatch(/^755 2 .*pocketbase\n644 2 .*index\.html\n$/);
  });

  it('refuses a release whose files the store does not have, and keeps no folder of it', async () => {
    const r = await unpackHere({ maxBytes: 10_000_000, pick: (f) => f.path !== 'pb_public/index.html' });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/is missing from the store/);
    expect(readdirSync(`${r.root}/releases`)).toEqual([]);
  });

  it('refuses an upload bigger than the release, and keeps nothing', async () => {
    const r = await unpackHere({ maxBytes: 10 });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/unzip of the upload failed/);
    expect(readdirSync(`${r.root}/releases`)).toEqual([]);
  });

  it('refuses a path that climbs out of the release, and keeps no folder of it', async () => {
    const r = await unpackHere({ maxBytes: 10_000_000, lie: (es) => es.map((e) => (e.path === 'fixture.json' ? { ...e, path: '../../escaped' } : e)) });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/not a plain relative path/);
    expect(readdirSync(`${r.root}/releases`)).toEqual([]);
    expect(existsSync(`${r.root}/../escaped`)).toBe(false);
  });
});
