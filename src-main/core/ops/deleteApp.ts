// Deleting an app, and archiving it (seed 003): optionally a final backup brought to this computer
// (listed as an archive, restorable as a new app on any server), optionally verified by a restore
// drill before anything is removed; then its unit, Caddy site, env file, folder and service user
// go (one helper verb), and Skiff forgets it and its secrets. Its backups on the server stay.
import type { JobDefinition } from '../jobs/runner';
import { removeAppScript } from '../remote/scripts/appScripts';
import { appJobDefinition, connection, newAppJob, type AppTask } from './app/appJob';
import { lockApp } from './app/tasks/lock';
import type { BackupJob } from './backup/backupJob';
import { runDrill } from './backup/tasks/drill';
import { pullHome } from './backup/tasks/pull';
import { takeBackup } from './backup/tasks/take';
import type { OpsDeps } from './deps';

function removeApp(): AppTask {
  return {
    title: 'Stop and remove the service, site, env file, folder and service user',
    run: async (job, ctx) => {
      await ctx.exec(await connection(job), removeAppScript(job.app.name).text);
      job.lockHeld = false; // the lock went with the folder
    },
  };
}

/** `backup`: none, a final backup brought home, or that backup verified by a drill first (an archive). */
export function deleteAppJob(deps: OpsDeps, appId: string, backup: 'none' | 'keep' | 'archive'): JobDefinition {
  const job: BackupJob = newAppJob(deps, appId);
  const final = backup === 'none' ? [] : [takeBackup('archive'), pullHome()];
  return appJobDefinition(job, {
    kind: 'app-delete',
    title: `${backup === 'archive' ? 'Archive' : 'Delete'} ${job.app.name} on ${job.server.name}`,
    tasks: [lockApp(), ...final, ...(backup === 'archive' ? [runDrill()] : []), removeApp()],
    onSucceeded: async () => {
      deps.backups.removeSchedule(appId);
      await deps.apps.forget(appId);
    },
  });
}
