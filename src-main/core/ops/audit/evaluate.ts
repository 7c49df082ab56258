// Turns the audit script's raw sections into pass/warn/fail items, each with a one-line fix.
// Pure: unit-tested on captured output, integration-tested against fresh and hardened VMs.
import type { AuditItem, AuditStatus } from '../../../../src-shared/domain';
import { serviceUser } from '../../remote/paths';
import { splitSections } from '../../remote/readBack';
import { describeConflicts, parseEffective, sshdConflicts } from '../hardeningState';

const item = (id: string, category: AuditItem['category'], title: string, status: AuditStatus, detail: string, fix = ''): AuditItem =>
  ({ id, category, title, status, detail, fix: status === 'pass' || status === 'info' ? '' : fix });

function sshdItems(text: string | undefined, sources: string | undefined): AuditItem[] {
  if (!text || text.includes('SKIFF-ERROR') || !/^port /m.test(text)) {
    return [item('ssh.readable', 'ssh', 'Effective sshd settings', 'warn', 'could not read `sshd -T` (needs root)', 'Run the audit after setup, or as root.')];
  }
  const eff = parseEffective(text);
  // A file read before Skiff's drop-in wins: name it, since running Harden alone cannot beat it.
  const conflicts = sshdConflicts(sources ?? '');
  const why = (key: string) => { const c = conflicts.filter((x) => x.key === key); return c.length ? ` (${describeConflicts(c)})` : ''; };
  const hardenFor = (key: string) => (conflicts.some((c) => c.key === key)
    ? `Run "Harden" and let its preview comment out ${conflicts.filter((c) => c.key === key).map((c) => `${c.file} line ${c.line}`).join(', ')}.`
    : 'Run "Harden" in Skiff.');
  const harden = 'Run "Harden" in Skiff.';
  const root = eff.get('permitrootlogin') ?? '?';
  const pw = eff.get('passwordauthentication') ?? '?';
  const kbd = eff.get('kbdinteractiveauthentication') ?? '?';
  const tries = Number(eff.get('maxauthtries') ?? 6);
  const ports = [...text.matchAll(/^port (\d+)$/gm)].map((m) => m[1]);
  return [
    item('ssh.root-login', 'ssh', 'Root login over SSH', root === 'no' ? 'pass' : root === 'yes' ? 'fail' : 'warn', `PermitRootLogin ${root}${root === 'no' ? '' : why('permitrootlogin')}`, `Disable root login: ${hardenFor('permitrootlogin')}`),
    item('ssh.password-auth', 'ssh', 'Password logins', pw === 'no' ? 'pass' : 'fail', `PasswordAuthentication ${pw}${pw === 'no' ? '' : why('passwordauthentication')}`, `Allow keys only: ${hardenFor('passwordauthentication')}`),
    item('ssh.kbd-interactive', 'ssh', 'Keyboard-interactive logins', kbd === 'no' ? 'pass' : 'warn', `KbdInteractiveAuthentication ${kbd}${kbd === 'no' ? '' : why('kbdinteractiveauthentication')}`, `Turn it off: ${hardenFor('kbdinteractiveauthentication')}`),
    item('ssh.max-auth-tries', 'ssh', 'Login attempts per connection', tries <= 3 ? 'pass' : 'warn', `MaxAuthTries ${tries}${tries <= 3 ? '' : why('maxauthtries')}`, `Limit to 3: ${hardenFor('maxauthtries')}`),
    item('ssh.x11', 'ssh', 'X11 forwarding', eff.get('x11forwarding') === 'no' ? 'pass' : 'warn', `X11Forwarding ${eff.get('x11forwarding') ?? '?'}`, `A server needs no X11: ${harden}`),
    item('ssh.port', 'ssh', 'SSH port', 'info', `sshd listens on ${ports.join(', ')}`),
  ];
}

