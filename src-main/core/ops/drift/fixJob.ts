// Acting on a drift check's findings: "re-apply" puts back what Skiff set (an app's env, unit and
// site through the helper's own templates, auto-upgrades, Caddy's import line, a backup schedule, a
// unit enabled and started); "adopt" records a changed file, as it is now, as the expected state.
// Findings that hardening owns go through hardening's preview instead (the UI opens it), and the
// sudoers entry and helper signers through setup as root. A check runs again at the end.
import type { DriftFinding, Server } from '../../../../src-shared/domain';
import { SkiffError } from '../../../../src-shared/errors';
import type { JobDefinition, StepDefinition } from '../../jobs/runner';
import { helperCall } from '../../remote/helper/verbs';
import { appPaths, PATHS } from '../../remote/paths';
import { configScript } from '../../remote/scripts/appScripts';
import { appConfig } from '../app/tasks/config';
import { scheduleScript } from '../backup/scheduleJob';
import type { OpsDeps } from '../deps';
import { driftJob } from './driftJob';

export type DriftAction = 'reapply' | 'adopt';

const APP_FILE = [
  /^\/etc\/systemd\/system\/skiff-backup-([a-z0-9-]+)\.(?:service|timer)$/,
  /^\/etc\/skiff\/backup\/([a-z0-9-]+)\.target$/,
  /^\/etc\/systemd\/system\/skiff-([a-z0-9-]+)\.service$/,
  /^\/etc\/caddy\/skiff\/([a-z0-9-]+)\.caddy$/,
  /^\/etc\/skiff\/apps\/([a-z0-9-]+)\.env$/,
];

/** What re-applying one finding takes: a step for an app's config, its schedule, or one helper verb. */
function reapplyPlan(f: DriftFinding): { kind: 'config' | 'schedule'; app: string } | { kind: 'verb'; verb: 'auto-upgrades-apply' | 'caddy-import' } | { kind: 'unit'; unit: string } {
  if (f.area === 'unit') return { kind: 'unit', unit: f.subject };
  if (f.subject === PATHS.autoUpgrades) return { kind: 'verb', verb: 'auto-upgrades-apply' };
  if (f.subject === '/etc/caddy/Caddyfile') return { kind: 'verb', verb: 'caddy-import' };
  for (const [i, re] of APP_FILE.entries()) {
    const m = re.exec(f.subject);
    if (m) return { kind: i < 2 ? 'schedule' : 'config', app: m[1] };
  }
  throw new SkiffError('INVALID_INPUT', { message: `Skiff cannot re-apply ${f.subject} by itself.`, fix: f.fix === 'harden' ? 'Use "Harden": its preview shows what it puts back.' : f.fix === 'setup' ? 'Run "Set up" as root.' : 'Put it back by hand, or adopt it.' });
}

/** The findings of the server's last check that the user picked, which must still be there. */
function pick(server: Server, ids: string[]): DriftFinding[] {
  const last = server.lastDrift;
  if (!last) throw new SkiffError('INVALID_INPUT', { message: 'Run a drift check first.' });
  return ids.map((id) => {
    const f = last.findings.find((x) => x.id === id);
    if (!f) throw new SkiffError('INVALID_INPUT', { message: `"${id}" is not a finding of the last drift check.`, fix: 'Check again, then choose from what it found.' });
    return f;
  });
}

export function driftFixJob(deps: OpsDeps, serverId: string, action: DriftAction, ids: string[]): JobDefinition {
  const server = deps.servers.get(serverId);
  const findings = pick(server, ids);
  const ssh = () => deps.pool.get(serverId);
  const steps: StepDefinition[] = [];
  if (action === 'adopt') {
    for (const f of findings) {
      if (!f.canAdopt) throw new SkiffError('INVALID_INPUT', { message: `${f.subject} cannot be adopted (${f.category}).`, fix: 'Adopt takes a changed file Skiff wrote; re-apply the rest.' });
      steps.push({ title: `Adopt ${f.subject} as it is now`, run: async (ctx) => { await ctx.exec(await ssh(), helperCall('drift-adopt', [f.subject]).text); } });
    }
  } else {
    const done = new Set<string>();
    for (const f of findings) {
      const plan = reapplyPlan(f);
      const key = JSON.stringify(plan);
      if (done.has(key)) continue;
      done.add(key);
      if (plan.kind === 'unit') {
        steps.push({ title: `Enable and start ${plan.unit}`, run: async (ctx) => { await ctx.exec(await ssh(), helperCall('unit-enable-start', [plan.unit]).text); } });
      } else if (plan.kind === 'verb') {
        steps.push({ title: plan.verb === 'caddy-import' ? "Put back the Caddyfile's import of Skiff's sites" : 'Write the automatic security updates setting', run: async (ctx) => { await ctx.exec(await ssh(), helperCall(plan.verb, []).text); } });
      } else {
        const app = deps.apps.list(serverId).find((a) => a.name === plan.app);
        if (!app) throw new SkiffError('INVALID_INPUT', { message: `${f.subject} belongs to the app "${plan.app}", which this desktop does not manage.`, fix: 'Re-apply it from the desktop that deployed it, or adopt it.' });
        if (plan.kind === 'config') {
          steps.push({
            title: `Write ${app.name}'s env file, unit and site again, and restart it if its unit changed`,
            run: async (ctx) => {
              const { input } = await appConfig(deps, app);
              const res = await ctx.exec(await ssh(), configScript({ ...input, meta: appPaths(app.name).meta }).text);
              if (/^unit changed$/m.test(res.stdout)) await ctx.exec(await ssh(), helperCall('app-service', ['restart', app.name]).text);
            },
          });
        } else {
          const s = deps.backups.schedule(app.id);
          if (!s || s.serverEvery === 'off') throw new SkiffError('INVALID_INPUT', { message: `${app.name} has no server backup schedule on this desktop to re-apply.` });
          steps.push({ title: `Write ${app.name}'s backup timer and target again`, run: async (ctx) => { await ctx.exec(await ssh(), (await scheduleScript(deps, app, { ...s, serverEvery: s.serverEvery as Exclude<typeof s.serverEvery, 'off'> })).text); } });
        }
      }
    }
  }
  const check = driftJob(deps, serverId);
  return {
    kind: 'drift-fix',
    serverId,
    title: `${action === 'adopt' ? 'Adopt' : 'Re-apply'} ${findings.length === 1 ? findings[0].subject : `${findings.length} drift findings`} on ${server.name}`,
    steps: [...steps, ...check.steps.map((s) => ({ ...s, title: 'Check again: ' + s.title.charAt(0).toLowerCase() + s.title.slice(1) }))],
    onSucceeded: check.onSucceeded,
  };
}
