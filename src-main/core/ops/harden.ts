// Hardening that cannot lock the user out. Before root and password logins are turned off, a
// fresh second connection as the app user with the key must succeed; a server-side timer puts the
// old sshd config back unless Skiff confirms a new login after the reload; `sshd -t` checks the new
// config before it is used and `sshd -T` proves it took effect. Any failure restores the previous
// config. Then ufw (deny incoming, allow the SSH port Skiff really uses, 80, 443) and a fail2ban
// sshd jail that works on Debian 12 (systemd backend).
import type { NodeSSH } from 'node-ssh';
import type { HardeningPreview, SshdConflict } from '../../../src-shared/domain';
import { SkiffError } from '../../../src-shared/errors';
import type { JobDefinition, StepContext } from '../jobs/runner';
import { unifiedDiff } from '../remote/diff';
import { PATHS } from '../remote/paths';
import { FILTER, renderFail2banJail } from '../remote/templates/fail2ban';
import { COREDUMP_HARDENING, LIMITS_HARDENING, LOGIN_BANNER, MODPROBE_HARDENING, PATHS_SYSTEM, SYSCTL_HARDENING } from '../remote/templates/systemHardening';
import { HOST_KEYS_WITHOUT_ECDSA, SSHD_DROP_IN, SSHD_EXPECTED, firewallRules, renderSshdDropIn } from '../remote/templates/sshd';
import { HARDENING_FILES_SCRIPT, quietly, withStderr } from '../remote/scripts/serverScripts';
import { helperCall } from '../remote/helper/verbs';
import { splitSections } from '../remote/readBack';
import { runScript } from '../ssh/exec';
import type { OpsDeps } from './deps';
import type { ShellText } from '../remote/quote';
import { describeConflicts, firewallInPlace, parseEffective, sshdConflicts, sshdOff } from './hardeningState';
import { helper, probeAccess, type Access } from './privilege';
import { ROOT_HELPER } from '../remote/helper/build';

/** Seconds before the server restores the old sshd config by itself if Skiff does not confirm. */
export const REVERT_AFTER_S = 120;

function requireSetUp(deps: OpsDeps, serverId: string): string {
  const server = deps.servers.get(serverId);
  if (!server.setup) throw new SkiffError('SETUP_REQUIRED');
  return server.setup.appUser;
}

/** A fresh login as the app user that can still reach the helper; throws LOCKOUT_PREVENTED otherwise. */
async function proveFreshLogin(deps: OpsDeps, ctx: StepContext, serverId: string, appUser: string, when: string): Promise<void> {
  let fresh: NodeSSH | undefined;
  try {
    fresh = await deps.servers.connectAs(serverId, appUser);
    const res = await runScript(fresh, helperCall('version', []).text, {});
    if (res.code !== 0) throw new Error(`sudo -n ${PATHS.rootHelper} version failed: ${res.stderr.trim()}`);
    ctx.log(`fresh key login as ${appUser} ${when}: OK`);
  } catch (e) {
    const detail = e instanceof SkiffError ? `${e.message} ${e.detail ?? ''}` : e instanceof Error ? e.message : String(e);
    throw new SkiffError('LOCKOUT_PREVENTED', { message: `A fresh key login as ${appUser} failed ${when}, so Skiff did not go on.`, detail });
  } finally {
    fresh?.dispose();
  }
}

/** What hardening would touch, as it is now (read-only, three channels at once). */
async function readState(ssh: NodeSSH, access: Access) {
  const [sshd, files, ufw, sources] = await Promise.all([
    runScript(ssh, helper(access, 'sshd-show').text),
    runScript(ssh, HARDENING_FILES_SCRIPT.text),
    runScript(ssh, withStderr(helper(access, 'ufw-status')).text),
    runScript(ssh, helper(access, 'sshd-sources').text),
  ]);
  const f = splitSections(files.stdout);
  return {
    sshd: sshd.stdout, jail: withNewline(f.get('jail')), filter: withNewline(f.get('filter')), ufw: ufw.stdout, conflicts: sshdConflicts(sources.stdout),
    system: { sysctl: withNewline(f.get('sysctl')), modprobe: withNewline(f.get('modprobe')), issue: withNewline(f.get('issue')), issueNet: withNewline(f.get('issuenet')), limits: withNewline(f.get('limits')), coredump: withNewline(f.get('coredump')) },
  };
}

