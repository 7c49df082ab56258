// The point of no return: arm the server's go-live guard, switch `current`, restart, health-check,
// and on a healthy answer confirm and record (manifest, config hashes, pruning) in the same trip.
import type { App, JobKind } from '../../../../../src-shared/domain';
import { SkiffError } from '../../../../../src-shared/errors';
import type { StepContext } from '../../../jobs/runner';
import { helperCall } from '../../../remote/helper/verbs';
import type { Manifest, ManifestRelease } from '../../../remote/readBack';
import { goLiveScript } from '../../../remote/scripts/appScripts';
import { helperReason } from '../../../remote/readBack';
import { releasesToKeep, toReleaseInfo } from '../../releases';
import { connection, type AppJob, type AppTask } from '../appJob';

/** How long a release has to answer /api/health, unless the app says otherwise (a big migration may need more). */
const HEALTH_TIMEOUT_S = 30;

export function healthTimeoutOf(app: Pick<App, 'healthTimeoutS'>): number {
  return app.healthTimeoutS ?? HEALTH_TIMEOUT_S;
}

/** The server switches back by itself if the desktop has not confirmed by then. */
export function guardSecondsOf(app: Pick<App, 'healthTimeoutS'>): number {
  return healthTimeoutOf(app) + 30;
}

/** Migrations `from` brought that `to` lacks: going from `from` back to `to` needs the data from before `from`. */
export function migrationsAhead(from: ManifestRelease, to: ManifestRelease): string[] {
  return from.migrations.filter((m) => !to.migrations.includes(m));
}

/**
 * `finish`: also set the superuser (read by an earlier task) and release the lock in the same trip,
 * so a deploy's last round trip is this one.
 */
export function goLive(kind: Extract<JobKind, 'deploy' | 'rollback'>, restoreData = false, o: { finish?: boolean } = {}): AppTask {
  return {
    title: kind === 'deploy' ? `Switch current to the new release, restart, and check /api/health${o.finish ? '; set the superuser' : ''}` : 'Switch current, restart, and check /api/health',
    pointOfNoReturn: true,
    run: async (job, ctx) => {
      if (job.noop) return { skipped: true, note: 'nothing to do: the app was not restarted' };
      const target = job.target!;
      const previous = job.previous;
      const manifest = job.state!.manifest;
      const next: Manifest = { app: job.app.name, current: target.id, releases: [...manifest.releases.filter((r) => r.id !== target.id), target], updatedAt: new Date().toISOString() };
      if (kind === 'deploy') next.releases = next.releases.filter((r) => releasesToKeep(next, job.app.keepReleases).includes(r.id));
      // The guard brings back the data too when the new release brought migrations the old one lacks.
      const guardSnapshot = previous && kind === 'deploy' && target.snapshot && migrationsAhead(target, previous).length ? target.id : 'none';
      const restoreBefore = kind === 'rollback' && restoreData && previous && previous.id !== target.id ? previous.id : undefined;
      const res = await ctx.exec(await connection(job), goLiveScript({
        app: job.app.name, deployUser: job.deployUser, releaseId: target.id, previous: previous?.id ?? 'none', restoreSnapshot: guardSnapshot,
        restoreBefore, port: job.app.port, healthTimeoutS: healthTimeoutOf(job.app), guardS: guardSecondsOf(job.app),
        record: { manifest: JSON.stringify(next, null, 2), configHashes: job.configHashes, keep: next.releases.map((r) => r.id) },
        ...(o.finish ? { superuser: job.superuser && { ...job.superuser, binary: job.app.binary }, unlockJob: job.jobId } : {}),
      }).text, { check: false });
      if (res.code !== 0 && res.code !== 7) await failGoLive(job, ctx, res.code, res.stderr);
      job.healthy = true;
      if (/^released the lock$/m.test(res.stdout)) job.lockHeld = false;
      job.deps.apps.recordReleases(job.app.id, toReleaseInfo(next));
      if (res.code === 7) {
        throw new SkiffError('SUPERUSER_FAILED', { message: `The release is live, but the superuser ${job.superuser?.email ?? ''} could not be set: ${helperReason(res.stderr) ?? res.stderr.trim().slice(-300)}` });
      }
      return job.superuser && o.finish ? { note: `superuser ${job.superuser.email} set` } : undefined;
    },
  };
}

async function failGoLive(job: AppJob, ctx: StepContext, code: number, stderr: string): Promise<never> {
  if (code === 5) throw new SkiffError('RELEASE_NOT_FOUND', { detail: stderr.trim().slice(-300) });
  if (code === 4) {
    const journal = await ctx.exec(await connection(job), helperCall('app-journal', [job.app.name, 30]).text, { check: false, quiet: true });
    ctx.warn(`last lines of the app's log:\n${journal.stdout.trim()}`);
    throw new SkiffError('HEALTH_CHECK_FAILED', { detail: stderr.trim().slice(-300) });
  }
  throw new SkiffError('REMOTE_COMMAND_FAILED', { detail: `exit ${code}: ${stderr.trim().slice(-300)}` });
}
