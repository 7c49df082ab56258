// Setup: from a fresh VPS (root or a sudo user) to a server with Skiff's deploy user, its key, a
// sudo entry for Skiff's helper only, up-to-date packages, the tools later jobs need, automatic
// security updates, processes hidden from other users, and /opt/skiff. Every step checks first
// and skips what is already done, so a second run changes nothing and says so. Ends by proving a
// fresh key login as the deploy user, then logs in as it.
import type { NodeSSH } from 'node-ssh';
import { SkiffError } from '../../../src-shared/errors';
import { deployUserProblem } from '../../../src-shared/names';
import type { JobDefinition, StepContext } from '../jobs/runner';
import { ROOT_HELPER } from '../remote/helper/build';
import { kvOne, parseKv } from '../remote/readBack';
import { AUTO_UPGRADES } from '../remote/templates/autoUpgrades';
import { renderSudoers } from '../remote/templates/sudoers';
import {
  authorizeKeysScript, authorizedKeysCheckScript, createDeployUserScript, DEPLOY_USER_COMMENT, deployUserCheckScript, HIDEPID_CHECK_SCRIPT,
  installHelperScript, layoutCheckScript, signerPresentScript, legacySelfUpdateScript, missingPackagesScript, PENDING_UPGRADES_SCRIPT, signersInitScript,
  sudoersReadScript, sudoersWriteScript, APP_UNITS_SCRIPT,
} from '../remote/scripts/serverScripts';
import { appsNotOnServiceUsers } from './appUnits';
import { helperCall } from '../remote/helper/verbs';
import type { OpsDeps } from './deps';
import { desktopSigningKey, selfUpdateScript, signersLine } from './helperUpdate';
import { asRoot, helper, probeAccess, type Access } from './privilege';

export const SETUP_PACKAGES = ['ufw', 'fail2ban', 'python3-systemd', 'caddy', 'unzip', 'curl', 'sqlite3', 'zstd', 'restic', 'unattended-upgrades'] as const;

/** The server layout this Skiff sets up (per-app service users; docs/security.md). */
export const SERVER_LAYOUT = 2;

/**
 * Brings the helper to this Skiff's version: written directly as root, or updated through the
 * helper: signed by this desktop's key, or (a server of an older Skiff, which had no keys) through
 * the old helper's unsigned update once, after which this desktop's key is installed (first come).
 */
export async function installHelper(deps: OpsDeps, ctx: StepContext, ssh: NodeSSH, access: Access): Promise<'unchanged' | 'installed'> {
  const key = await desktopSigningKey(deps.vault);
  if (access.privilege === 'root' || access.privilege === 'sudo') {
    if (access.helperVersion === ROOT_HELPER.version && access.signers > 0) {
      const has = await ctx.exec(ssh, signerPresentScript(signersLine(key.publicKey)).text, { check: false, quiet: true });
      if (has.code === 0) return 'unchanged';
    }
    await ctx.exec(ssh, installHelperScript(ROOT_HELPER.script, signersLine(key.publicKey)).text, asRoot(access));
    return 'installed';
  }
  if (access.helperVersion === ROOT_HELPER.version && access.signers > 0) return 'unchanged';
  if (access.signers === 0) {
    if (access.helperVersion !== ROOT_HELPER.version) {
      ctx.log("the server's helper is from an older Skiff that could not check signatures: updating it once, then installing this desktop's key");
      await ctx.exec(ssh, legacySelfUpdateScript(ROOT_HELPER.script).text);
    }
    await ctx.exec(ssh, signersInitScript(key.publicKey).text);
    if (access.helperVersion !== ROOT_HELPER.version) return 'installed';
  }
  const res = await ctx.exec(ssh, selfUpdateScript(key).text, { check: false });
  if (res.code !== 0) {
    throw new SkiffError('SERVER_UPGRADE_REQUIRED', {
      message: `The server refused this desktop's helper update: ${res.stderr.replace(/^skiff-root: /, '').trim().slice(-200)}`,
      fix: 'Edit the server to log in as root (or a sudo user) and run "Set up" once from this desktop: it installs this desktop\'s key.',
    });
  }
  return 'installed';
}

