// Deploy, Capistrano-style, for PocketBase on a plain VPS. The recipe reads as its steps; each task
// lives in app/tasks/. A failure before the switch leaves the running release untouched; a failure
// at the switch rolls back (with the data, when the new release brought migrations), and the
// server's go-live guard does the same by itself if this desktop goes away mid-switch.
import type { Version } from '../../../src-shared/domain';
import type { JobDefinition } from '../jobs/runner';
import { appJobDefinition, newAppJob } from './app/appJob';
import { goLive } from './app/tasks/goLive';
import { lockApp } from './app/tasks/lock';
import { rollBackToPrevious } from './app/tasks/rollBack';
import { unpackRelease } from './app/tasks/unpack';
import { uploadVersion } from './app/tasks/upload';
import type { OpsDeps } from './deps';

export function deployJob(deps: OpsDeps, appId: string, version: Version): JobDefinition {
  const job = newAppJob(deps, appId);
  const label = version.pbVersion ? `PocketBase ${version.pbVersion}` : version.fileName;
  return appJobDefinition(job, {
    kind: 'deploy',
    title: `Deploy ${label} to ${job.app.name} on ${job.server.name}`,
    // Three round trips and the upload: lock (asking the store), build (with config), go live (with
    // the superuser and the unlock).
    tasks: [
      lockApp({ version }),
      uploadVersion(version, label),
      unpackRelease(version, { snapshot: true, config: true }),
      goLive('deploy', false, { finish: true }),
    ],
    rollBack: (j, ctx) => rollBackToPrevious(j, ctx, { restoreData: true }),
  });
}
