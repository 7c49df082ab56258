// Moving a server set up by an older Skiff to the current layout: the helper that checks
// signatures, processes hidden from other users, and each app on a service user of its own (its
// data handed over, its env file moved to /etc/skiff/apps, its unit rewritten and sandboxed), with
// one restart per app and no data touched beyond its owner.
import type { NodeSSH } from 'node-ssh';
import type { App } from '../../../src-shared/domain';
import { SkiffError } from '../../../src-shared/errors';
import type { JobDefinition, StepDefinition } from '../jobs/runner';
import { serviceUser } from '../remote/paths';
import { migrateAppScript } from '../remote/scripts/appScripts';
import { APP_UNITS_SCRIPT, HIDEPID_CHECK_SCRIPT, layoutCheckScript } from '../remote/scripts/serverScripts';
import type { OpsDeps } from './deps';
import { appConfig } from './app/tasks/config';
import { healthTimeoutOf } from './app/tasks/goLive';
import { helper, probeAccess, type Access } from './privilege';
import { installHelper, SERVER_LAYOUT } from './setup';
import { appsNotOnServiceUsers } from './appUnits';

/** Apps of this desktop whose unit on the server runs as someone other than their own service user. */
export function appsToMove(unitsOutput: string, apps: App[]): App[] {
  const wrong = new Set(appsNotOnServiceUsers(unitsOutput));
  return apps.filter((a) => wrong.has(a.name));
}

export function migrateServerJob(deps: OpsDeps, serverId: string): JobDefinition {
  const server = deps.servers.get(serverId);
  if (!server.setup) throw new SkiffError('SETUP_REQUIRED');
  const apps = deps.apps.list(serverId);
  let ssh: NodeSSH;
  let access: Access;
  let toMove = new Set<string>();

  const moveApp = (app: App): StepDefinition => ({
    title: `Move ${app.name} to its own service user (${serviceUser(app.name)}), one restart`,
    run: async (ctx) => {
      if (!toMove.has(app.id)) return { skipped: true, note: 'already on its own service user (or not deployed)' };
      const { input, hash } = await appConfig(deps, app);
      await ctx.exec(ssh, migrateAppScript({ ...input, configHashes: hash, healthTimeoutS: healthTimeoutOf(app) }).text);
    },
  });

  return {
    kind: 'migrate',
    serverId,
    title: `Move ${server.name} to per-app service users`,
    steps: [
      {
        title: 'Check the server and its apps',
        run: async (ctx) => {
          ssh = await deps.pool.get(serverId);
          access = await probeAccess(ssh);
          if (access.privilege === 'none') throw new SkiffError('NEEDS_ROOT');
          const units = (await ctx.exec(ssh, APP_UNITS_SCRIPT.text, { quiet: true })).stdout;
          toMove = new Set(appsToMove(units, apps).map((a) => a.id));
          ctx.log(toMove.size ? `apps running as the login user: ${apps.filter((a) => toMove.has(a.id)).map((a) => a.name).join(', ')}` : 'no app runs as the login user');
          return { skipped: true, note: 'checked' };
        },
      },
      {
        title: "Update Skiff's root helper (it checks signatures from now on)",
        run: async (ctx) => {
          const r = await installHelper(deps, ctx, ssh, access);
          if (r === 'unchanged') return { skipped: true, note: 'already current' };
        },
      },
      {
        title: "Hide each user's processes from the others (/proc hidepid)",
        run: async (ctx) => {
          if ((await ctx.exec(ssh, HIDEPID_CHECK_SCRIPT.text, { quiet: true })).stdout.includes('hidden=yes')) return { skipped: true, note: 'already hidden' };
          await ctx.exec(ssh, helper(access, 'proc-hidepid').text);
        },
      },
      {
        title: 'Let apps reach their own folder only (/opt/skiff/apps: 0711)',
        run: async (ctx) => {
          const user = server.setup!.appUser;
          const st = await ctx.exec(ssh, layoutCheckScript(user).text, { quiet: true });
          if (st.stdout.trim() === `root:root 755\n${user}:${user} 711`) return { skipped: true, note: 'already so' };
          await ctx.exec(ssh, helper(access, 'layout-init', user).text);
        },
      },
      ...apps.map(moveApp),
    ],
    onSucceeded: async () => {
      await deps.servers.patch(serverId, (s) => ({ ...s, setup: s.setup && { ...s.setup, layout: SERVER_LAYOUT } }));
    },
  };
}