async function readConflicts(ssh: NodeSSH, access: Access): Promise<SshdConflict[]> {
  return sshdConflicts((await runScript(ssh, helper(access, 'sshd-sources').text)).stdout);
}

function withNewline(s: string | undefined): string {
  return s ? `${s}\n` : '';
}

/** `sshd -T` must report every setting the drop-in enforces; logs each one. */
async function verifyEffective(ctx: StepContext, ssh: NodeSSH, access: Access, logEach: boolean): Promise<void> {
  const eff = parseEffective((await ctx.exec(ssh, helper(access, 'sshd-effective').text, { quiet: true })).stdout);
  const off = sshdOff(eff);
  if (logEach) for (const [k, v] of Object.entries(SSHD_EXPECTED)) ctx.log(`${k} ${eff.get(k)}${eff.get(k) === v ? '' : `  ← want ${v}`}`);
  if (!off.length) return;
  // Name the cause when it is a line read before the drop-in: the usual one, and not fixed by retrying.
  const conflicts = (await readConflicts(ssh, access)).filter((c) => off.some((o) => o.key === c.key));
  if (conflicts.length) throw new SkiffError('SSHD_CONFLICT', { message: `The SSH settings did not take effect, so Skiff restored the previous configuration: ${describeConflicts(conflicts)}.` });
  throw new SkiffError('HARDENING_NOT_EFFECTIVE', { detail: off.map((o) => `${o.key} is ${eff.get(o.key)}, want ${o.want}`).join('; ') });
}

export interface HardenOptions {
  /** Comment out the lines the preview named that would override the drop-in. */
  resolveConflicts?: boolean;
  /** Stop offering the ECDSA host key (unset: keep what the server's drop-in does now). */
  dropEcdsa?: boolean;
}

/** Whether the drop-in drops ECDSA: as asked, else as the server's drop-in does now. */
function wantsDropEcdsa(o: HardenOptions, currentDropIn: string): boolean {
  return o.dropEcdsa ?? currentDropIn.includes(HOST_KEYS_WITHOUT_ECDSA);
}

/** Skiff's own pin must survive: dropping ECDSA is refused when ECDSA is what Skiff pinned. */
function checkPinSurvives(deps: OpsDeps, serverId: string): void {
  const pinned = deps.servers.get(serverId).hostKey?.algorithm ?? '';
  if (/ecdsa/i.test(pinned)) {
    throw new SkiffError('INVALID_INPUT', { message: `Skiff pinned this server's ECDSA host key (${pinned}): dropping it would make Skiff refuse the server.`, fix: 'Keep the ECDSA key, or re-pin the server\'s ed25519 key first.' });
  }
}

export async function hardeningPreview(deps: OpsDeps, serverId: string, o: HardenOptions = {}): Promise<HardeningPreview> {
  const appUser = requireSetUp(deps, serverId);
  const ssh = await deps.pool.get(serverId);
  const access = await probeAccess(ssh);
  const state = await readState(ssh, access);
  const dropEcdsa = wantsDropEcdsa(o, state.sshd);
  const files = [
    { path: PATHS.sshdDropIn, before: state.sshd, after: renderSshdDropIn({ dropEcdsa }) },
    { path: PATHS.fail2banJail, before: state.jail, after: renderFail2banJail(access.sshPort) },
    { path: PATHS.fail2banFilter, before: state.filter, after: FILTER },
    { path: PATHS_SYSTEM.sysctl, before: state.system.sysctl, after: SYSCTL_HARDENING },
    { path: PATHS_SYSTEM.modprobe, before: state.system.modprobe, after: MODPROBE_HARDENING },
    { path: PATHS_SYSTEM.issue, before: state.system.issue, after: LOGIN_BANNER },
    { path: PATHS_SYSTEM.issueNet, before: state.system.issueNet, after: LOGIN_BANNER },
    { path: PATHS_SYSTEM.limits, before: state.system.limits, after: LIMITS_HARDENING },
    { path: PATHS_SYSTEM.coredump, before: state.system.coredump, after: COREDUMP_HARDENING },
  ];
  const inPlace = firewallInPlace(state.ufw, access.sshPort);
  return {
    sshPort: access.sshPort,
    appUser,
    files: files.map((f) => ({ path: f.path, diff: unifiedDiff(f.path, f.before || null, f.after), changed: f.before !== f.after })),
    firewall: { current: state.ufw.trim(), rulesToAdd: inPlace ? [] : ['Default: deny incoming, allow outgoing', ...firewallRules(access.sshPort)], enable: !/Status: active/.test(state.ufw) },
    conflicts: state.conflicts,
    hostKeys: { dropEcdsa, pinnedAlgorithm: deps.servers.get(serverId).hostKey?.algorithm ?? '' },
  };
}