function firewallItems(ufw: string | undefined, listening: string | undefined, sshPort: number): AuditItem[] {
  const harden = 'Run "Harden" in Skiff.';
  if (!ufw || ufw.includes('SKIFF-MISSING')) return [item('fw.installed', 'firewall', 'Firewall (ufw)', 'fail', 'ufw is not installed', 'Run "Set up", then "Harden".')];
  if (!/Status: active/.test(ufw)) {
    const open = publicPorts(listening);
    return [item('fw.active', 'firewall', 'Firewall (ufw)', 'fail', `inactive; ports reachable from anywhere: ${open.join(', ') || 'none'}`, `Turn the firewall on: ${harden}`)];
  }
  const allowed = new Set([...ufw.matchAll(/^(\d+)(?:\/(?:tcp|udp))?(?: \(v6\))?\s+ALLOW IN/gm)].map((m) => m[1]));
  const items = [
    item('fw.active', 'firewall', 'Firewall (ufw)', 'pass', 'active'),
    item('fw.default-deny', 'firewall', 'Incoming by default', /Default: deny \(incoming\)/.test(ufw) ? 'pass' : 'fail', /Default: (\w+) \(incoming\)/.exec(ufw)?.[0] ?? 'unknown', `Deny incoming by default: ${harden}`),
    item('fw.ssh-allowed', 'firewall', 'SSH port allowed', allowed.has(String(sshPort)) ? 'pass' : 'fail', allowed.has(String(sshPort)) ? `${sshPort}/tcp allowed` : `${sshPort}/tcp is not allowed: the next login may be blocked`, `Allow ${sshPort}/tcp: ${harden}`),
  ];
  const exposed = publicPorts(listening).filter((p) => allowed.has(p) && !['80', '443', String(sshPort)].includes(p));
  items.push(item('fw.exposed', 'firewall', 'Listening ports open to the internet', exposed.length ? 'warn' : 'pass',
    exposed.length ? `also allowed and listening: ${exposed.join(', ')}` : `only SSH, HTTP and HTTPS are allowed (${publicPorts(listening).join(', ') || 'nothing else'} listening)`,
    'Remove the ufw rules for ports that should not be public (ufw delete allow PORT).'));
  return items;
}

