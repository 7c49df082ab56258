// One-click rollback to any kept release: no upload, just switch `current`, restart and health-gate
// (optionally putting back the data snapshot taken before the release being undone).
import type { NodeSSH } from 'node-ssh';
import { SkiffError } from '../../../src-shared/errors';
import type { JobDefinition } from '../jobs/runner';
import { configScript, finishScript, goLiveScript, parseKv, restoreSnapshotScript, stateScript, unlockScript } from '../remote/scripts/release';
import { appJobContext, type OpsDeps } from './deps';
import { appConfig, HEALTH_TIMEOUT_S, parseManifest, rollBackTo, toReleaseInfo, type Manifest, type ManifestRelease } from './deploy';
import { hostname } from 'node:os';

export function rollbackJob(deps: OpsDeps, appId: string, releaseId: string, restoreData: boolean): JobDefinition {
  const { app, appUser } = appJobContext(deps, appId);
  let ssh: NodeSSH;
  let jobId = '';
  let lockHeld = false;
  let manifest: Manifest;
  let from: ManifestRelease | undefined;
  let to: ManifestRelease;
  let serverHashes = '';
  let hashes = '';

  return {
    kind: 'rollback',
    serverId: app.serverId,
    appId,
    title: `Roll back ${app.name} to ${releaseId}${restoreData ? ' (with its data)' : ''}`,
    steps: [
      {
        title: 'Check the server and lock the app',
        run: async (ctx) => {
          jobId = ctx.jobId;
          ssh = await deps.pool.get(app.serverId);
          const st = parseKv((await ctx.exec(ssh, stateScript({ app: app.name, sha256: '-', jobId, holder: `skiff@${hostname()}` }), { quiet: true })).stdout);
          if (st.get('lock') === 'held') throw new SkiffError('APP_LOCKED', { message: `Another deployment of ${app.name} is running (job ${st.get('lock_job')}).` });
          lockHeld = true;
          manifest = parseManifest(st.get('manifest'), app.name);
          serverHashes = st.get('hashes') ?? '';
          const target = manifest.releases.find((r) => r.id === releaseId);
          if (!target) throw new SkiffError('RELEASE_NOT_FOUND');
          to = target;
          from = manifest.releases.find((r) => r.id === manifest.current);
          ctx.log(`from ${from?.id ?? 'nothing'} to ${to.id} (${to.label}); nothing to upload`);
          if (from?.id === to.id) return { skipped: true, note: 'already the current release' };
        },
      },
      {
        title: 'Restore the data snapshot taken before the release being undone',
        run: async (ctx) => {
          if (!restoreData) return { skipped: true, note: 'not asked for: data stays as it is' };
          if (!from || from.id === to.id) return { skipped: true, note: 'nothing to undo' };
          await ctx.exec(ssh, restoreSnapshotScript({ app: app.name, snapshotOf: from.id }));
        },
      },
      {
        title: 'Write the systemd unit for the release (only if it changed)',
        run: async (ctx) => {
          const cfg = await appConfig(deps, app, appUser, to.has);
          hashes = cfg.hashes;
          if (serverHashes === hashes) return { skipped: true, note: 'unchanged (by hash)' };
          const res = await ctx.exec(ssh, configScript({ app: app.name, env: cfg.env, unit: cfg.unit, site: cfg.site }));
          if (!/changed/.test(res.stdout.replace(/unchanged/g, ''))) return { skipped: true, note: 'unchanged' };
        },
      },
      {
        title: 'Switch current, restart, and check /api/health',
        noCancel: true,
        run: async (ctx) => {
          const res = await ctx.exec(ssh, goLiveScript({ app: app.name, releaseId: to.id, port: app.port, healthTimeoutS: HEALTH_TIMEOUT_S }), { check: false });
          if (res.code !== 0) throw new SkiffError('HEALTH_CHECK_FAILED', { message: `${to.id} did not become healthy, so Skiff went back to ${from?.id ?? 'where it was'}.`, detail: res.stderr.trim().slice(-300) });
        },
      },
      {
        title: 'Record the switch and unlock',
        noCancel: true,
        run: async (ctx) => {
          const next: Manifest = { ...manifest, current: to.id, updatedAt: new Date().toISOString() };
          await ctx.exec(ssh, finishScript({ app: app.name, binary: app.binary, manifest: JSON.stringify(next, null, 2), keep: next.releases.map((r) => r.id), jobId, configHashes: hashes }));
          lockHeld = false;
          deps.apps.recordReleases(appId, toReleaseInfo(next));
        },
      },
    ],
    recover: {
      title: 'Go back to the release that was running',
      run: async (ctx, failedAt) => {
        if (failedAt < 3 || !from || !ssh) return;
        return rollBackTo(ctx, ssh, app, appUser, from, { ...to, migrations: [], snapshot: false });
      },
    },
    finally: async (ctx) => {
      // The job's own connection may be the one that died: unlock over the pool's current one.
      if (lockHeld) await ctx.exec(await deps.pool.get(app.serverId), unlockScript({ app: app.name, jobId }), { check: false });
    },
  };
}
