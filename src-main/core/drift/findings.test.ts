// Drift findings from a drift check's output: every category, the diff, what to do, and hostile
// server output dropped rather than trusted.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderSudoers } from '../remote/templates/sudoers';
import { SSHD_DROP_IN } from '../remote/templates/sshd';
import { sshdConflicts } from '../ops/hardeningState';
import { driftFindings, writtenRecord } from './findings';
import { parseDrift } from './parse';
import { mergeTrail, parseTrailLine } from './trail';
import { trailToCsv } from '../../../src-shared/trailExport';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const b64 = (s: string) => Buffer.from(s).toString('base64');
const UNIT = '[Service]\nUser=pb-web\n';
const EDITED_UNIT = '[Service]\nUser=root\n';
const SITE = 'web.example.com {\n}\n';
const line = (path: string, state: string, was: string, now: string, verb = 'app-unit') => [path, state, sha(was), now === '-' ? '-' : sha(now), '0644', verb, 'job-1', 'deploy', 'inst-1', '2026-11-28T10:00:00+0000'].join('\t');

const SSHD_T = 'port 22\npermitrootlogin no\npasswordauthentication no\nkbdinteractiveauthentication no\npubkeyauthentication yes\npermitemptypasswords no\nmaxauthtries 3\nx11forwarding no\n';
const UFW = 'Status: active\nDefault: deny (incoming), allow (outgoing), disabled (routed)\n\nTo Action From\n22/tcp                     ALLOW IN    Anywhere\n80/tcp                     ALLOW IN    Anywhere\n443/tcp                    ALLOW IN    Anywhere\n';

function output(o: { written?: string[]; objects?: string[]; now?: [string, string][]; unknown?: string[]; sources?: string; sshd?: string; ufw?: string; f2b?: string; units?: string; sudoers?: string; dpkg?: string; end?: boolean }): string {
  return [
    '==written==', ...(o.written ?? []),
    ...(o.objects ?? []).flatMap((c) => [`==object ${sha(c)}==`, b64(c)]),
    ...(o.now ?? []).flatMap(([p, c]) => [`==now ${p}==`, b64(c)]),
    '==unknown==', ...(o.unknown ?? []),
    '==sshd-files==', o.sources ?? '/etc/ssh/sshd_config.d/00-skiff-hardening.conf:3:PasswordAuthentication no',
    '==sshd==', o.sshd ?? SSHD_T,
    '==ufw==', o.ufw ?? UFW,
    '==fail2ban==', o.f2b ?? 'sshd',
    '==units==', o.units ?? 'Id=skiff-web.service\nUnitFileState=enabled\nActiveState=active\n',
    '==sudoers==', o.sudoers ?? `# /etc/sudoers.d/skiff-skiff\n${renderSudoers('skiff')}`,
    '==dpkg==', o.dpkg ?? '',
    ...(o.end === false ? [] : ['==end==']),
  ].join('\n');
}
const ctx = { hardened: true, sshPort: 22, appUser: 'skiff' };

