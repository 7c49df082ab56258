// Setup: from a fresh VPS (root or a sudo user) to a server with Skiff's app user, its key, a
// scoped sudo, up-to-date packages, the tools later jobs need, automatic security updates and
// /opt/skiff. Every step checks first and skips what is already done, so a second run changes
// nothing and says so. Ends by proving a fresh key login as the app user, then logs in as it.
import type { NodeSSH } from 'node-ssh';
import { SkiffError } from '../../../src-shared/errors';
import type { JobDefinition } from '../jobs/runner';
import { sh, shellQuote } from '../remote/quote';
import { PATHS, renderAutoUpgrades, renderSudoers, writeFileCommand } from '../remote/templates/hardening';
import { ROOT_HELPER } from '../remote/templates/rootHelper';
import { asRoot, helper, probeAccess, type Access } from './privilege';
import type { OpsDeps } from './deps';

export const SETUP_PACKAGES = ['ufw', 'fail2ban', 'python3-systemd', 'caddy', 'unzip', 'curl', 'sqlite3', 'zstd', 'unattended-upgrades'];

export function setupJob(deps: OpsDeps, serverId: string, appUser: string): JobDefinition {
  let ssh: NodeSSH;
  let access: Access;
  let keys: string[] = [];
  const home = appUser === 'root' ? '/root' : `/home/${appUser}`;

  return {
    kind: 'setup',
    serverId,
    title: `Set up ${deps.servers.get(serverId).name} (app user "${appUser}")`,
    steps: [
      {
        title: 'Connect and check access',
        run: async (ctx) => {
          await deps.servers.ensureKeyLogin(serverId);
          ssh = await deps.pool.get(serverId);
          access = await probeAccess(ssh);
          ctx.log(`logged in as ${access.user} (${access.privilege === 'helper' ? "via Skiff's root helper" : access.privilege}), ${access.arch}, sshd port ${access.sshPort}`);
          if (!access.debian) throw new SkiffError('NOT_DEBIAN');
          if (access.privilege === 'none') throw new SkiffError('NEEDS_ROOT', { message: `"${access.user}" cannot become root on this server (no passwordless sudo).` });
          keys = await deps.servers.authorizableKeys(serverId);
          ctx.log(`key(s) to authorize for ${appUser}: ${keys.map((k) => k.split(' ').slice(0, 2).join(' ').slice(0, 40) + '…').join(', ')}`);
          return { skipped: true, note: 'checked' };
        },
      },
      {
        title: "Install Skiff's root helper (/usr/local/sbin/skiff-root)",
        run: async (ctx) => {
          if (access.helperVersion === ROOT_HELPER.version) return { skipped: true, note: `already installed (${ROOT_HELPER.version})` };
          if (access.privilege === 'helper') {
            await ctx.exec(ssh, `printf '%s' ${shellQuote(Buffer.from(ROOT_HELPER.script).toString('base64'))} | base64 -d | ${helper(access, 'self-update')}`);
          } else {
            await ctx.exec(ssh, `${writeFileCommand(PATHS.rootHelper, ROOT_HELPER.script, '0755')} && chown root:root ${PATHS.rootHelper}`, asRoot(access));
          }
          access.helperVersion = ROOT_HELPER.version;
          ctx.log(`installed version ${ROOT_HELPER.version}`);
        },
      },
      {
        title: `Create the app user "${appUser}"`,
        run: async (ctx) => {
          const exists = await ctx.exec(ssh, sh`id -u ${appUser} >/dev/null 2>&1`.text, { check: false, quiet: true });
          if (exists.code === 0) return { skipped: true, note: 'already exists' };
          await ctx.exec(ssh, sh`useradd --create-home --shell /bin/bash --user-group ${appUser} && echo "created ${appUser}"`.text, asRoot(access));
        },
      },
      {
        title: `Authorize your key for ${appUser}`,
        run: async (ctx) => {
          const file = `${home}/.ssh/authorized_keys`;
          const check = keys.map((k) => sh`grep -qxF ${k} ${file}`.text).join(' && ');
          const present = await ctx.exec(ssh, `${check} 2>/dev/null`, { check: false, quiet: true, ...(access.user === appUser ? {} : asRoot(access)) });
          if (present.code === 0) return { skipped: true, note: 'already authorized' };
          const append = keys.map((k) => sh`grep -qxF ${k} ${file} || printf '%s\\n' ${k} >> ${file}`.text).join('\n');
          const own = access.user === appUser ? '' : sh`chown -R ${appUser}:${appUser} ${home + '/.ssh'}`.text;
          await ctx.exec(ssh, `umask 077\ninstall -d -m 700 ${shellQuote(home + '/.ssh')}\ntouch ${shellQuote(file)}\n${append}\nchmod 600 ${shellQuote(file)}\n${own}\necho "authorized ${keys.length} key(s)"`, access.user === appUser ? {} : asRoot(access));
        },
      },
      {
        title: "Let the app user run Skiff's helper as root (scoped sudo)",
        run: async (ctx) => {
          const want = renderSudoers(appUser);
          const file = PATHS.sudoers(appUser);
          const read = access.privilege === 'helper' ? helper(access, 'sudoers-show', appUser) : sh`cat ${file} 2>/dev/null || true`.text;
          const cur = await ctx.exec(ssh, read, { check: false, quiet: true, ...(access.privilege === 'helper' ? {} : asRoot(access)) });
          if (cur.stdout === want) return { skipped: true, note: 'already in place' };
          await ctx.exec(ssh, writeFileCommand(file, want, '0440', (tmp) => `visudo -cf ${tmp}`), asRoot(access));
        },
      },
      {
        title: 'Update package lists and upgrade installed packages',
        run: async (ctx) => {
          await ctx.exec(ssh, helper(access, 'apt-update'));
          const pending = await ctx.exec(ssh, "apt-get -s -o Debug::NoLocking=1 upgrade | grep -c '^Inst' || true", { quiet: true });
          const n = Number(pending.stdout.trim()) || 0;
          if (n === 0) return { skipped: true, note: 'already up to date' };
          ctx.log(`${n} package(s) to upgrade`);
          await ctx.exec(ssh, helper(access, 'apt-upgrade'));
          return { note: `${n} upgraded` };
        },
      },
      {
        title: `Install ${SETUP_PACKAGES.join(', ')}`,
        run: async (ctx) => {
          const q = await ctx.exec(ssh, sh`for p in ${SETUP_PACKAGES}; do dpkg-query -W -f='$''{Status}\\n' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"; done`.text, { quiet: true });
          const missing = q.stdout.split('\n').map((s) => s.trim()).filter(Boolean);
          if (missing.length === 0) return { skipped: true, note: 'already installed' };
          await ctx.exec(ssh, helper(access, 'apt-install', ...missing));
          return { note: `installed ${missing.join(', ')}` };
        },
      },
      {
        title: 'Turn on automatic security updates (unattended-upgrades)',
        run: async (ctx) => {
          const want = renderAutoUpgrades();
          const cur = await ctx.exec(ssh, helper(access, 'config-show', 'auto-upgrades'), { quiet: true });
          if (cur.stdout === want) return { skipped: true, note: 'already on' };
          await ctx.exec(ssh, `printf '%s' ${shellQuote(want)} | ${helper(access, 'config-write', 'auto-upgrades')}`);
        },
      },
      {
        title: 'Create /opt/skiff',
        run: async (ctx) => {
          const st = await ctx.exec(ssh, "stat -c '%U:%G %a' /opt/skiff /opt/skiff/apps 2>/dev/null || true", { quiet: true });
          if (st.stdout.trim() === `root:root 755\n${appUser}:${appUser} 750`) return { skipped: true, note: 'already there' };
          await ctx.exec(ssh, helper(access, 'layout-init', appUser));
        },
      },
      {
        title: `Verify a fresh key login as ${appUser}`,
        run: async (ctx) => {
          const fresh = await deps.servers.connectAs(serverId, appUser);
          try {
            const res = await ctx.exec(fresh, sh`sudo -n ${PATHS.rootHelper} version`.text, { quiet: true });
            if (res.stdout.trim() !== `skiff-root ${ROOT_HELPER.version}`) throw new SkiffError('REMOTE_COMMAND_FAILED', { message: `The helper answered "${res.stdout.trim()}".` });
          } finally {
            fresh.dispose();
          }
          const already = deps.servers.get(serverId).user === appUser;
          ctx.log(`${appUser} logs in with your key and can run Skiff's helper; Skiff logs in as ${appUser} from now on`);
          return already ? { skipped: true, note: 'verified' } : { note: 'verified' };
        },
      },
    ],
    onSucceeded: async () => {
      await deps.servers.patch(serverId, (s) => ({
        ...s,
        user: appUser,
        setup: { appUser, adminUser: s.setup?.adminUser ?? s.user, at: s.setup?.at ?? new Date().toISOString() },
      }));
    },
  };
}
