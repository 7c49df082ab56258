// Deleting an app: optionally bring a backup of its data to this computer, then stop and remove its
// unit, Caddy site and files, and forget it (and its secrets).
import type { NodeSSH } from 'node-ssh';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { hostname } from 'node:os';
import { SkiffError } from '../../../src-shared/errors';
import type { JobDefinition } from '../jobs/runner';
import { sh } from '../remote/quote';
import { parseKv, snapshotScript, stateScript } from '../remote/scripts/release';
import { appPaths } from '../remote/templates/app';
import type { OpsDeps } from './deps';

export function deleteAppJob(deps: OpsDeps, appId: string, keepBackup: boolean, backupDir: string): JobDefinition {
  const app = deps.apps.get(appId);
  const server = deps.servers.get(app.serverId);
  let ssh: NodeSSH;
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  const snapId = `deleted-${stamp}`;
  return {
    kind: 'app-delete',
    serverId: app.serverId,
    appId,
    title: `Delete ${app.name} from ${server.name}`,
    steps: [
      {
        title: 'Lock the app',
        run: async (ctx) => {
          ssh = await deps.pool.get(app.serverId);
          const st = parseKv((await ctx.exec(ssh, stateScript({ app: app.name, sha256: '-', jobId: ctx.jobId, holder: `skiff@${hostname()}` }), { quiet: true })).stdout);
          if (st.get('lock') === 'held') throw new SkiffError('APP_LOCKED', { message: `A deployment of ${app.name} is running (job ${st.get('lock_job')}).` });
        },
      },
      {
        title: 'Bring a backup of the data to this computer',
        run: async (ctx) => {
          if (!keepBackup) return { skipped: true, note: 'not asked for' };
          const out = parseKv((await ctx.exec(ssh, snapshotScript({ app: app.name, releaseId: snapId }), { hideKeyValues: true })).stdout);
          if (out.get('snapshot') !== 'yes') return { skipped: true, note: 'no data to back up' };
          mkdirSync(backupDir, { recursive: true });
          const local = path.join(backupDir, `${app.name}-${server.name.replace(/[^A-Za-z0-9_-]+/g, '_')}-${stamp}.tar.zst`);
          const sftp = await ssh.requestSFTP();
          try {
            await new Promise<void>((resolve, reject) => sftp.fastGet(`${appPaths(app.name).backups}/${snapId}.tar.zst`, local, (err) => (err ? reject(err) : resolve())));
          } finally {
            sftp.end();
          }
          ctx.log(`saved ${local}`);
          return { note: local };
        },
      },
      {
        title: 'Stop and remove the service and the Caddy site',
        run: async (ctx) => {
          await ctx.exec(ssh, sh`sudo -n /usr/local/sbin/skiff-root app-remove ${app.name}`.text);
        },
      },
      {
        title: `Remove ${appPaths(app.name).root}`,
        run: async (ctx) => {
          await ctx.exec(ssh, sh`rm -rf ${appPaths(app.name).root} && echo "removed ${appPaths(app.name).root}"`.text);
        },
      },
    ],
    onSucceeded: async () => {
      await deps.apps.forget(appId);
    },
  };
}
