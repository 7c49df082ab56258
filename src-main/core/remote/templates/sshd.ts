// The sshd drop-in hardening writes, and what `sshd -T` must report once it is in effect.
import { fillTemplate } from '../template';

/** The settings the drop-in enforces, also what `sshd -T` must report after reload. */
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
/** The drop-in as the helper renders it: `{{hostKeys}}` is empty, or the host keys kept when ECDSA is dropped. */
export const SSHD_TEMPLATE = `# Managed by Skiff: SSH hardening. Named 00-… so it is read first (sshd keeps the first value).
# Skiff checks it with \`sshd -t\` before reloading and restores the previous file on any failure.
PermitRootLogin no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitEmptyPasswords no
MaxAuthTries 3
LoginGraceTime 30
X11Forwarding no
AllowAgentForwarding no
ClientAliveInterval 300
ClientAliveCountMax 2
TCPKeepAlive no
Compression no
LogLevel VERBOSE
{{hostKeys}}# Modern key exchange, ciphers and MACs only (what ssh-audit recommends for OpenSSH 9).
KexAlgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group-exchange-sha256
Ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr
MACs hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,umac-128-etm@openssh.com
`;

/**
 * With `dropEcdsa`, sshd offers only its ed25519 and RSA host keys (ssh-audit fails NIST-curve
 * ECDSA). A HostKey line replaces sshd's default list, so both kept keys are named.
 */
export const HOST_KEYS_WITHOUT_ECDSA = `# The ECDSA host key is not offered (a hardening option): clients that pinned it see a new key.
HostKey /etc/ssh/ssh_host_ed25519_key
HostKey /etc/ssh/ssh_host_rsa_key
`;

export function renderSshdDropIn(o: { dropEcdsa: boolean }): string {
  return fillTemplate(SSHD_TEMPLATE, { hostKeys: o.dropEcdsa ? HOST_KEYS_WITHOUT_ECDSA : '' });
}

/** The drop-in of a default hardening (ECDSA kept). */
export const SSHD_DROP_IN = renderSshdDropIn({ dropEcdsa: false });

/** The firewall rules hardening ensures, for the preview and the audit. */
export function firewallRules(sshPort: number): string[] {
  return [`${sshPort}/tcp ALLOW IN (SSH)`, '80/tcp ALLOW IN (HTTP)', '443/tcp ALLOW IN (HTTPS)'];
}