describe('drift findings', () => {
  it('a server as Skiff left it has no finding but "unchanged" ones', () => {
    const raw = parseDrift(output({ written: [line('/etc/systemd/system/skiff-web.service', 'same', UNIT, UNIT)], objects: [UNIT] }));
    expect(raw.complete).toBe(true);
    const f = driftFindings(raw, ctx);
    expect(f.map((x) => x.category)).toEqual(['unchanged']);
    expect(writtenRecord(raw)[0]).toMatchObject({ path: '/etc/systemd/system/skiff-web.service', content: UNIT, verb: 'app-unit', jobId: 'job-1' });
  });

  it('an edited file shows a diff from the recorded copy, can be re-applied or adopted', () => {
    const raw = parseDrift(output({ written: [line('/etc/systemd/system/skiff-web.service', 'edited', UNIT, EDITED_UNIT)], objects: [UNIT], now: [['/etc/systemd/system/skiff-web.service', EDITED_UNIT]] }));
    const [f] = driftFindings(raw, ctx);
    expect(f).toMatchObject({ category: 'edited', fix: 'reapply', canAdopt: true, writtenBy: { verb: 'app-unit', jobKind: 'deploy' } });
    expect(f.diff).toContain('-User=pb-web\n+User=root');
  });

  it('missing, replaced by a package, and unknown files each get their category; an sshd drop-in goes through Harden', () => {
    const raw = parseDrift(output({
      written: [line('/etc/caddy/skiff/web.caddy', 'missing', SITE, '-', 'app-site'), line('/etc/caddy/Caddyfile', 'package', 'import x\n', 'stock\n', 'app-site'), line('/etc/ssh/sshd_config.d/00-skiff-hardening.conf', 'edited', SSHD_DROP_IN, 'PasswordAuthentication yes\n', 'sshd-apply')],
      unknown: ['/etc/systemd/system/miner.service'],
    }));
    const by = Object.fromEntries(driftFindings(raw, ctx).map((f) => [f.subject, f]));
    expect(by['/etc/caddy/skiff/web.caddy']).toMatchObject({ category: 'missing', fix: 'reapply', canAdopt: false });
    expect(by['/etc/caddy/Caddyfile']).toMatchObject({ category: 'package', fix: 'reapply' });
    expect(by['/etc/ssh/sshd_config.d/00-skiff-hardening.conf']).toMatchObject({ category: 'edited', fix: 'harden' });
    expect(by['/etc/systemd/system/miner.service']).toMatchObject({ category: 'unknown', canAdopt: false });
  });

  it('a stopped unit, a password login sshd allows, a firewall turned off, no jail, an edited sudo entry, a changed package file', () => {
    const raw = parseDrift(output({
      units: 'Id=skiff-web.service\nUnitFileState=enabled\nActiveState=inactive\n',
      sshd: SSHD_T.replace('passwordauthentication no', 'passwordauthentication yes'),
      sources: '/etc/ssh/sshd_config.d/00-custom.conf:1:PasswordAuthentication yes\n/etc/ssh/sshd_config.d/00-skiff-hardening.conf:3:PasswordAuthentication no',
      unknown: ['/etc/ssh/sshd_config.d/00-custom.conf'],
      ufw: 'Status: inactive', f2b: 'SKIFF-INACTIVE',
      sudoers: '# /etc/sudoers.d/skiff-skiff\nskiff ALL=(ALL) NOPASSWD: ALL\n',
      dpkg: '??5??????   c /etc/ssh/sshd_config\nmissing     c /etc/fail2ban/fail2ban.conf',
    }));
    const by = Object.fromEntries(driftFindings(raw, ctx).map((f) => [f.id, f]));
    expect(by['unit:skiff-web.service']).toMatchObject({ area: 'unit', category: 'edited', fix: 'reapply' });
    expect(by['sshd:passwordauthentication'].detail).toMatch(/00-custom\.conf line 1 \("PasswordAuthentication yes"\)/);
    expect(by['file:/etc/ssh/sshd_config.d/00-custom.conf']).toMatchObject({ category: 'unknown', fix: 'harden' });
    expect(by['firewall:ufw']).toMatchObject({ fix: 'harden' });
    expect(by['fail2ban:sshd'].detail).toBe('fail2ban is not running');
    expect(by.sudoers).toMatchObject({ category: 'edited', fix: 'setup' });
    expect(by['package:/etc/ssh/sshd_config']).toMatchObject({ area: 'package', category: 'edited' });
    expect(by['package:/etc/fail2ban/fail2ban.conf']).toMatchObject({ category: 'missing' });
  });

  it('does not expect hardening state on a server that was never hardened', () => {
    const raw = parseDrift(output({ ufw: 'Status: inactive', f2b: 'SKIFF-INACTIVE', sshd: SSHD_T.replace('permitrootlogin no', 'permitrootlogin yes') }));
    expect(driftFindings(raw, { ...ctx, hardened: false })).toEqual([]);
  });

  it('keeps no content of files that hold secrets, and drops server lines that do not fit', () => {
    const env = 'SECRET="x"\n';
    const raw = parseDrift(output({
      written: [line('/etc/skiff/apps/web.env', 'edited', env, 'SECRET="y"\n', 'app-env'), 'not\ta\tline', line('/etc/x/../shadow', 'same', 'a', 'a'), line('/etc/a;reboot', 'same', 'a', 'a'), [...line('/etc/ok', 'same', 'a', 'a').split('\t').slice(0, 5), '$(id)', 'j', 'k', 'i', 't'].join('\t')],
      objects: [env], now: [['/etc/skiff/apps/web.env', 'SECRET="y"\n']],
    }));
    expect(raw.written.map((w) => w.path)).toEqual(['/etc/skiff/apps/web.env']);
    expect(writtenRecord(raw)[0].content).toBeUndefined();
  });

  it('accepts a recorded copy only when it matches its hash', () => {
    const text = output({ written: [line('/etc/a', 'edited', 'was\n', 'now\n')] }).replace('==unknown==', `==object ${sha('was\n')}==\n${b64('forged\n')}\n==unknown==`);
    const raw = parseDrift(text);
    expect(raw.objects.size).toBe(0);
    expect(driftFindings(raw, ctx)[0].diff).toBeUndefined();
  });

  it('a cut-off reading is not complete', () => {
    expect(parseDrift(output({ end: false })).complete).toBe(false);
  });
});

