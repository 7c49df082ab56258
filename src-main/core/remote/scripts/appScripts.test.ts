// The app jobs' remote scripts, Kamal-style: the exact text each renders (snapshots), that it is
// valid bash, and the parts that can run locally (prune, bounded unpack) do what they say.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildVersionZip } from '../../../../e2e/fixtures/versionZip';
import { wrapScript } from '../../ssh/exec';
import {
  appStateScript, breakLockScript, configScript, goLiveScript, healthWait, migrateAppScript, recordScript, removeAppScript, rollBackScript,
  stopAppScript, superuserScript, unlockScript, unpackScript,
} from './appScripts';
import { restoreLiveScript, restoreUndoScript, scheduleApplyScript } from './backupScripts';
import { APP_UNITS_SCRIPT, authorizeKeysScript, FACTS_SCRIPT, installHelperScript, PROBE_SCRIPT, sudoersWriteScript } from './serverScripts';

const R1 = '20261125-080910-aaaaaaaa';
const R0 = '20261120-080910-bbbbbbbb';
const hostile = 'pa$$ "w" `id` $(reboot)';
const config = { app: 'web', port: 8090, binary: 'pocketbase', env: `SECRET="${hostile}"\n`, site: { domain: 'web.example.com', tls: 'auto' as const, maxBodyMb: 100 } };

