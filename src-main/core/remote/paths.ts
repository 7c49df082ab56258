// Where Skiff keeps things on a server (SPEC "Remote layout"). Everything that names a server path
// comes from here, so docs/security.md, the helper and the scripts agree.
import { createHash } from 'node:crypto';

export const APPS_ROOT = '/opt/skiff/apps';

export const PATHS = {
  rootHelper: '/usr/local/sbin/skiff-root',
  helperSigners: '/etc/skiff/helper-signers',
  appEnvDir: '/etc/skiff/apps',
  sshdDropIn: '/etc/ssh/sshd_config.d/00-skiff-hardening.conf',
  fail2banJail: '/etc/fail2ban/jail.d/skiff-sshd.local',
  fail2banFilter: '/etc/fail2ban/filter.d/skiff-sshd.conf',
  autoUpgrades: '/etc/apt/apt.conf.d/20auto-upgrades',
  sudoers: (user: string) => `/etc/sudoers.d/skiff-${user}`,
} as const;

/**
 * The app's own system account. Linux user names stop at 32 characters, app names at 63: long
 * names keep a readable prefix and a hash of the whole name. The helper derives it the same way.
 */
export function serviceUser(app: string): string {
  const plain = `pb-${app}`;
  if (plain.length <= 32) return plain;
  return `pb-${app.slice(0, 20)}-${createHash('sha256').update(app).digest('hex').slice(0, 8)}`;
}

export function appPaths(app: string) {
  const root = `${APPS_ROOT}/${app}`;
  return {
    root,
    releases: `${root}/releases`,
    current: `${root}/current`,
    shared: `${root}/shared`,
    data: `${root}/shared/pb_data`,
    backups: `${root}/backups`,
    meta: `${root}/.skiff`,
    manifest: `${root}/.skiff/manifest.json`,
    lock: `${root}/.skiff/lock`,
    uploads: `${root}/.skiff/uploads`,
    env: `${PATHS.appEnvDir}/${app}.env`,
    unit: `/etc/systemd/system/skiff-${app}.service`,
    unitName: `skiff-${app}.service`,
    site: `/etc/caddy/skiff/${app}.caddy`,
  };
}