describe('sshd conflicts', () => {
  it('names the first setting of each keyword read before Skiff\'s drop-in (or where it will be) that differs', () => {
    const c = sshdConflicts([
      '/etc/ssh/sshd_config:5:MaxAuthTries 6',
      '@include /etc/ssh/sshd_config:12',
      '/etc/ssh/sshd_config.d/00-custom.conf:2:PasswordAuthentication yes',
      '/etc/ssh/sshd_config.d/00-custom.conf:3:PermitRootLogin no',
      '/etc/ssh/sshd_config.d/00-skiff-hardening.conf:3:PasswordAuthentication no',
      '/etc/ssh/sshd_config.d/50-cloud.conf:1:ChallengeResponseAuthentication yes',
      '/etc/ssh/sshd_config:90:X11Forwarding yes',
    ].join('\n'));
    expect(c).toEqual([
      { file: '/etc/ssh/sshd_config', line: 5, text: 'MaxAuthTries 6', key: 'maxauthtries', value: '6', want: '3' },
      { file: '/etc/ssh/sshd_config.d/00-custom.conf', line: 2, text: 'PasswordAuthentication yes', key: 'passwordauthentication', value: 'yes', want: 'no' },
    ]);
  });

  it('finds none on stock Debian before hardening: its settings come after the Include line, where the drop-in wins', () => {
    expect(sshdConflicts('@include /etc/ssh/sshd_config:13\n/etc/ssh/sshd_config:90:X11Forwarding yes\n/etc/ssh/sshd_config:62:KbdInteractiveAuthentication no')).toEqual([]);
  });
});

describe('the audit trail', () => {
  const l = (who: string, inst: string, job: string, verb: string, target: string, outcome = 'ok') => ['2026-11-28T10:00:00+0000', inst, who, job, 'deploy', verb, target, `${target} skiff`, outcome].join('\t');

  it('reads server lines, marks this desktop\'s, and drops hostile ones', () => {
    expect(parseTrailLine(l('bob@b', 'inst-b', 'j1', 'golive', 'web'), 'inst-a')).toMatchObject({ who: 'bob@b', mine: false, at: '2026-11-28T10:00:00+00:00', verb: 'golive', target: 'web', outcome: 'ok' });
    expect(parseTrailLine(l('a@a', 'inst-a', 'j2', 'golive', 'web'), 'inst-a')?.mine).toBe(true);
    expect(parseTrailLine(l('$(id)', 'x', 'j', 'v', 't'), 'x')).toBeUndefined();
    // Arguments are checked kinds: paths and domains pass (an adopt names its file).
    const adopt = ['2026-11-28T10:00:00+0000', 'inst-a', 'a@a', 'j5', 'drift-fix', 'drift-adopt', 'server', '/etc/apt/apt.conf.d/20auto-upgrades', 'ok'].join('\t');
    expect(parseTrailLine(adopt, 'inst-a')).toMatchObject({ verb: 'drift-adopt', args: '/etc/apt/apt.conf.d/20auto-upgrades' });
    expect(parseTrailLine('2026-11-28T10:00:00+0000\tonly\tfour\tfields', 'x')).toBeUndefined();
  });

  it('merges local jobs the server never saw, newest first, and filters one app', () => {
    const server = [parseTrailLine(l('bob@b', 'inst-b', 'j1', 'golive', 'web'), 'inst-a')!, parseTrailLine(l('bob@b', 'inst-b', 'j3', 'golive', 'blog'), 'inst-a')!];
    const local = [{ id: 'j2', kind: 'audit', serverId: 's', title: 'Security audit of prod', status: 'succeeded', steps: [], createdAt: '2026-11-28T11:00:00Z', startedAt: '2026-11-28T11:00:00Z' }, { id: 'j4', kind: 'deploy', serverId: 's', appId: 'a-web', title: 'Deploy', status: 'failed', steps: [], createdAt: '2026-11-28T09:00:00Z' }] as never;
    const all = mergeTrail(server, local, { installation: 'inst-a', who: 'me@a', appNames: new Map([['a-web', 'web']]) });
    expect(all.map((e) => e.jobId)).toEqual(['j2', 'j1', 'j3', 'j4']);
    const web = mergeTrail(server, local, { installation: 'inst-a', who: 'me@a', app: { id: 'a-web', name: 'web' } as never, appNames: new Map([['a-web', 'web']]) });
    expect(web.map((e) => e.jobId)).toEqual(['j1', 'j4']);
  });

  it('exports CSV a spreadsheet cannot run', () => {
    const csv = trailToCsv([{ at: 't', source: 'server', installation: 'i', who: '=HYPERLINK("x")', jobId: 'j', jobKind: 'deploy', verb: 'golive', target: 'web', args: 'a,b', outcome: 'ok', mine: false }]);
    expect(csv.split('\n')[1]).toBe(`t,server,"'=HYPERLINK(""x"")",i,j,deploy,golive,web,"a,b",ok`);
  });
});
