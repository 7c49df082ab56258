// fail2ban's sshd jail and Skiff's filter for it. The stock sshd filter counts several lines of one
// refused login (e.g. "ROOT LOGIN REFUSED", "maximum authentication attempts exceeded", "Too many
// authentication failures"), so two mistyped `ssh root@server` banned their own user. Skiff's
// filter matches the one line sshd writes when an unauthenticated connection ends: one refused
// login is one failure, whatever the client tried inside it.
import { fillTemplate } from '../template';

export const BAN = { maxRetry: 5, findTime: '10m', findTimeText: '10 minutes', banTime: '1h', banTimeText: '1 hour' } as const;

export const JAIL_TEMPLATE = `# Managed by Skiff: fail2ban watches SSH logins on the port Skiff connects on.
# backend = systemd: stock Debian 12 has no /var/log/auth.log, so the default backend never starts.
[sshd]
enabled = true
backend = systemd
filter = skiff-sshd
port = {{port}}
maxretry = ${BAN.maxRetry}
findtime = ${BAN.findTime}
bantime = ${BAN.banTime}
`;

export const FILTER = `# Managed by Skiff: one line per SSH connection that ended without logging in.
[INCLUDES]
before = common.conf

[Definition]
_daemon = sshd
# The journal gives "host sshd[pid]: message"; match the message only.
prefregex = ^%(__prefix_line)s<F-CONTENT>.+</F-CONTENT>$
failregex = ^(?:Connection (?:closed|reset)|Disconnected) (?:by|from) (?:invalid|authenticating) user \\S+ <HOST> port \\d+ \\[preauth\\]\\s*$
            ^Disconnecting (?:invalid|authenticating) user \\S+ <HOST> port \\d+: Too many authentication failures \\[preauth\\]\\s*$
ignoreregex =
journalmatch = _COMM=sshd
`;

export function renderFail2banJail(port: number): string {
  return fillTemplate(JAIL_TEMPLATE, { port: String(port) });
}
