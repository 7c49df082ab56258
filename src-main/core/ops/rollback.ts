// One-click rollback to any kept release: no upload, just switch `current`, restart and health-gate
// (optionally putting back the data snapshot taken before the release being undone). If the kept
// release does not come up, Skiff goes back to the one that was serving.
import { SkiffError } from '../../../src-shared/errors';
import type { JobDefinition } from '../jobs/runner';
import { appJobDefinition, newAppJob, type AppTask } from './app/appJob';
import { writeConfig } from './app/tasks/config';
import { goLive } from './app/tasks/goLive';
import { lockApp } from './app/tasks/lock';
import { rollBackToPrevious } from './app/tasks/rollBack';
import type { OpsDeps } from './deps';

function pickRelease(releaseId: string): AppTask {
  return {
    title: 'Find the release on the server',
    run: async (job, ctx) => {
      const target = job.state!.manifest.releases.find((r) => r.id === releaseId);
      if (!target || !job.state!.releases.some((r) => r.id === releaseId)) throw new SkiffError('RELEASE_NOT_FOUND');
      job.target = target;
      ctx.log(`from ${job.previous?.id ?? 'nothing'} to ${target.id} (${target.label}); nothing to upload`);
      return { skipped: true, note: job.previous?.id === target.id ? 'already the current release' : 'found' };
    },
  };
}

export function rollbackJob(deps: OpsDeps, appId: string, releaseId: string, restoreData: boolean): JobDefinition {
  const job = newAppJob(deps, appId);
  return appJobDefinition(job, {
    kind: 'rollback',
    title: `Roll back ${job.app.name} to ${releaseId}${restoreData ? ' (with its data)' : ''}`,
    tasks: [lockApp(), pickRelease(releaseId), writeConfig(), goLive('rollback', restoreData, { finish: true })],
    // The kept release did not come up: back to what served, data as it is now.
    rollBack: (j, ctx) => rollBackToPrevious({ ...j, previous: j.previous, target: j.target && { ...j.target, migrations: [], snapshot: false } }, ctx, { restoreData: false }),
  });
}
