// What hardening sets beyond SSH, firewall and fail2ban (docs/hardening.md, "System"): kernel and
// network settings, protocols and devices a server never needs, a login banner, password aging.
// Chosen from Lynis's suggestions for what fits a PocketBase VPS; the ones Skiff skips are listed
// with their reasons in docs/hardening.md.

export const PATHS_SYSTEM = {
  sysctl: '/etc/sysctl.d/90-skiff-hardening.conf',
  modprobe: '/etc/modprobe.d/skiff-hardening.conf',
  issue: '/etc/issue',
  issueNet: '/etc/issue.net',
  limits: '/etc/security/limits.d/skiff-hardening.conf',
  coredump: '/etc/systemd/coredump.conf.d/skiff-hardening.conf',
} as const;

/** Lynis KRNL-6000's profile, but kernel.modules_disabled (it forbids loading any module until reboot). */
export const SYSCTL_HARDENING = `# Managed by Skiff: kernel and network hardening. Nothing here is needed by PocketBase or Caddy.
dev.tty.ldisc_autoload = 0
fs.protected_fifos = 2
fs.protected_hardlinks = 1
fs.protected_regular = 2
fs.protected_symlinks = 1
fs.suid_dumpable = 0
kernel.core_uses_pid = 1
kernel.dmesg_restrict = 1
kernel.kptr_restrict = 2
kernel.perf_event_paranoid = 3
kernel.randomize_va_space = 2
kernel.sysrq = 0
kernel.unprivileged_bpf_disabled = 1
kernel.yama.ptrace_scope = 1
net.core.bpf_jit_harden = 2
net.ipv4.conf.all.accept_redirects = 0
net.ipv4.conf.all.accept_source_route = 0
net.ipv4.conf.all.bootp_relay = 0
net.ipv4.conf.all.forwarding = 0
net.ipv4.conf.all.log_martians = 1
net.ipv4.conf.all.mc_forwarding = 0
net.ipv4.conf.all.proxy_arp = 0
net.ipv4.conf.all.rp_filter = 1
net.ipv4.conf.all.send_redirects = 0
net.ipv4.conf.default.accept_redirects = 0
net.ipv4.conf.default.accept_source_route = 0
net.ipv4.conf.default.log_martians = 1
net.ipv4.icmp_echo_ignore_broadcasts = 1
net.ipv4.icmp_ignore_bogus_error_responses = 1
net.ipv4.tcp_syncookies = 1
net.ipv6.conf.all.accept_redirects = 0
net.ipv6.conf.all.accept_source_route = 0
net.ipv6.conf.default.accept_redirects = 0
net.ipv6.conf.default.accept_source_route = 0
`;

// `/bin/true`, as CIS and Lynis expect it: the module is never loaded, and asking for it is no error.
export const MODPROBE_HARDENING = `# Managed by Skiff: protocols and devices a server never needs cannot be loaded.
install dccp /bin/true
install sctp /bin/true
install rds /bin/true
install tipc /bin/true
install usb-storage /bin/true
install firewire-core /bin/true
blacklist dccp
blacklist sctp
blacklist rds
blacklist tipc
blacklist usb-storage
blacklist firewire-core
blacklist firewire-ohci
`;

/** No core dumps: a crashing process must not leave its memory (secrets, sessions) on disk. */
export const LIMITS_HARDENING = `# Managed by Skiff: no core dumps (they would hold a crashed process's memory).
* hard core 0
`;

export const COREDUMP_HARDENING = `# Managed by Skiff: no core dumps (they would hold a crashed process's memory).
[Coredump]
Storage=none
ProcessSizeMax=0
`;

/** Root-only places that are world-readable by default: cron's tables, sshd's main config. */
export const ROOT_ONLY = ['/etc/crontab', '/etc/cron.d', '/etc/cron.daily', '/etc/cron.hourly', '/etc/cron.weekly', '/etc/cron.monthly', '/etc/ssh/sshd_config'];

export const LOGIN_BANNER = `Authorized access only. This system is private and monitored: connections are logged, and
unauthorized use is prohibited and may be reported.
`;

/** /etc/login.defs settings (password aging and hashing cost: no Skiff account has a password; these cover accounts people add). */
export const LOGIN_DEFS: Record<string, string> = {
  PASS_MAX_DAYS: '365',
  PASS_MIN_DAYS: '1',
  PASS_WARN_AGE: '14',
  SHA_CRYPT_MIN_ROUNDS: '5000',
  SHA_CRYPT_MAX_ROUNDS: '10000',
};

/** The login.defs lines as the helper's awk sets them, for the helper and its test. */
export function loginDefsAwk(): string {
  const sets = Object.entries(LOGIN_DEFS).map(([k, v]) => `want["${k}"] = "${v}"`).join('; ');
  return `BEGIN { ${sets} } { k = $1; sub(/^#[[:space:]]*/, "", k) } (k in want) && ($1 == k || $1 ~ /^#/) && !(k in done) { print k "\\t" want[k]; done[k] = 1; next } { print } END { for (k in want) if (!(k in done)) print k "\\t" want[k] }`;
}
