// The root helper, without a server: its verbs are exactly the table's, it refuses bad arguments
// before doing anything, and it renders every file byte for byte as the TypeScript templates do.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { serviceUser } from '../paths';
import { renderCaddySite } from '../templates/caddySite';
import { renderEnvFile } from '../templates/envFile';
import { renderFail2banJail, FILTER } from '../templates/fail2ban';
import { SSHD_DROP_IN, renderSshdDropIn } from '../templates/sshd';
import { AUTO_UPGRADES } from '../templates/autoUpgrades';
import { renderSystemdUnit } from '../templates/systemdUnit';
import { renderBackupService, renderBackupTimer, SCHEDULE_EVERY } from '../templates/backupSchedule';
import { placeholders } from '../template';
import { ARG_KINDS, argIsValid } from './args';
import { HELPER_LIBRARY, HELPER_TEMPLATES, ROOT_HELPER, verbFunction } from './build';
import { SNAPSHOT_AS_SERVICE } from './verbBodies';
import { helperCall, VERBS } from './verbs';

const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-helper-'));
const helperFile = path.join(dir, 'skiff-root');
writeFileSync(helperFile, ROOT_HELPER.script);
const libFile = path.join(dir, 'lib.sh');
writeFileSync(libFile, HELPER_LIBRARY);