/** Ports listening on a non-loopback address. */
function publicPorts(listening: string | undefined): string[] {
  const ports = new Set<string>();
  for (const addr of (listening ?? '').split('\n')) {
    const m = /^(.*):(\d+)$/.exec(addr.trim());
    if (!m) continue;
    if (/^(127\.|\[::1\]|::1|\[::ffff:127\.)/.test(m[1])) continue;
    ports.add(m[2]);
  }
  return [...ports].sort((a, b) => Number(a) - Number(b));
}

function fail2banItems(text: string | undefined): AuditItem[] {
  const fix = 'Run "Harden" in Skiff: it sets up an sshd jail that works on Debian 12.';
  if (!text || text.includes('SKIFF-MISSING')) return [item('f2b.running', 'fail2ban', 'fail2ban', 'fail', 'not installed', fix)];
  if (text.includes('SKIFF-INACTIVE')) return [item('f2b.running', 'fail2ban', 'fail2ban', 'fail', 'installed but not running', fix)];
  if (text.includes('SKIFF-NOJAIL') || !/Currently banned/.test(text)) return [item('f2b.running', 'fail2ban', 'fail2ban sshd jail', 'fail', 'running, but no sshd jail', fix)];
  const banned = Number(/Currently banned:\s*(\d+)/.exec(text)?.[1] ?? 0);
  const total = Number(/Total banned:\s*(\d+)/.exec(text)?.[1] ?? 0);
  const list = /Banned IP list:\s*(.*)/.exec(text)?.[1]?.trim() ?? '';
  return [
    item('f2b.running', 'fail2ban', 'fail2ban sshd jail', 'pass', 'active'),
    item('f2b.bans', 'fail2ban', 'Current bans', 'info', `${banned} banned now${list ? ` (${list})` : ''}, ${total} in total`),
  ];
}

function updateItems(updates: string | undefined, unattended: string | undefined, reboot: string | undefined, sources: string | undefined): AuditItem[] {
  const lines = (updates ?? '').split('\n').filter((l) => l.startsWith('Inst '));
  const security = lines.filter((l) => /security/i.test(l));
  // Without a security source apt sees no security updates at all, and unattended-upgrades
  // (which installs from the security origin) has nothing to install: neither item can pass.
  const originKnown = sources !== undefined;
  const origins = (sources ?? '').split('\n').filter((l) => /\S+ \S*-security\S*$/.test(l.trim()));
  if (originKnown && !origins.length) {
    return [
      item('updates.source', 'updates', 'Security updates source', 'fail', 'no security repository among apt\'s sources: security fixes never arrive', 'Run "Set up" in Skiff: it adds the security source for this release.'),
      item('updates.security', 'updates', 'Pending security updates', 'warn', 'unknown: apt has no security source to compare with', 'Run "Set up" in Skiff (it adds the source), then audit again.'),
      item('updates.unattended', 'updates', 'Automatic security updates', 'fail', 'nothing to install from: no security source', 'Run "Set up" in Skiff.'),
      ...rebootItem(reboot),
    ];
  }
  const items = [
    ...(originKnown ? [item('updates.source', 'updates', 'Security updates source', 'pass', origins.map((l) => l.trim()).join(', '))] : []),
    item('updates.security', 'updates', 'Pending security updates', security.length ? 'warn' : 'pass',
      security.length ? `${security.length} pending: ${security.slice(0, 5).map((l) => l.split(' ')[1]).join(', ')}${security.length > 5 ? '…' : ''}` : `none (${lines.length} other update(s) pending)`,
      'Run "Set up" again (it upgrades packages), or wait for unattended-upgrades.'),
  ];
  if (!unattended || unattended.includes('SKIFF-MISSING')) {
    items.push(item('updates.unattended', 'updates', 'Automatic security updates', 'fail', 'unattended-upgrades is not installed', 'Run "Set up" in Skiff.'));
  } else {
    const on = /Unattended-Upgrade "1"/.test(unattended) && /Update-Package-Lists "1"/.test(unattended);
    items.push(item('updates.unattended', 'updates', 'Automatic security updates', on ? 'pass' : 'fail', on ? 'on (daily)' : 'installed but not turned on', 'Run "Set up" in Skiff.'));
  }
  return [...items, ...rebootItem(reboot)];
}

function rebootItem(reboot: string | undefined): AuditItem[] {
  const needs = (reboot ?? '').startsWith('yes');
  return [item('system.reboot', 'system', 'Reboot required', needs ? 'warn' : 'pass', needs ? `yes${reboot!.split('\n')[1] ? ` (for ${reboot!.split('\n').slice(1).join(', ')})` : ''}` : 'no', 'Reboot the server at a quiet moment to load updated kernel/libraries.')];
}

function sudoersItems(text: string | undefined, appUser: string | undefined): AuditItem[] {
  if (!appUser) return [item('access.app-user', 'access', 'App user', 'warn', 'not set up yet: Skiff logs in as the admin user', 'Run "Set up" in Skiff.')];
  const body = (text ?? '').split('\n').filter((l) => l && !l.startsWith('#')).join('\n');
  const scoped = body.trim() === `${appUser} ALL=(root) NOPASSWD: /usr/local/sbin/skiff-root`;
  const groups = /# sudo group: (.*)/.exec(text ?? '')?.[1]?.split(',').map((s) => s.trim()) ?? [];
  const inSudo = groups.includes(appUser);
  return [
    item('access.sudoers', 'access', `Sudo rights of ${appUser}`, scoped && !inSudo ? 'pass' : 'fail',
      scoped && !inSudo ? "only Skiff's root helper" : inSudo ? `${appUser} is in the sudo group (full root)` : `unexpected sudoers entry: ${body.slice(0, 120) || 'none'}`,
      inSudo ? `Remove ${appUser} from the sudo group (gpasswd -d ${appUser} sudo).` : 'Run "Set up" again to restore the scoped entry.'),
  ];
}

/** /proc with hidepid: other users (a compromised app included) cannot read command lines. */
function procItems(text: string | undefined): AuditItem[] {
  if (text === undefined) return [];
  const hidden = /hidepid=(2|invisible)/.test(text);
  return [item('system.hidepid', 'system', "Other users' processes hidden (/proc hidepid)", hidden ? 'pass' : 'warn', hidden ? 'hidepid=invisible' : 'every user can read every command line', 'Run "Set up" again in Skiff.')];
}

/** Each app must run as its own service user, never as the deploy user (who may sudo the helper). */
function appItems(text: string | undefined): AuditItem[] {
  if (text === undefined) return [];
  const units = text.split('\n').map((l) => l.trim().split(/\s+/)).filter((p) => p[0]?.startsWith('skiff-'));
  if (!units.length) return [item('access.apps', 'access', 'Apps run as their own service users', 'info', 'no app deployed yet')];
  const wrong = units.filter(([unit, user]) => user !== serviceUser(unit.slice('skiff-'.length)));
  return [item('access.apps', 'access', 'Apps run as their own service users', wrong.length ? 'fail' : 'pass',
    wrong.length ? `running as the login user or root: ${wrong.map(([u, who]) => `${u.slice(6)} (${who || 'root'})`).join(', ')}` : `${units.length} app(s), each on its own service user`,
    'Open the server in Skiff and choose "Move to per-app service users".')];
}

export interface AuditInput { raw: string; sshPort: number; appUser?: string }

export function evaluateAudit({ raw, sshPort, appUser }: AuditInput): AuditItem[] {
  const s = splitSections(raw);
  return [
    ...sshdItems(s.get('sshd'), s.get('sshdsources')),
    ...firewallItems(s.get('ufw'), s.get('listening'), sshPort),
    ...fail2banItems(s.get('fail2ban')),
    ...updateItems(s.get('updates'), s.get('unattended'), s.get('reboot'), s.get('security')),
    ...sudoersItems(s.get('sudoers'), appUser),
    ...appItems(s.get('apps')),
    ...procItems(s.get('proc')),
  ];
}
