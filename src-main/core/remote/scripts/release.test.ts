// The deploy's remote scripts: valid bash, every user value quoted (Kamal-style: assert the text).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { configScript, finishScript, goLiveScript, parseKv, restoreSnapshotScript, snapshotScript, stateScript, unlockScript, unpackScript } from './release';

const hostile = 'pa$$ "w" `id` $(reboot)\nline';
const scripts = {
  state: stateScript({ app: 'web', sha256: 'a'.repeat(64), jobId: 'job-1', holder: 'me@my laptop' }),
  unpack: unpackScript({ app: 'web', sha256: 'a'.repeat(64), releaseId: '20261125-080910-aaaaaaaa', binary: 'pocketbase', reuse: false }),
  snapshot: snapshotScript({ app: 'web', releaseId: '20261125-080910-aaaaaaaa' }),
  config: configScript({ app: 'web', env: `SECRET="${hostile}"\n`, unit: '[Unit]\n', site: 'x {\n}\n' }),
  goLive: goLiveScript({ app: 'web', releaseId: '20261125-080910-aaaaaaaa', port: 8090, healthTimeoutS: 30 }),
  finish: finishScript({ app: 'web', binary: 'pocketbase', manifest: '{"a":1}', keep: ['r1', 'r2'], jobId: 'job-1', superuser: { email: 'me@example.com', password: hostile } }),
  unlock: unlockScript({ app: 'web', jobId: 'job-1' }),
  restore: restoreSnapshotScript({ app: 'web', snapshotOf: '20261125-080910-aaaaaaaa' }),
};

describe('release scripts', () => {
  it.each(Object.entries(scripts))('%s is valid bash', (_name, script) => {
    execFileSync('bash', ['-n'], { input: script });
  });

  it('quote secrets and user values: a hostile password arrives as one literal word', () => {
    // Run the superuser line with a stand-in binary that prints its arguments.
    const start = scripts.finish.indexOf('/opt/skiff/apps/web/current/pocketbase superuser');
    const command = scripts.finish.slice(start, scripts.finish.indexOf(' | sed', start)).replace(/^\S+/, 'f');
    const out = execFileSync('bash', ['-c', `f() { printf '[%s]' "$@"; }; ${command}`], { encoding: 'utf8' });
    expect(out).toContain(`[${hostile}]`);
    expect(out).toContain('[me@example.com]');
  });

  it('switches current atomically: symlink aside, then rename over', () => {
    expect(scripts.goLive).toMatch(/ln -sfn releases\/20261125-080910-aaaaaaaa \.current\.tmp && mv -T \.current\.tmp current/);
  });

  it('parses key=value output', () => {
    expect(parseKv('lock=acquired\nnoise line\nfree=123\nmanifest=\n')).toEqual(new Map([['lock', 'acquired'], ['free', '123'], ['manifest', '']]));
  });
});

describe('pruning', () => {
  it('removes exactly the releases (and their snapshots) not in the keep list', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync, readdirSync } = await import('node:fs');
    const root = mkdtempSync('/tmp/skiff-prune-');
    for (const id of ['r1', 'r2', 'r3', 'r 4']) { mkdirSync(`${root}/releases/${id}`, { recursive: true }); }
    mkdirSync(`${root}/backups`); mkdirSync(`${root}/.skiff`);
    for (const id of ['r1', 'r2', 'r3']) writeFileSync(`${root}/backups/${id}.tar.zst`, 'x');
    const script = finishScript({ app: 'web', binary: 'pocketbase', manifest: '{}', keep: ['r1', 'r3'], jobId: 'job-1' })
      .replace('ROOT=/opt/skiff/apps/web', `ROOT=${root}`);
    const out = execFileSync('bash', ['-s'], { input: `set -euo pipefail\n${script}`, encoding: 'utf8' });
    expect(readdirSync(`${root}/releases`).sort()).toEqual(['r1', 'r3']);
    expect(readdirSync(`${root}/backups`).sort()).toEqual(['r1.tar.zst', 'r3.tar.zst']);
    expect(out).toMatch(/pruned release r2/);
    expect(out).toMatch(/pruned release r 4/);
  });
});