/** Calls one helper function in bash (sourcing the helper's library) and returns its stdout. */
function fn(call: string, input?: string): { code: number; out: string; err: string } {
  const r = spawnSync('bash', ['-c', `source ${JSON.stringify(libFile)}; ${call}`], { input, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** Runs the helper as a command, as sudo would (these calls must all be refused before doing anything). */
function helper(...args: string[]): { code: number; err: string } {
  const r = spawnSync('bash', [helperFile, ...args], { encoding: 'utf8', input: '' });
  return { code: r.status ?? -1, err: r.stderr };
}

describe('the root helper', () => {
  it('is valid bash, versioned by its content', () => {
    execFileSync('bash', ['-n', helperFile]);
    expect(ROOT_HELPER.version).toMatch(/^[0-9a-f]{16}$/);
    expect(ROOT_HELPER.script).toContain(`skiff-root ${ROOT_HELPER.version}`);
  });

  it('has a body for exactly the verbs TypeScript can call, and no dead ones', () => {
    const bodies = [...HELPER_LIBRARY.matchAll(/^(verb_[a-z0-9_]+)\(\)/gm)].map((m) => m[1]).sort();
    expect(bodies).toEqual(Object.keys(VERBS).map(verbFunction).sort());
    const arms = [...ROOT_HELPER.script.matchAll(/^ {2}([a-z0-9-]+)\) /gm)].map((m) => m[1]).sort();
    expect(arms).toEqual(Object.keys(VERBS).sort());
  });

  it('is documented verb by verb in docs/security.md', () => {
    const doc = readFileSync(path.join(__dirname, '../../../../docs/security.md'), 'utf8');
    for (const [verb, spec] of Object.entries(VERBS)) {
      expect(doc, verb).toContain(`| \`${verb}`);
      expect(doc, verb).toContain(spec.does);
    }
  });

  it.each([
    [['rm-rf'], /unknown verb: rm-rf/],
    [['apt-install', 'netcat'], /not a package Skiff installs: netcat/],
    [['apt-install'], /needs at least 1/],
    [['ufw-apply', '22; reboot'], /not a port/],
    [['ufw-apply', '70000'], /not a port/],
    [['fail2ban-unban', '1.2.3.4;id'], /not an IP address/],
    [['sudoers-show', '../x'], /not a user name/],
    [['app-init', 'x$(touch /tmp/pwned)'], /not an app name/],
    [['app-unit', 'web', '80', 'pocketbase'], /not an app port/],
    [['app-unit', 'web', '8090', '../../bin/sh'], /not a binary name/],
    [['app-unit', 'web', '8090', '-x'], /not a binary name/],
    [['app-site', 'web', 'a.example.com', '8090', 'auto', '100', 'extra'], /takes 5 argument/],
    [['app-site', 'web', 'a.example.com\nimport /etc/passwd', '8090', 'auto', '100'], /not a domain/],
    [['golive-arm', 'web', 'skiff', 'x$(id)', 'none', '60'], /not a release id or none/],
    [['golive-arm', 'web', 'ALL', 'none', 'none', '60'], /not a user name/],
    [['golive-revert', 'web', 'extra'], /takes 1 argument/],
    [['app-service', 'kill', 'web'], /not a service action/],
    [['version', 'extra'], /takes 0 argument/],
    [['backup-read', 'web', '../../../etc/shadow'], /not a backup id/],
    [['backup-delete', 'web', '20261127-120000-abcdef/..'], /not a backup id/],
    [['backup-create', 'web', '20261127-120000-abcdef', 'everything', 'pocketbase'], /not a kind of backup/],
    [['backup-check', 'web', '20261127-120000-abcdef', 'pocketbase', '$(id)'], /not a release id or none/],
  ])('refuses %j before doing anything', (args, why) => {
    const r = helper(...args);
    expect(r.code).toBe(64);
    expect(r.err).toMatch(why);
  });

  it('renders the unit, site, sshd drop-in, jail, filter and auto-upgrades exactly as TypeScript does', () => {
    for (const [app, port, binary] of [['blog', 8091, 'pocketbase'], ['a-very-long-app-name-that-needs-a-hash-1', 9000, 'pb.bin']] as const) {
      expect(fn(`unit_text ${app} ${port} ${binary}`).out).toBe(renderSystemdUnit({ app, port, binary }));
    }
    for (const tls of ['auto', 'internal', 'off'] as const) {
      expect(fn(`site_text blog blog.example.com 8091 ${tls} 50`).out).toBe(renderCaddySite({ app: 'blog', domain: 'blog.example.com', port: 8091, tls, maxBodyMb: 50 }));
    }
    expect(fn('render sshd hostKeys=').out).toBe(SSHD_DROP_IN);
    expect(fn('keys=$(tpl_hostKeysWithoutEcdsa; printf x); render sshd hostKeys="${keys%x}"').out).toBe(renderSshdDropIn({ dropEcdsa: true }));
    expect(fn('render fail2banJail port=2222').out).toBe(renderFail2banJail(2222));
    expect(fn('render fail2banFilter').out).toBe(FILTER);
    expect(fn('render autoUpgrades').out).toBe(AUTO_UPGRADES);
    expect(fn('render backupService app=blog').out).toBe(renderBackupService('blog'));
    for (const every of SCHEDULE_EVERY) {
      expect(fn(`render backupTimer app=blog every=${every} calendar="$(schedule_calendar ${every})"`).out).toBe(renderBackupTimer('blog', every));
    }
  });

  it('accepts exactly the target settings Skiff sends, and names the key (never the value) of a bad one', () => {
    const ok = ['kind=s3', 's3_url=https://10.0.2.2:9000/restic/notes', 's3_key_id=AKIA123', 's3_secret=c2VjcmV0', 'password=cGFzc3dvcmRwYXNzd29yZDEy', 'sftp_path=/srv/backups/x', 'keep_last=3'];
    for (const line of ok) expect(fn(`target_line_ok '${line}'`).code, line).toBe(0);
    // A 20 KB certificate passes quickly: length limits are checked apart from the patterns (a
    // bounded repetition that large made glibc's regex compiler exhaust the server's memory).
    expect(fn('target_line_ok "ca_cert=$(head -c 15000 /dev/zero | base64 -w0)"').code).toBe(0);
    expect(fn('target_line_ok "ca_cert=$(head -c 17000 /dev/zero | base64 -w0)"').err).toMatch(/ca_cert is not valid/);
    const bad = ['kind=ftp', 's3_url=https://h/b;reboot', "s3_secret=not base64 $(id)", 'sftp_path=../etc', 'sftp_host=-oProxyCommand=x', 'RESTIC_PASSWORD=x', 'password'];
    for (const line of bad) {
      const r = fn(`target_line_ok ${JSON.stringify(line)}`);
      expect(r.code, line).toBe(64);
      expect(r.err, line).not.toContain('$(id)');
    }
  });

  it('sets password aging in login.defs, uncommenting a setting, keeping the rest, and changes nothing the second time', () => {
    const defs = '# PASS_MAX_DAYS   Maximum number of days\nPASS_MAX_DAYS\t99999\nPASS_MIN_DAYS\t0\n#SHA_CRYPT_MIN_ROUNDS 5000\nUMASK\t\t022\n';
    const once = fn('awk "$LOGIN_DEFS_AWK"', defs).out;
    expect(once).toBe('# PASS_MAX_DAYS   Maximum number of days\nPASS_MAX_DAYS\t365\nPASS_MIN_DAYS\t1\nSHA_CRYPT_MIN_ROUNDS\t5000\nUMASK\t\t022\nPASS_WARN_AGE\t14\nSHA_CRYPT_MAX_ROUNDS\t10000\n');
    expect(fn('awk "$LOGIN_DEFS_AWK"', once).out).toBe(once);
  });

  it('refuses to render a template with a value missing', () => {
    expect(placeholders(HELPER_TEMPLATES.unit)).toEqual(['app', 'binary', 'port', 'root', 'user']);
    const r = fn('render unit app=x');
    expect(r.code).toBe(64);
    expect(r.err).toMatch(/unfilled value/);
  });

  it('names service users as TypeScript does, within 32 characters', () => {
    for (const app of ['web', 'a'.repeat(29), 'a'.repeat(30), 'shop-eu-1-with-a-long-name-for-the-test', 'x'.repeat(63)]) {
      const u = fn(`svc_user ${app}`).out;
      expect(u).toBe(serviceUser(app));
      expect(u.length).toBeLessThanOrEqual(32);
    }
  });

  it('accepts exactly the env lines Skiff renders, and nothing that could carry more', () => {
    const hostile = ['hi "there" $(reboot) `x`', 'back\\slash', '', "it's", 'tab\there', '=;{}'];
    for (const line of renderEnvFile(hostile.map((value, i) => ({ key: `K${i}`, value }))).trimEnd().split('\n')) {
      expect(fn(`env_line_ok ${shq(line)}`).code, line).toBe(0);
    }
    for (const bad of ['K=unquoted', 'K="a" X="b', 'K="a"; rm -rf /', 'K="a\\"', '1K="a"', ' K="a"', 'K="a"x', 'K="a""b"']) {
      expect(fn(`env_line_ok ${shq(bad)}`).code, bad).not.toBe(0);
    }
  });

  it('tells the PocketBase CLI generation from --version', () => {
    for (const [v, gen] of [['pocketbase version 0.22.20', 'admin'], ['pocketbase version 0.23.0', 'superuser'], ['pocketbase version 0.28.1-fixture (v1)', 'superuser'], ['pocketbase version 1.2.0', 'superuser'], ['garbage', 'unknown']]) {
      expect(fn(`pb_generation ${shq(v)}`).out.trim(), v).toBe(gen);
    }
  });
});

describe('apt_lists_fresh', () => {
  const sources = "apt_sources() { printf 'http://deb.debian.org/debian bookworm\\nhttp://deb.debian.org/debian-security bookworm-security\\n'; }";
  const lists = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-apt-lists-'));
    for (const f of ['deb.debian.org_debian_dists_bookworm_InRelease', 'deb.debian.org_debian-security_dists_bookworm-security_InRelease']) writeFileSync(path.join(dir, f), '');
    return dir;
  };

  it('keeps lists refreshed within the hour that hold every source', () => {
    expect(fn(`${sources}; apt_lists_fresh ${lists()}`).code).toBe(0);
  });

  it('refreshes lists older than an hour, or missing a source (one just added), or when no source is known', () => {
    const old = lists();
    expect(fn(`${sources}; touch -d '2 hours ago' ${old}; apt_lists_fresh ${old}`).code).toBe(1);
    const partial = lists();
    rmSync(path.join(partial, 'deb.debian.org_debian-security_dists_bookworm-security_InRelease'));
    expect(fn(`${sources}; apt_lists_fresh ${partial}`).code).toBe(1);
    expect(fn(`apt_sources() { :; }; apt_lists_fresh ${lists()}`).code).toBe(1);
  });
});

describe('helperCall', () => {
  it('renders typed calls through sudo, or directly as root', () => {
    // A changing verb names the calling job when the script set SKIFF_JOB (the runner does); a reading one never.
    expect(helperCall('app-unit', ['web', 8090, 'pocketbase']).text).toBe('sudo -n /usr/local/sbin/skiff-root ${SKIFF_JOB:+"$SKIFF_JOB"} app-unit web 8090 pocketbase');
    expect(helperCall('version', [], 'root').text).toBe('/usr/local/sbin/skiff-root version');
    expect(helperCall('apt-install', ['ufw', 'caddy']).text).toBe('sudo -n /usr/local/sbin/skiff-root ${SKIFF_JOB:+"$SKIFF_JOB"} apt-install ufw caddy');
    expect(helperCall('self-update', []).text).toBe('sudo -n /usr/local/sbin/skiff-root self-update');
  });

  it('refuses a value that is not of its kind before anything is sent', () => {
    expect(() => helperCall('app-init', ['x$(id)'])).toThrow(/not an app name/);
    expect(() => helperCall('golive-arm', ['web', 'skiff', 'r1', 'none', 60])).toThrow(/not a release id or none/);
    expect(() => helperCall('app-unit', ['web', 8090] as never)).toThrow(/takes 3 argument/);
  });

  it('checks kinds the same way on both sides', () => {
    const samples = ['web', 'Web', '-web', 'a.b', '8090', '0', '65536', '20261125-080910-abcdef01', 'none', 'skiff', 'root', 'x y', '', 'a'.repeat(70), 'auto', 'yes', '1.2.3.4', '::1', 'ufw'];
    const kinds = Object.keys(ARG_KINDS) as (keyof typeof ARG_KINDS)[];
    const pairs = kinds.flatMap((kind) => samples.map((s) => [kind, s] as const));
    // One bash for all pairs: each check runs in a subshell (die exits it) and prints 1 or 0.
    const script = pairs.map(([kind, s]) => `(valid_${kind} ${shq(s)} 2>/dev/null) && echo 1 || echo 0`).join('\n');
    const bash = fn(script).out.trim().split('\n');
    pairs.forEach(([kind, s], i) => expect(bash[i] === '1', `${kind} ${JSON.stringify(s)}`).toBe(argIsValid(kind, s)));
  }, 30_000);
});

function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

describe('the data snapshot (run as the service user; here in a temp folder)', () => {
  it('holds each database as SQLite backed it up, every other file, and no live -wal or -shm', () => {
    const data = mkdtempSync(path.join(os.tmpdir(), 'skiff-snap-data-'));
    execFileSync('sqlite3', [path.join(data, 'data.db'), 'create table t(x); insert into t values (42);']);
    writeFileSync(path.join(data, 'data.db-wal'), 'live wal');
    writeFileSync(path.join(data, '.hidden'), 'h');
    execFileSync('mkdir', ['-p', path.join(data, 'storage/col')]);
    writeFileSync(path.join(data, 'storage/col/a.txt'), 'file');
    const out = mkdtempSync(path.join(os.tmpdir(), 'skiff-snap-out-'));
    const archive = execFileSync('bash', ['-c', `bash -c "$SNAP" snapshot ${JSON.stringify(data)}`], { env: { ...process.env, SNAP: SNAPSHOT_AS_SERVICE } });
    execFileSync('bash', ['-c', `zstd -dc | tar -xf - -C ${JSON.stringify(out)}`], { input: archive });
    expect(execFileSync('sqlite3', [path.join(out, 'data.db'), 'select x from t'], { encoding: 'utf8' }).trim()).toBe('42');
    expect(readFileSync(path.join(out, '.hidden'), 'utf8')).toBe('h');
    expect(readFileSync(path.join(out, 'storage/col/a.txt'), 'utf8')).toBe('file');
    expect(execFileSync('ls', ['-A', out], { encoding: 'utf8' }).split('\n').filter(Boolean).sort()).toEqual(['.hidden', 'data.db', 'storage']);
  });

  it('is empty for a folder with nothing in it', () => {
    const data = mkdtempSync(path.join(os.tmpdir(), 'skiff-snap-empty-'));
    expect(execFileSync('bash', ['-c', `bash -c "$SNAP" snapshot ${JSON.stringify(data)}`], { env: { ...process.env, SNAP: SNAPSHOT_AS_SERVICE } }).length).toBe(0);
  });
});
