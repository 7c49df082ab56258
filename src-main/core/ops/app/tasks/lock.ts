// Check and lock: read the server back (one round trip), bring Skiff's helper up to date when a
// desktop key may sign it, take the app's lock, and know what serves now. A lock left by a job of
// this desktop that no longer runs (Skiff was closed) is taken over after finishing what that job
// owed; a lock of another desktop refuses the job, naming it.
import type { Version } from '../../../../../src-shared/domain';
import { SkiffError } from '../../../../../src-shared/errors';
import { storeKeys } from '../../../remote/scripts/storeScripts';
import type { StepContext } from '../../../jobs/runner';
import { ROOT_HELPER } from '../../../remote/helper/build';
import { readAppState, type AppState, type ManifestRelease } from '../../../remote/readBack';
import { appStateScript } from '../../../remote/scripts/appScripts';
import { helperCall } from '../../../remote/helper/verbs';
import { updateHelperSigned } from '../../helperUpdate';
import { connection, type AppJob, type AppTask } from '../appJob';
import { jobConfig } from './config';

/** `unchanged`: a deploy's version and config; when they already serve, the server takes no lock and says so. */
export async function readState(job: AppJob, ctx: StepContext, takeOver?: string, unchanged?: { sha256: string; hashes: string }): Promise<AppState> {
  const ssh = await connection(job);
  const { id, who } = job.deps.installation;
  const keys = job.entries ? storeKeys(job.entries) : undefined;
  const out = await ctx.exec(ssh, appStateScript({ app: job.app.name, helperVersion: ROOT_HELPER.version, holder: { jobId: job.jobId, installation: id, who }, takeOver, storeKeys: keys, unchanged }).text, { hideKeyValues: true });
  return readAppState(job.app.name, out.stdout);
}

/**
 * The release `current` points at, as the manifest records it. A release the manifest does not
 * know (a job cut off between switching and recording) is named after its version in the library
 * when the library has it, else by its id.
 */
export function releaseServing(state: AppState, library?: { list(): Version[] }): ManifestRelease | undefined {
  if (!state.current) return undefined;
  const recorded = state.manifest.releases.find((r) => r.id === state.current);
  if (recorded) return recorded;
  const sha256 = state.releases.find((r) => r.id === state.current)?.sha256 ?? '0'.repeat(64);
  const label = library?.list().find((v) => v.sha256 === sha256)?.fileName ?? state.current;
  return { id: state.current, sha256, label, deployedAt: new Date(0).toISOString(), migrations: [], snapshot: false };
}

/** A go-live whose desktop went away before confirming it: do now what the server's guard would. */
export async function finishOwedRollback(job: AppJob, ctx: StepContext, state: AppState): Promise<AppState> {
  if (!state.guardArmed) return state;
  ctx.warn('a go-live was never confirmed healthy: switching back now, as the server would have by itself');
  await ctx.exec(await connection(job), helperCall('golive-revert', [job.app.name]).text);
  return readState(job, ctx, job.jobId);
}

/** `version`: the job puts this version on the server; the same trip asks which of its files the server's store lacks. */
export function lockApp(o: { version?: Version } = {}): AppTask {
  return {
    title: 'Check the server and lock the app',
    run: async (job, ctx) => {
      if (o.version) job.entries = await job.deps.versions.entries(o.version.sha256);
      const unchanged = o.version && { sha256: o.version.sha256, hashes: (await jobConfig(job)).hash };
      let state = await readState(job, ctx, undefined, unchanged);
      if (state.noop) {
        // The version and config asked for already serve: nothing to lock, upload or restart.
        job.state = state;
        job.previous = releaseServing(state, job.deps.versions);
        job.noop = true;
        return { note: `already serving releases/${state.current} with this config: nothing to do, no restart` };
      }
      if (state.lock === 'acquired') job.lockHeld = true;
      if (state.helper !== ROOT_HELPER.version) {
        if (!state.signers) throw new SkiffError('SERVER_UPGRADE_REQUIRED');
        await updateHelperSigned(job.deps, ctx, await connection(job));
        state = await readState(job, ctx, job.jobId);
      }
      if (state.lock === 'none') throw new SkiffError('SERVER_UPGRADE_REQUIRED', { message: `Skiff could not prepare ${job.app.name}'s folders on ${job.server.name}.` });
      if (state.lock === 'held') {
        const h = state.holder!;
        if (h.installation === job.deps.installation.id && !job.deps.runner.isActive(h.jobId)) {
          ctx.warn(`the lock was left by job ${h.jobId} of this desktop, which did not finish (Skiff was closed?): taking it over`);
          state = await finishOwedRollback(job, ctx, await readState(job, ctx, h.jobId));
        } else {
          throw new SkiffError('APP_LOCKED', {
            message: `Another job holds ${job.app.name}'s lock: job ${h.jobId || '?'} by ${h.who || 'an unknown desktop'}, taken ${formatAge(state.lockAge ?? 0)} ago.`,
          });
        }
      }
      job.lockHeld = true;
      job.state = state;
      job.previous = releaseServing(state, job.deps.versions);
      if (state.reverted) ctx.warn(`the server's go-live guard switched back to ${state.reverted.to} on ${new Date(state.reverted.at * 1000).toISOString()}`);
      ctx.log(`${job.server.name}: ${state.arch}, ${Math.round(state.free / 1048576)} MiB free; serving ${job.previous ? job.previous.id : 'nothing yet'}`);
      return { note: 'locked' };
    },
  };
}

export function formatAge(s: number): string {
  if (s < 90) return `${s} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}
