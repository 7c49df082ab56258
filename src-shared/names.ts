// Names that become accounts and folders on a server. Checked in the contract (the user sees the
// reason at once) and again where they are used; the server refuses them a third time.

/** Accounts a Debian/Ubuntu server has or a package may create: never Skiff's deploy user. */
const SYSTEM_ACCOUNTS = new Set([
  'root', 'daemon', 'bin', 'sys', 'sync', 'games', 'man', 'lp', 'mail', 'news', 'uucp', 'proxy', 'www-data', 'backup', 'list', 'irc',
  'gnats', 'nobody', 'nogroup', '_apt', 'messagebus', 'sshd', 'caddy', 'ntp', 'systemd-network', 'systemd-resolve', 'systemd-timesync',
  'systemd-journal', 'systemd-coredump', 'polkitd', 'syslog', 'tss', 'uuidd', 'tcpdump', 'landscape', 'pollinate', 'fwupd-refresh',
  'usbmux', 'dnsmasq', 'postfix', 'postgres', 'mysql', 'redis', 'memcache', 'debian', 'ubuntu', 'admin', 'sudo', 'adm', 'staff',
  'users', 'wheel', 'operator', 'shadow', 'utmp', 'tty', 'disk', 'kmem', 'dialout', 'audio', 'video', 'plugdev', 'netdev',
]);

/** Words sudoers gives a meaning of its own (a user named ALL would give every account the helper). */
const SUDOERS_WORDS = new Set(['all', 'defaults', 'host_alias', 'user_alias', 'runas_alias', 'cmnd_alias', 'cmd_alias', 'include', 'includedir']);

/** Why `name` cannot be Skiff's deploy user, or undefined when it can. */
export function deployUserProblem(name: string): string | undefined {
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(name)) return 'The deploy user must be a portable lowercase name: a letter or _, then letters, digits, _ or - (at most 32).';
  if (SUDOERS_WORDS.has(name)) return `"${name}" means something else to sudo: choose another name.`;
  if (SYSTEM_ACCOUNTS.has(name) || name.startsWith('systemd-') || name.startsWith('_')) return `"${name}" is a system account: choose a name of its own, e.g. "skiff".`;
  if (name.startsWith('pb-')) return 'Names starting with "pb-" are kept for the apps\' own service users.';
  return undefined;
}
