// After Skiff was closed mid-job: read the app back from the server, finish the rollback an
// unconfirmed go-live owed (what the server's guard would do by itself), record what actually
// serves, and release the lock the cut-off job left. Started for each such app when Skiff starts.
import type { Job } from '../../../src-shared/domain';
import type { JobDefinition } from '../jobs/runner';
import { recordScript } from '../remote/scripts/appScripts';
import { restoreUndoScript } from '../remote/scripts/backupScripts';
import { healthTimeoutOf } from './app/tasks/goLive';
import type { Manifest } from '../remote/readBack';
import { toReleaseInfo } from './releases';
import { appJobDefinition, connection, newAppJob, type AppTask } from './app/appJob';
import { finishOwedRollback, readState, releaseServing } from './app/tasks/lock';
import type { OpsDeps } from './deps';

function readBack(interrupted: Job): AppTask {
  return {
    title: 'Read the app back from the server',
    run: async (job, ctx) => {
      let state = await readState(job, ctx, interrupted.id);
      if (state.lock === 'held') {
        ctx.warn(`the lock is held by job ${state.holder?.jobId} of ${state.holder?.who || 'another desktop'}: Skiff reads the server but leaves that job alone`);
      } else if (state.lock === 'acquired') {
        job.lockHeld = true;
        state = await finishOwedRollback(job, ctx, state);
      }
      job.state = state;
      job.previous = releaseServing(state, job.deps.versions);
      if (state.reverted) ctx.log(`the server's go-live guard had switched back to ${state.reverted.to} at ${new Date(state.reverted.at * 1000).toISOString()}`);
      ctx.log(`${job.app.name} serves ${job.previous?.id ?? 'nothing'}${state.manifest.current && state.manifest.current !== state.current ? ` (the record said ${state.manifest.current})` : ''}`);
    },
  };
}

/** A restore cut off after the stop: the swapped-in data was never confirmed healthy, so the data it replaced goes back. */
function undoUnfinishedRestore(interrupted: Job): AppTask {
  return {
    title: 'Put back the data an unfinished restore replaced',
    run: async (job, ctx) => {
      if (interrupted.kind !== 'restore') return { skipped: true, note: 'not a restore' };
      if (!job.lockHeld) return { skipped: true, note: 'another job holds the lock' };
      const res = await ctx.exec(await connection(job), restoreUndoScript({ app: job.app.name, port: job.app.port, healthTimeoutS: healthTimeoutOf(job.app) }).text, { check: false });
      if (res.code !== 0) ctx.warn(`the app did not come back healthy: ${res.stderr.trim().slice(-300)}`);
    },
  };
}

function recordServing(): AppTask {
  return {
    title: 'Record what the server serves',
    run: async (job, ctx) => {
      const state = job.state!;
      const known = state.manifest.releases.filter((r) => state.releases.some((d) => d.id === r.id));
      const serving = job.previous;
      const releases = serving && !known.some((r) => r.id === serving.id) ? [...known, serving] : known;
      const next: Manifest = { app: job.app.name, current: serving?.id, releases, updatedAt: new Date().toISOString() };
      if (job.lockHeld) {
        await ctx.exec(await connection(job), recordScript({ app: job.app.name, manifest: JSON.stringify(next, null, 2), configHashes: state.hashes, keep: state.releases.map((r) => r.id) }).text);
      }
      job.deps.apps.recordReleases(job.app.id, toReleaseInfo(next));
      return { note: `serving ${serving?.id ?? 'nothing'}` };
    },
  };
}

export function reconcileJob(deps: OpsDeps, interrupted: Job): JobDefinition {
  const job = newAppJob(deps, interrupted.appId!);
  return appJobDefinition(job, {
    kind: 'reconcile',
    title: `Read back ${job.app.name} after an interrupted job ("${interrupted.title}")`,
    tasks: [readBack(interrupted), undoUnfinishedRestore(interrupted), recordServing()],
  });
}
