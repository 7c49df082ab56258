// Deleting an app: optionally bring a backup of its data to this computer, then remove its unit,
// Caddy site, env file, folder and service user (one helper verb), and forget it and its secrets.
import path from 'node:path';
import type { JobDefinition } from '../jobs/runner';
import { appPaths } from '../remote/paths';
import { kvOne, parseKv } from '../remote/readBack';
import { removeAppScript, snapshotToFileScript } from '../remote/scripts/appScripts';
import { ensurePrivateDir, makePrivate } from '../store/dataDir';
import { appJobDefinition, connection, newAppJob, type AppTask } from './app/appJob';
import { lockApp } from './app/tasks/lock';
import type { OpsDeps } from './deps';

function backupHome(backupDir: string, keepBackup: boolean): AppTask {
  return {
    title: 'Bring a backup of the data to this computer',
    run: async (job, ctx) => {
      if (!keepBackup) return { skipped: true, note: 'not asked for' };
      const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
      const name = `deleted-${stamp}`;
      const ssh = await connection(job);
      const out = parseKv((await ctx.exec(ssh, snapshotToFileScript({ app: job.app.name, name }).text, { hideKeyValues: true })).stdout);
      if (kvOne(out, 'snapshot') !== 'yes') return { skipped: true, note: 'no data to back up' };
      ensurePrivateDir(backupDir);
      const local = path.join(backupDir, `${job.app.name}-${job.server.name.replace(/[^A-Za-z0-9_-]+/g, '_')}-${stamp}.tar.zst`);
      const sftp = await ssh.requestSFTP();
      try {
        await new Promise<void>((resolve, reject) => sftp.fastGet(`${appPaths(job.app.name).backups}/${name}.tar.zst`, local, (err) => (err ? reject(err) : resolve())));
      } finally {
        sftp.end();
      }
      makePrivate(local);
      ctx.log(`saved ${local}`);
      return { note: local };
    },
  };
}

function removeApp(): AppTask {
  return {
    title: 'Stop and remove the service, site, env file, folder and service user',
    run: async (job, ctx) => {
      await ctx.exec(await connection(job), removeAppScript(job.app.name).text);
      job.lockHeld = false; // the lock went with the folder
    },
  };
}

export function deleteAppJob(deps: OpsDeps, appId: string, keepBackup: boolean, backupDir: string): JobDefinition {
  const job = newAppJob(deps, appId);
  return appJobDefinition(job, {
    kind: 'app-delete',
    title: `Delete ${job.app.name} from ${job.server.name}`,
    tasks: [lockApp(), backupHome(backupDir, keepBackup), removeApp()],
    onSucceeded: () => deps.apps.forget(appId),
  });
}
