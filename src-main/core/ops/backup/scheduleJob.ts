// The server's backup schedule as jobs: write it (timer, service, target) or remove it, and run
// it now (what the timer does), reporting the outcome and reading the new backup into the list.
import type { App, BackupSchedule } from '../../../../src-shared/domain';
import type { ShellText } from '../../remote/quote';
import { SkiffError } from '../../../../src-shared/errors';
import type { JobDefinition } from '../../jobs/runner';
import { readScheduleStatus, recordScheduledDrill, targetLines } from '../../backups/schedule';
import { readServerBackups } from '../../backups/serverList';
import { helperCall } from '../../remote/helper/verbs';
import { scheduleApplyScript } from '../../remote/scripts/backupScripts';
import { secretKey } from '../../vault/vault';
import { appJobDefinition, connection, newAppJob, type AppTask } from '../app/appJob';
import { lockApp } from '../app/tasks/lock';
import type { OpsDeps } from '../deps';

function writeSchedule(s: BackupSchedule): AppTask {
  return {
    title: s.serverEvery === 'off' ? 'Remove the backup timer from the server' : `Write the backup timer (${s.serverEvery})${s.target ? ` and the ${s.target.kind.toUpperCase()} target` : ''} on the server`,
    run: async (job, ctx) => {
      const ssh = await connection(job);
      if (s.serverEvery === 'off') {
        await ctx.exec(ssh, helperCall('schedule-remove', [job.app.name]).text);
        return;
      }
      await ctx.exec(ssh, (await scheduleScript(job.deps, job.app, { ...s, serverEvery: s.serverEvery })).text);
    },
  };
}

/** The helper call that writes an app's backup timer, service and target (secrets from the keychain). */
export async function scheduleScript(deps: OpsDeps, app: App, s: BackupSchedule & { serverEvery: Exclude<BackupSchedule['serverEvery'], 'off'> }): Promise<ShellText> {
  const lines = targetLines(s.target, { secret: (await deps.vault.get(secretKey.backupTargetSecret(app.id))) ?? undefined, password: (await deps.vault.get(secretKey.backupRepoPassword(app.id))) ?? undefined }, deps.backups.settings());
  return scheduleApplyScript({ app: app.name, binary: app.binary, every: s.serverEvery, keep: s.serverKeep, drill: !!s.drill, target: lines });
}

function runNow(): AppTask {
  return {
    title: 'Run the scheduled backup now, as the timer would',
    run: async (job, ctx) => {
      const ssh = await connection(job);
      const res = await ctx.exec(ssh, helperCall('schedule-run', [job.app.name]).text, { hideKeyValues: true });
      const status = readScheduleStatus(res.stdout, job.deps.backups.schedule(job.app.id));
      if (status.server === 'none') throw new SkiffError('INVALID_INPUT', { message: `${job.app.name} has no backup schedule on ${job.server.name}.`, fix: 'Turn on the server schedule first.' });
      await readServerBackups(ssh, job.deps.apps.get(job.app.id), job.server, job.deps.backups);
      recordScheduledDrill(job.deps.backups, res.stdout, status);
      const last = status.lastRun;
      if (!last?.ok) throw new SkiffError('JOB_FAILED', { message: status.flag?.message ?? 'The scheduled backup did not run.' });
      const pushed = last.pushed === 'yes' ? `, pushed to the ${status.server.target} target (${(last.addedBytes / 1048576).toFixed(2)} MB new after deduplication)` : ', kept on the server';
      return { note: `${last.backup}${pushed}${last.drill === 'ok' ? ', verified by a drill' : ''}` };
    },
  };
}

export function applyScheduleJob(deps: OpsDeps, s: BackupSchedule): JobDefinition {
  const job = newAppJob(deps, s.appId);
  return appJobDefinition(job, {
    kind: 'backup',
    title: `${s.serverEvery === 'off' ? 'Remove the backup schedule of' : 'Schedule backups of'} ${job.app.name} on ${job.server.name}`,
    tasks: [lockApp(), writeSchedule(s)],
  });
}

export function runScheduleJob(deps: OpsDeps, appId: string): JobDefinition {
  const job = newAppJob(deps, appId);
  return appJobDefinition(job, {
    kind: 'backup',
    title: `Run the scheduled backup of ${job.app.name} on ${job.server.name}`,
    tasks: [lockApp(), runNow()],
  });
}