export function setupJob(deps: OpsDeps, serverId: string, appUser: string): JobDefinition {
  let ssh: NodeSSH;
  let access: Access;
  let keys: string[] = [];
  let legacy: string[] = [];
  const bad = deployUserProblem(appUser);
  if (bad) throw new SkiffError('INVALID_INPUT', { message: bad });

  return {
    kind: 'setup',
    serverId,
    title: `Set up ${deps.servers.get(serverId).name} (deploy user "${appUser}")`,
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
        title: "Install Skiff's root helper (/usr/local/sbin/skiff-root) and this desktop's signing key",
        run: async (ctx) => {
          const r = await installHelper(deps, ctx, ssh, access);
          if (r === 'unchanged') return { skipped: true, note: `already installed (${ROOT_HELPER.version})` };
          access.helperVersion = ROOT_HELPER.version;
          access.signers = Math.max(access.signers, 1);
          ctx.log(`installed version ${ROOT_HELPER.version}`);
        },
      },
      {
        title: `Create the deploy user "${appUser}"`,
        run: async (ctx) => {
          const kv = parseKv((await ctx.exec(ssh, deployUserCheckScript(appUser).text, { quiet: true })).stdout);
          if (kvOne(kv, 'exists') === 'yes') {
            const comment = kvOne(kv, 'comment') ?? '';
            const uid = Number(kvOne(kv, 'uid'));
            if (comment !== DEPLOY_USER_COMMENT && !(access.user === appUser && access.privilege === 'helper')) {
              throw new SkiffError('INVALID_INPUT', {
                message: `"${appUser}" is an existing account on the server that Skiff did not create${uid < (Number(kvOne(kv, 'uid_min')) || 1000) ? ' (a system account)' : ''}.`,
                fix: 'Choose another name for the deploy user: Skiff gives it a sudo entry, so it must be an account of its own.',
              });
            }
            return { skipped: true, note: 'already exists' };
          }
          await ctx.exec(ssh, createDeployUserScript(appUser).text, asRoot(access));
        },
      },
      {
        title: `Authorize your key for ${appUser}`,
        run: async (ctx) => {
          const self = access.user === appUser;
          const present = await ctx.exec(ssh, authorizedKeysCheckScript(appUser, keys).text, { check: false, quiet: true, ...(self ? {} : asRoot(access)) });
          if (present.code === 0) return { skipped: true, note: 'already authorized' };
          await ctx.exec(ssh, authorizeKeysScript(appUser, keys, !self).text, self ? {} : asRoot(access));
        },
      },
      {
        title: "Let the deploy user run Skiff's helper as root (and nothing else)",
        run: async (ctx) => {
          const read = access.privilege === 'helper' ? helper(access, 'sudoers-show', appUser) : sudoersReadScript(appUser);
          const cur = await ctx.exec(ssh, read.text, { check: false, quiet: true, ...(access.privilege === 'helper' ? {} : asRoot(access)) });
          if (cur.stdout === renderSudoers(appUser)) return { skipped: true, note: 'already in place' };
          await ctx.exec(ssh, sudoersWriteScript(appUser).text, asRoot(access));
        },
      },
      {
        title: "Make sure apt has the release's security source",
        run: async (ctx) => {
          const res = await ctx.exec(ssh, helper(access, 'apt-security-source').text);
          if (/already configured|unchanged/.test(res.stdout)) return { skipped: true, note: 'configured' };
        },
      },
      {
        title: 'Update package lists and upgrade installed packages',
        run: async (ctx) => {
          await ctx.exec(ssh, helper(access, 'apt-update').text);
          const n = Number((await ctx.exec(ssh, PENDING_UPGRADES_SCRIPT.text, { quiet: true })).stdout.trim()) || 0;
          if (n === 0) return { skipped: true, note: 'already up to date' };
          ctx.log(`${n} package(s) to upgrade`);
          await ctx.exec(ssh, helper(access, 'apt-upgrade').text);
          return { note: `${n} upgraded` };
        },
      },
      {
        title: `Install ${SETUP_PACKAGES.join(', ')}`,
        run: async (ctx) => {
          const q = await ctx.exec(ssh, missingPackagesScript(SETUP_PACKAGES).text, { quiet: true });
          const missing = q.stdout.split('\n').map((s) => s.trim()).filter((p) => (SETUP_PACKAGES as readonly string[]).includes(p));
          if (missing.length === 0) return { skipped: true, note: 'already installed' };
          await ctx.exec(ssh, helper(access, 'apt-install', ...missing).text);
          return { note: `installed ${missing.join(', ')}` };
        },
      },
      {
        title: 'Turn on automatic security updates (unattended-upgrades)',
        run: async (ctx) => {
          const cur = await ctx.exec(ssh, helper(access, 'auto-upgrades-show').text, { quiet: true });
          if (cur.stdout === AUTO_UPGRADES) return { skipped: true, note: 'already on' };
          await ctx.exec(ssh, helper(access, 'auto-upgrades-apply').text);
        },
      },
      {
        title: "Hide each user's processes from the others (/proc hidepid)",
        run: async (ctx) => {
          const cur = await ctx.exec(ssh, HIDEPID_CHECK_SCRIPT.text, { quiet: true });
          if (cur.stdout.includes('hidden=yes')) return { skipped: true, note: 'already hidden' };
          await ctx.exec(ssh, helper(access, 'proc-hidepid').text);
        },
      },
      {
        title: 'Create /opt/skiff',
        run: async (ctx) => {
          const st = await ctx.exec(ssh, layoutCheckScript(appUser).text, { quiet: true });
          if (st.stdout.trim() === `root:root 755\n${appUser}:${appUser} 711`) return { skipped: true, note: 'already there' };
          await ctx.exec(ssh, helper(access, 'layout-init', appUser).text);
        },
      },
      {
        title: `Verify a fresh key login as ${appUser}`,
        run: async (ctx) => {
          const fresh = await deps.servers.connectAs(serverId, appUser);
          try {
            const res = await ctx.exec(fresh, helperCall('version', []).text, { quiet: true });
            if (res.stdout.trim() !== `skiff-root ${ROOT_HELPER.version}`) throw new SkiffError('REMOTE_COMMAND_FAILED', { message: `The helper answered "${res.stdout.trim()}".` });
          } finally {
            fresh.dispose();
          }
          const already = deps.servers.get(serverId).user === appUser;
          ctx.log(`${appUser} logs in with your key and can run Skiff's helper; Skiff logs in as ${appUser} from now on`);
          // Apps an older Skiff left running as the login user keep the server on the old layout until moved.
          legacy = appsNotOnServiceUsers((await ctx.exec(ssh, APP_UNITS_SCRIPT.text, { quiet: true })).stdout);
          if (legacy.length) ctx.warn(`apps that still run as the login user (an older Skiff's layout): ${legacy.join(', ')}. Move them from the server page.`);
          return already ? { skipped: true, note: 'verified' } : { note: 'verified' };
        },
      },
    ],
    onSucceeded: async () => {
      await deps.servers.patch(serverId, (s) => ({
        ...s,
        user: appUser,
        setup: { appUser, adminUser: s.setup?.adminUser ?? s.user, at: s.setup?.at ?? new Date().toISOString(), layout: legacy.length ? 1 : s.setup ? s.setup.layout : SERVER_LAYOUT },
      }));
    },
  };
}