const scripts = {
  state: appStateScript({ app: 'web', helperVersion: '0123456789abcdef', holder: { jobId: 'job-1', installation: '11111111-2222-3333-4444-555555555555', who: 'me@my laptop' } }),
  stateTakeOver: appStateScript({ app: 'web', helperVersion: '0123456789abcdef', holder: { jobId: 'job-2', installation: 'i', who: 'me' }, takeOver: 'job-1' }),
  unpack: unpackScript({ app: 'web', sha256: 'a'.repeat(64), releaseId: R1, binary: 'pocketbase', maxBytes: 1000, maxEntries: 5, reuse: false, snapshot: true }),
  unpackReuse: unpackScript({ app: 'web', sha256: 'a'.repeat(64), releaseId: R1, binary: 'pocketbase', maxBytes: 1000, maxEntries: 5, reuse: true, snapshot: false }),
  config: configScript({ ...config, meta: '/opt/skiff/apps/web/.skiff' }),
  configNoSite: configScript({ ...config, site: undefined, meta: '/opt/skiff/apps/web/.skiff' }),
  goLive: goLiveScript({ app: 'web', deployUser: 'skiff', releaseId: R1, previous: R0, restoreSnapshot: R1, port: 8090, healthTimeoutS: 30, guardS: 60, record: { manifest: '{"a":1}', configHashes: 'abc', keep: [R1, R0] } }),
  goLiveWithData: goLiveScript({ app: 'web', deployUser: 'skiff', releaseId: R0, previous: R1, restoreSnapshot: 'none', restoreBefore: R1, port: 8090, healthTimeoutS: 30, guardS: 60, record: { manifest: '{}', configHashes: 'abc', keep: [R1, R0] } }),
  rollBack: rollBackScript({ app: 'web', to: R0, restoreSnapshot: R1, port: 8090, healthTimeoutS: 30 }),
  stop: stopAppScript('web'),
  superuser: superuserScript({ app: 'web', binary: 'pocketbase', email: 'me@example.com', password: hostile }),
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
    for (const [s, verb] of [[scripts.config.text, 'app-env web'], [scripts.superuser.text, 'superuser-apply web pocketbase'], [schedule, 'schedule-apply web pocketbase daily 3 yes']]) {
      const at = s.indexOf(hostile);
      expect(at, verb).toBeGreaterThan(0);
      expect(s.indexOf(hostile, at + 1), verb).toBe(-1);
      const assign = Math.max(s.lastIndexOf('\nskiff_stdin=', at), s.startsWith('skiff_stdin=') ? 0 : -1);
      expect(assign, verb).toBeGreaterThanOrEqual(0);
      expect(s.slice(assign, at), verb).not.toMatch(/printf|\|/);
      expect(s, verb).toContain(`printf '%s' "$skiff_stdin" | sudo -n /usr/local/sbin/skiff-root ${verb}\nunset skiff_stdin`);
    }
  });

  it('switches current atomically: symlink aside, then rename over, with the guard armed first', () => {
    const t = scripts.goLive.text;
    expect(t).toMatch(new RegExp(`ln -sfn releases/${R1} \\.current\\.tmp && mv -T \\.current\\.tmp current`));
    expect(t.indexOf('golive-arm web skiff')).toBeLessThan(t.indexOf('ln -sfn'));
    expect(t.indexOf('golive-confirm web')).toBeGreaterThan(t.indexOf('/api/health'));
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

describe('the health wait, run by bash against a stand-in systemctl and curl', () => {
  /** Each curl call answers the next code in `codes`; each systemctl call counts NRestarts as `restarts` lists. */
  function wait(codes: string[], restarts: number[], timeoutS: number) {
    const bin = mkdtempSync(path.join(os.tmpdir(), 'skiff-health-'));
    const state = (n: string) => path.join(bin, n);
    writeFileSync(state('codes'), codes.join('\n') + '\n');
    writeFileSync(state('restarts'), restarts.join('\n') + '\n');
    // Take the first line of a list, keeping the last one once the list runs out.
    const pop = (f: string) => `l=$(head -n1 ${f}); [ "$(wc -l < ${f})" -gt 1 ] && sed -i 1d ${f}; printf %s "$l"`;
    writeFileSync(state('curl'), `#!/bin/bash\n${pop(state('codes'))}\n`, { mode: 0o755 });
    writeFileSync(state('systemctl'), `#!/bin/bash\n[ "$*" = "show -p NRestarts --value skiff-web.service" ] || exit 9\n${pop(state('restarts'))}; echo\n`, { mode: 0o755 });
    const started = Date.now();
    const r = spawnSync('bash', ['-s'], { input: wrapScript(healthWait('web', 8090, timeoutS).text), encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    return { ...r, seconds: (Date.now() - started) / 1000 };
  }

  it('passes on the first 200', () => {
    const r = wait(['000', '503', '200'], [3], 30);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/healthy: \/api\/health answered 200 after \d+ ms/);
  });

  it('gives up at once when systemd has restarted the app twice since the wait began, not after the timeout', () => {
    const r = wait(['000'], [3, 3, 4, 5], 60);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/unhealthy: the app exited 2 times since it was started/);
    expect(r.seconds).toBeLessThan(30);
  });

  it('gives up after the timeout when the app stays up but never answers 200', () => {
    const r = wait(['500'], [0], 1);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/unhealthy: \/api\/health answered 500 for 1 s/);
  });
});

describe('unpacking', () => {
  function unpackHere(zip: string, o: { maxBytes: number; maxEntries: number; sha256?: string }) {
    const root = mkdtempSync('/tmp/skiff-unpack-');
    mkdirSync(`${root}/releases`); mkdirSync(`${root}/.skiff/uploads`, { recursive: true });
    const sha = o.sha256 ?? execFileSync('sha256sum', [zip], { encoding: 'utf8' }).split(' ')[0];
    execFileSync('cp', [zip, `${root}/.skiff/uploads/${sha}.zip.part`]);
    const script = unpackScript({ app: 'web', sha256: sha, releaseId: R1, binary: 'pocketbase', maxBytes: o.maxBytes, maxEntries: o.maxEntries, reuse: false, snapshot: false }).text.replaceAll('/opt/skiff/apps/web', root);
    const r = spawnSync('bash', ['-s'], { input: wrapScript(script), encoding: 'utf8' });
    return { root, ...r };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-unpack-zips-'));
  const zip = buildVersionZip(path.join(dir, 'v1.zip'), { label: 'v1', publicFiles: { 'index.html': 'hi' }, migrations: { '1_init.js': '//' } });

  it('verifies, unpacks into releases/<id> with the app able to read but not write, and lists migrations', () => {
    const r = unpackHere(zip, { maxBytes: 1_000_000, maxEntries: 10 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/migration=1_init\.js/);
    expect(existsSync(`${r.root}/releases/${R1}/pocketbase`)).toBe(true);
    const modes = execFileSync('stat', ['-c', '%a %n', `${r.root}/releases/${R1}/pocketbase`, `${r.root}/releases/${R1}/pb_public/index.html`], { encoding: 'utf8' });
    expect(modes).toMatch(/^750 .*pocketbase\n640 .*index\.html\n$/);
  });

  it('refuses an upload whose sha256 differs and keeps nothing', () => {
    const r = unpackHere(zip, { maxBytes: 1_000_000, maxEntries: 10, sha256: 'b'.repeat(64) });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/does not match the version's sha256/);
    expect(readdirSync(`${r.root}/releases`)).toEqual([]);
  });

  it('refuses a release that unpacks to more than was checked, and removes its temp folder', () => {
    const r = unpackHere(zip, { maxBytes: 10, maxEntries: 1 });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/more than Skiff checked|unzip failed/);
    expect(readdirSync(`${r.root}/releases`)).toEqual([]);
  });
});
