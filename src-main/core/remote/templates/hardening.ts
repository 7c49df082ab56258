// The configuration files hardening writes, rendered from typed inputs (snapshot-tested).
import { shellQuote } from '../quote';

export const PATHS = {
  sshdDropIn: '/etc/ssh/sshd_config.d/00-skiff-hardening.conf',
  fail2banJail: '/etc/fail2ban/jail.d/skiff-sshd.local',
  autoUpgrades: '/etc/apt/apt.conf.d/20auto-upgrades',
  rootHelper: '/usr/local/sbin/skiff-root',
  sudoers: (user: string) => `/etc/sudoers.d/skiff-${user}`,
} as const;

/** The settings the sshd drop-in enforces, also what `sshd -T` must report after reload. */
export const SSHD_EXPECTED: Record<string, string> = {
  permitrootlogin: 'no',
  passwordauthentication: 'no',
  kbdinteractiveauthentication: 'no',
  pubkeyauthentication: 'yes',
  permitemptypasswords: 'no',
  maxauthtries: '3',
  x11forwarding: 'no',
};

/**
 * sshd keeps the first value it reads for most keywords, and Debian's sshd_config includes
 * sshd_config.d/*.conf before its own settings: a file named 00-… wins over every other drop-in
 * (e.g. cloud-init's 50-cloud-init.conf re-enabling passwords).
 */
export function renderSshdDropIn(): string {
  return `# Managed by Skiff: SSH hardening. Named 00-… so it is read first (sshd keeps the first value).
# Skiff checks it with \`sshd -t\` before reloading and restores the previous file on any failure.
PermitRootLogin no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitEmptyPasswords no
MaxAuthTries 3
LoginGraceTime 30
X11Forwarding no
ClientAliveInterval 300
ClientAliveCountMax 2
# Modern key exchange, ciphers and MACs only (what ssh-audit recommends for OpenSSH 9).
KexAlgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group-exchange-sha256
Ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr
MACs hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,umac-128-etm@openssh.com
`;
}

/** fail2ban's sshd jail. `backend = systemd`: stock Debian 12 has no /var/log/auth.log, so the default backend makes fail2ban fail to start. */
export function renderFail2banJail(sshPort: number): string {
  return `# Managed by Skiff: fail2ban watches SSH logins on the port Skiff connects on.
[sshd]
enabled = true
backend = systemd
port = ${sshPort}
maxretry = 5
findtime = 10m
bantime = 1h
`;
}

export function renderAutoUpgrades(): string {
  return `// Managed by Skiff: refresh package lists and install security updates every day.
APT::Periodic::Update-Package-Lists "1";
APT::Periodic::Unattended-Upgrade "1";
`;
}

/** The app user may run Skiff's root helper and nothing else as root. */
export function renderSudoers(appUser: string): string {
  return `# Managed by Skiff: ${appUser} may run Skiff's root helper, nothing else, as root.
${appUser} ALL=(root) NOPASSWD: ${PATHS.rootHelper}
`;
}

/** The firewall rules hardening ensures, for the preview and the audit. */
export function firewallRules(sshPort: number): string[] {
  return [`${sshPort}/tcp ALLOW IN (SSH)`, '80/tcp ALLOW IN (HTTP)', '443/tcp ALLOW IN (HTTPS)'];
}

/**
 * A shell line that writes `content` to `path` exactly (base64 survives any byte), through a temp
 * file renamed into place, optionally checked first (e.g. `visudo -cf`) so a bad file never lands.
 */
export function writeFileCommand(path: string, content: string, mode: string, validate?: (tmp: string) => string): string {
  const b64 = Buffer.from(content, 'utf8').toString('base64');
  const tmp = shellQuote(path + '.skiff-new');
  const check = validate ? ` && { ${validate(tmp)} || { rm -f ${tmp}; false; }; }` : '';
  return `printf '%s' ${shellQuote(b64)} | base64 -d > ${tmp} && chmod ${shellQuote(mode)} ${tmp}${check} && mv -f ${tmp} ${shellQuote(path)}`;
}
