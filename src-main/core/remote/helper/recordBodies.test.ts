// The helper's record of written files and its audit trail, run in bash against a scratch state
// folder: what a line holds, that concurrent writers lose nothing, that rotation keeps the trail
// bounded, and that a hostile job word is refused before any verb runs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HELPER_LIBRARY, ROOT_HELPER } from './build';
import { jobContextLine } from './verbs';

const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-record-'));
const libFile = path.join(dir, 'lib.sh');
writeFileSync(libFile, HELPER_LIBRARY);

/** Runs CALL with the helper's functions, its state in a fresh folder (never /var/lib/skiff). */
function inState(call: string): { code: number; out: string; err: string; state: string } {
  const state = mkdtempSync(path.join(dir, 'state-'));
  const r = spawnSync('bash', ['-c', `source ${JSON.stringify(libFile)}; STATE=${JSON.stringify(state)}; WRITTEN=$STATE/written; TRAIL=$STATE/trail.log; ${call}`], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr, state };
}

const index = (state: string) => readFileSync(path.join(state, 'written/index'), 'utf8').trim().split('\n').map((l) => l.split('\t'));

describe("the helper's record of written files", () => {
  it('records path, sha256, mode, owner, verb, job and version, and keeps the content', () => {
    const r = inState(`f=$(mktemp); printf 'hello\\n' > "$f"; verb=app-unit; job_context --job=job-1,deploy,inst-1,me@laptop; record_written "$f" 0644; echo "$f"`);
    expect(r.code, r.err).toBe(0);
    const file = r.out.trim();
    const [line] = index(r.state);
    expect(line.slice(0, 9)).toEqual([file, '5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03', '0644', 'root:root', 'app-unit', 'job-1', 'deploy', 'inst-1', ROOT_HELPER.version]);
    expect(readFileSync(path.join(r.state, 'written/objects', line[1]), 'utf8')).toBe('hello\n');
    expect(statSync(path.join(r.state, 'written/index')).mode & 0o777).toBe(0o600);
  });

  it('keeps one line per path: a rewrite replaces it, and removing one path leaves its look-alikes', () => {
    const r = inState(`verb=x; for p in /tmp/rec-a /tmp/rec-a.x /tmp/x/tmp/rec-a; do printf '%s' "$p" > "$p" 2>/dev/null || { mkdir -p /tmp/x/tmp; printf '%s' "$p" > "$p"; }; record_written "$p" 0644; done
      printf 'v2' > /tmp/rec-a; record_written /tmp/rec-a 0600; record_removed /tmp/rec-a.x`);
    expect(r.code, r.err).toBe(0);
    const lines = index(r.state);
    expect(lines.map((l) => l[0]).sort()).toEqual(['/tmp/rec-a', '/tmp/x/tmp/rec-a']);
    expect(lines.find((l) => l[0] === '/tmp/rec-a')!.slice(2, 3)).toEqual(['0600']);
  });

  it('loses no line when twenty writers record at once (two jobs of one server run side by side)', () => {
    const r = inState(`verb=x; for i in $(seq 1 20); do (f=/tmp/rec-par-$i; echo $i > $f; record_written $f 0644) & done; wait`);
    expect(r.code, r.err).toBe(0);
    expect(index(r.state).map((l) => l[0]).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `/tmp/rec-par-${i + 1}`).sort());
  });

  it('adopts only a file it recorded', () => {
    const r = inState(`verb=drift-adopt; verb_drift_adopt /etc/hostname`);
    expect(r.code).toBe(64);
    expect(r.err).toMatch(/not a file Skiff wrote/);
  });
});

describe("the helper's audit trail", () => {
  it('writes one line per changing verb: when, installation, who, job, kind, verb, target, arguments, outcome', () => {
    const r = inState(`job_context --job=job-7,deploy,inst-9,alice@laptop; VERBS_ON_APP=' golive '; verb=golive; TRAIL_ARGS='web skiff r1'; trail_write 0; verb=ufw-apply; TRAIL_ARGS=22; trail_write 4; cat "$TRAIL"`);
    expect(r.code, r.err).toBe(0);
    const [a, b] = r.out.trim().split('\n').map((l) => l.split('\t'));
    expect(a[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}$/);
    expect(a.slice(1, 9)).toEqual(['inst-9', 'alice@laptop', 'job-7', 'deploy', 'golive', 'web', 'web skiff r1', 'ok']);
    expect(b.slice(5)).toEqual(['ufw-apply', 'server', '22', 'failed (exit 4)']);
  });

  it('names the app as the target of an app verb, and the caller when no job is named (a timer)', () => {
    const r = inState(`VERBS_ON_APP=' golive-revert '; verb=golive-revert; SUDO_USER=; HOSTNAME=vps; trail_on web; trail_write 0; cat "$TRAIL"`);
    const line = r.out.trim().split('\n')[0].split('\t');
    expect(line.slice(1, 9)).toEqual(['-', 'root@vps', '-', '-', 'golive-revert', 'web', 'web', 'ok']);
  });

  it('rotates by size and keeps three old parts, which trail-read prints oldest first', () => {
    const r = inState(`TRAIL_MAX=2000 TRAIL_CHECK_EVERY=1; verb=x; for i in $(seq 1 200); do TRAIL_ARGS=$i; trail_write 0; done; verb_trail_read 100000 > "$STATE/all"; ls "$STATE"`);
    expect(r.code, r.err).toBe(0);
    expect(r.out.split('\n')).toEqual(expect.arrayContaining(['trail.log', 'trail.log.1', 'trail.log.2', 'trail.log.3']));
    expect(existsSync(path.join(r.state, 'trail.log.4'))).toBe(false);
    for (const f of ['trail.log', 'trail.log.1']) expect(statSync(path.join(r.state, f)).size).toBeLessThan(2000 + 200);
    const nums = readFileSync(path.join(r.state, 'all'), 'utf8').trim().split('\n').map((l) => Number(l.split('\t')[7]));
    expect(nums.at(-1)).toBe(200);
    expect(nums).toEqual([...nums].sort((x, y) => x - y));
  });

  it('refuses a hostile job word before any verb runs', () => {
    const helper = path.join(dir, 'skiff-root');
    writeFileSync(helper, ROOT_HELPER.script);
    for (const word of ['--job=a;reboot,deploy,i,w', '--job=a,deploy,i,$(id)', '--job=a,deploy,i', '--job=a,deploy,i,w\nx']) {
      const r = spawnSync('bash', [helper, word, 'version'], { encoding: 'utf8', input: '' });
      expect(r.status, word).toBe(64);
      expect(r.stderr).toMatch(/not a job context/);
    }
    expect(spawnSync('bash', [helper, '--job=j-1,deploy,,me@host', 'version'], { encoding: 'utf8' }).stdout).toBe(`skiff-root ${ROOT_HELPER.version}\n`);
  });

  it("renders this desktop's job word with a user@host made safe", () => {
    expect(jobContextLine({ id: 'j-1', kind: 'deploy', installation: 'i-1', who: "o'brien@my laptop" }).text).toBe('SKIFF_JOB=--job=j-1,deploy,i-1,o_brien@my_laptop');
  });
});
