import { describe, expect, it } from 'vitest';
import { splitSections } from '../../remote/readBack';
import { evaluateAudit } from './evaluate';

const FRESH = `
==whoami==
root
==sshd==
port 22
permitrootlogin without-password
passwordauthentication yes
kbdinteractiveauthentication no
maxauthtries 6
x11forwarding yes
==ufw==
SKIFF-MISSING
==listening==
0.0.0.0:22
[::]:22
127.0.0.1:631
==fail2ban==
SKIFF-MISSING
==updates==
Inst libssl3 [3.0.15-1~deb12u1] (3.0.17-1~deb12u2 Debian-Security:12/stable-security [amd64])
Inst tzdata [2024a-0+deb12u1] (2025b-0+deb12u1 Debian:12.11/stable [all])
==unattended==
SKIFF-MISSING
==reboot==
no
==sudoers==
# sudo group: 
==end==
`;

const HARDENED = `
==whoami==
root
==sshd==
port 2222
permitrootlogin no
passwordauthentication no
kbdinteractiveauthentication no
maxauthtries 3
x11forwarding no
==ufw==
Status: active
Logging: on (low)
Default: deny (incoming), allow (outgoing), disabled (routed)
New profiles: skip

To                         Action      From
--                         ------      ----
2222/tcp                   ALLOW IN    Anywhere                   # Skiff: SSH
80/tcp                     ALLOW IN    Anywhere                   # Skiff: HTTP
443/tcp                    ALLOW IN    Anywhere                   # Skiff: HTTPS
8090/tcp                   ALLOW IN    Anywhere
2222/tcp (v6)              ALLOW IN    Anywhere (v6)              # Skiff: SSH
==listening==
0.0.0.0:2222
0.0.0.0:8090
127.0.0.1:8091
==fail2ban==
Status for the jail: sshd
|- Filter
|  |- Currently failed:	1
|  |- Total failed:	9
|  \`- Journal matches:	_SYSTEMD_UNIT=sshd.service + _COMM=sshd
\`- Actions
   |- Currently banned:	1
   |- Total banned:	2
   \`- Banned IP list:	203.0.113.9
==updates==
==unattended==
APT::Periodic::Update-Package-Lists "1";
APT::Periodic::Unattended-Upgrade "1";
==reboot==
yes
linux-image-6.1.0-50-cloud-amd64
==sudoers==
# /etc/sudoers.d/skiff-skiff
# Managed by Skiff: skiff may run Skiff's root helper, nothing else, as root.
skiff ALL=(root) NOPASSWD: /usr/local/sbin/skiff-root
# sudo group: admin
==end==
`;

const byId = (items: ReturnType<typeof evaluateAudit>) => Object.fromEntries(items.map((i) => [i.id, i]));