export function hardenJob(deps: OpsDeps, serverId: string, o: HardenOptions = {}): JobDefinition {
  const appUser = requireSetUp(deps, serverId);
  let ssh: NodeSSH;
  let access: Access;
  let state: Awaited<ReturnType<typeof readState>>;
  let sshdChanged = false;
  let sshdWritten = false;
  let sshdReloaded = false;
  let ufwWasActive = true;
  let dropEcdsa = false;
  let systemChanged = false;
  let dropIn = SSHD_DROP_IN;

  return {
    kind: 'harden',
    serverId,
    title: `Harden ${deps.servers.get(serverId).name}`,
    steps: [
      {
        title: 'Check the server is set up',
        run: async (ctx) => {
          ssh = await deps.pool.get(serverId);
          access = await probeAccess(ssh);
          if (access.helperVersion !== ROOT_HELPER.version) {
            throw new SkiffError('SETUP_REQUIRED', { message: `Skiff's root helper on the server is ${access.helperVersion ? 'out of date' : 'missing'}.`, fix: 'Run "Set up" again, then harden.' });
          }
          state = await readState(ssh, access);
          if (state.conflicts.length && !o.resolveConflicts) {
            throw new SkiffError('SSHD_CONFLICT', { message: `Nothing was changed: ${describeConflicts(state.conflicts)}.` });
          }
          dropEcdsa = wantsDropEcdsa(o, state.sshd);
          if (dropEcdsa) checkPinSurvives(deps, serverId);
          dropIn = renderSshdDropIn({ dropEcdsa });
          sshdChanged = state.sshd !== dropIn || state.conflicts.length > 0;
          ufwWasActive = /Status: active/.test(state.ufw);
          ctx.log(`logged in as ${access.user}; sshd accepted this connection on port ${access.sshPort}: that port stays open`);
          return { skipped: true, note: 'checked' };
        },
      },
      {
        title: `Prove a fresh key login as ${appUser} works (before changing anything)`,
        run: async (ctx) => {
          await proveFreshLogin(deps, ctx, serverId, appUser, 'before hardening');
          return { skipped: true, note: 'verified' };
        },
      },
      {
        title: `Arm the safety revert (old sshd config returns in ${REVERT_AFTER_S} s unless confirmed)`,
        run: async (ctx) => {
          if (!sshdChanged) return { skipped: true, note: 'sshd config already in place' };
          await ctx.exec(ssh, helper(access, 'revert-arm', REVERT_AFTER_S).text);
        },
      },
      {
        title: 'Comment out lines that would override hardening (named in the preview)',
        run: async (ctx) => {
          if (!state.conflicts.length) return { skipped: true, note: 'none' };
          const lines = [...new Map(state.conflicts.map((c) => [`${c.file}:${c.line}`, c])).values()];
          // Not undone on a failure: each line only weakened what the drop-in sets (a copy of the file is kept in /var/lib/skiff/backup).
          for (const c of lines) await ctx.exec(ssh, helper(access, 'sshd-comment-out', c.file, c.line).text);
        },
      },
      {
        title: `Write ${PATHS.sshdDropIn} and check it (sshd -t)`,
        run: async (ctx) => {
          if (!sshdChanged) return { skipped: true, note: 'already in place' };
          await ctx.exec(ssh, helper(access, 'sshd-apply', dropEcdsa ? 'yes' : 'no').text);
          sshdWritten = true;
          const test = await ctx.exec(ssh, withStderr(helper(access, 'sshd-test')).text, { check: false });
          if (test.code !== 0) throw new SkiffError('SSHD_CONFIG_INVALID', { detail: test.stdout.trim().slice(-500) });
        },
      },
      {
        title: 'Reload sshd and verify the effective settings (sshd -T)',
        run: async (ctx) => {
          if (!sshdChanged) {
            await verifyEffective(ctx, ssh, access, false);
            return { skipped: true, note: 'already effective' };
          }
          sshdReloaded = true;
          await ctx.exec(ssh, helper(access, 'ssh-reload').text);
          await verifyEffective(ctx, ssh, access, true);
          // The key Skiff pinned must still be what the server presents (dropping ECDSA must not touch it).
          const scan = await deps.servers.scanHostKey(serverId);
          if (scan.status !== 'matches') throw new SkiffError('HOST_KEY_MISMATCH', { detail: `After the reload the server presents ${scan.fingerprint} (${scan.algorithm}); Skiff pinned ${scan.pinned}.` });
          ctx.log(`the server still presents the key Skiff pinned (${scan.algorithm}${dropEcdsa ? '; ECDSA is no longer offered' : ''})`);
        },
      },
      {
        title: `Prove a fresh key login as ${appUser} still works, then disarm the revert`,
        run: async (ctx) => {
          if (!sshdChanged) return { skipped: true, note: 'nothing changed' };
          await proveFreshLogin(deps, ctx, serverId, appUser, 'after the sshd reload');
          await ctx.exec(ssh, helper(access, 'revert-disarm').text);
        },
      },
      {
        title: 'Firewall (ufw): deny incoming; allow the SSH port, 80/tcp, 443/tcp',
        run: async (ctx) => {
          if (firewallInPlace(state.ufw, access.sshPort)) return { skipped: true, note: 'already in place' };
          await ctx.exec(ssh, helper(access, 'ufw-apply', access.sshPort).text);
          await proveFreshLogin(deps, ctx, serverId, appUser, 'with the firewall on');
        },
      },
      {
        title: 'fail2ban: watch SSH logins (one refused login counts once)',
        run: async (ctx) => {
          const running = await ctx.exec(ssh, quietly(helper(access, 'fail2ban-status')).text, { quiet: true, check: false });
          if (state.jail === renderFail2banJail(access.sshPort) && state.filter === FILTER && running.code === 0) return { skipped: true, note: 'already watching' };
          await ctx.exec(ssh, helper(access, 'fail2ban-apply', access.sshPort).text);
        },
      },
      {
        title: 'System: kernel and network settings, unused protocols and devices off, login banner, password aging',
        run: async (ctx) => {
          const res = await ctx.exec(ssh, helper(access, 'system-harden').text);
          if (!/\bchanged\b/.test(res.stdout.replace(/\bunchanged\b/g, ''))) return { skipped: true, note: 'already in place' };
          systemChanged = true;
          await proveFreshLogin(deps, ctx, serverId, appUser, 'with the kernel settings applied');
        },
      },
    ],
    recover: {
      title: 'Restore the previous configuration',
      run: async (ctx) => {
        if (!access) return;
        // Each action on its own: one failing must not keep the next from running. A running sshd
        // that was never reloaded still has the old config, so restoring the file is enough.
        const attempt = async (what: string, script: ShellText) => {
          const r = await ctx.exec(ssh, script.text, { check: false }).catch((e: Error) => ({ code: -1, stderr: e.message }));
          if (r.code !== 0) ctx.warn(`${what} failed (the server's revert timer will still restore sshd): ${r.stderr.trim().slice(-300)}`);
        };
        if (sshdWritten) await attempt('restoring the sshd drop-in', helper(access, 'sshd-restore'));
        if (sshdReloaded) await attempt('reloading sshd', helper(access, 'ssh-reload'));
        if (sshdChanged) await attempt('disarming the revert timer', helper(access, 'revert-disarm'));
        if (!ufwWasActive) await attempt('turning the firewall back off', helper(access, 'ufw-disable'));
        if (systemChanged) await attempt('putting back the kernel settings', helper(access, 'system-restore'));
        ctx.log('the server is back to its previous SSH configuration');
      },
    },
    onSucceeded: async () => {
      await deps.servers.patch(serverId, (s) => ({ ...s, hardening: { sshPort: access.sshPort, at: new Date().toISOString(), ...(access.clientIp ? { clientIp: access.clientIp } : {}) } }));
    },
  };
}