describe('evaluateAudit', () => {
  it('splits the script output into sections', () => {
    expect(splitSections(FRESH).get('whoami')).toBe('root');
    expect(splitSections(FRESH).get('listening')).toBe('0.0.0.0:22\n[::]:22\n127.0.0.1:631');
  });

  it('fails and warns a fresh server, each with a fix', () => {
    const r = byId(evaluateAudit({ raw: FRESH, sshPort: 22 }));
    expect(r['ssh.root-login']).toMatchObject({ status: 'warn', detail: 'PermitRootLogin without-password' });
    expect(r['ssh.password-auth'].status).toBe('fail');
    expect(r['ssh.max-auth-tries'].status).toBe('warn');
    expect(r['fw.installed'].status).toBe('fail');
    expect(r['f2b.running'].status).toBe('fail');
    expect(r['updates.security']).toMatchObject({ status: 'warn', detail: expect.stringContaining('libssl3') });
    expect(r['updates.unattended'].status).toBe('fail');
    expect(r['access.app-user'].status).toBe('warn');
    for (const i of Object.values(r)) if (i.status === 'fail' || i.status === 'warn') expect(i.fix, i.id).not.toBe('');
  });

  it('passes a hardened server and points at what is still open', () => {
    const r = byId(evaluateAudit({ raw: HARDENED, sshPort: 2222, appUser: 'skiff' }));
    for (const id of ['ssh.root-login', 'ssh.password-auth', 'ssh.kbd-interactive', 'ssh.max-auth-tries', 'ssh.x11', 'fw.active', 'fw.default-deny', 'fw.ssh-allowed', 'f2b.running', 'updates.security', 'updates.unattended', 'access.sudoers']) {
      expect(`${id}=${r[id].status}`).toBe(`${id}=pass`);
    }
    expect(r['fw.exposed']).toMatchObject({ status: 'warn', detail: 'also allowed and listening: 8090' });
    expect(r['f2b.bans']).toMatchObject({ status: 'info', detail: '1 banned now (203.0.113.9), 2 in total' });
    expect(r['system.reboot']).toMatchObject({ status: 'warn', detail: expect.stringContaining('linux-image') });
    expect(r['ssh.port'].detail).toBe('sshd listens on 2222');
    expect(r['fw.ssh-allowed'].fix).toBe('');
  });

  it('fails a firewall that does not allow the SSH port, and an app user with full sudo', () => {
    const raw = HARDENED.replace(/^2222\/tcp.*$/gm, '').replace('# sudo group: admin', '# sudo group: admin,skiff');
    const r = byId(evaluateAudit({ raw, sshPort: 2222, appUser: 'skiff' }));
    expect(r['fw.ssh-allowed']).toMatchObject({ status: 'fail', detail: expect.stringContaining('2222/tcp is not allowed') });
    expect(r['access.sudoers']).toMatchObject({ status: 'fail', detail: 'skiff is in the sudo group (full root)' });
  });

  it('says when sshd settings could not be read', () => {
    const r = byId(evaluateAudit({ raw: FRESH.replace(/==sshd==[\s\S]*?==ufw==/, '==sshd==\nSKIFF-ERROR: sshd -T failed\n==ufw=='), sshPort: 22 }));
    expect(r['ssh.readable']).toMatchObject({ status: 'warn', detail: expect.stringContaining('needs root') });
  });
});

describe('the security source', () => {
  const raw = (security: string) => `\n==updates==\n\n==unattended==\nAPT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n==security==\n${security}\n==reboot==\nno\n==end==\n`;
  const status = (security: string) => Object.fromEntries(evaluateAudit({ raw: raw(security), sshPort: 22 }).filter((i) => i.category === 'updates').map((i) => [i.id, i.status]));

  it('fails without one, and then neither "no pending updates" nor "automatic updates on" can pass', () => {
    expect(status('none')).toEqual({ 'updates.source': 'fail', 'updates.security': 'warn', 'updates.unattended': 'fail' });
  });

  it('passes with the release\'s security suite', () => {
    expect(status('http://deb.debian.org/debian-security bookworm-security')).toEqual({ 'updates.source': 'pass', 'updates.security': 'pass', 'updates.unattended': 'pass' });
  });
});

describe('an sshd file read before Skiff\'s drop-in', () => {
  it('is named in the item and its fix', () => {
    const raw = '\n==sshd==\nport 22\npermitrootlogin no\npasswordauthentication yes\n==sshdsources==\n/etc/ssh/sshd_config.d/00-custom.conf:1:PasswordAuthentication yes\n/etc/ssh/sshd_config.d/00-skiff-hardening.conf:3:PasswordAuthentication no\n==end==\n';
    const pw = evaluateAudit({ raw, sshPort: 22 }).find((i) => i.id === 'ssh.password-auth')!;
    expect(pw.status).toBe('fail');
    expect(pw.detail).toContain('/etc/ssh/sshd_config.d/00-custom.conf line 1 ("PasswordAuthentication yes") is read before Skiff\'s drop-in and wins');
    expect(pw.fix).toBe('Allow keys only: Run "Harden" and let its preview comment out /etc/ssh/sshd_config.d/00-custom.conf line 1.');
  });
});
