// The restore drill as a job on the backup's own app (the app keeps serving; the lock task brings
// the helper up to date).
import type { Backup } from '../../../../src-shared/domain';
import type { JobDefinition } from '../../jobs/runner';
import { appJobDefinition, newAppJob } from '../app/appJob';
import { lockApp } from '../app/tasks/lock';
import type { OpsDeps } from '../deps';
import { runDrill } from './tasks/drill';
import type { PlacedJob } from './tasks/place';

export function drillJob(deps: OpsDeps, backup: Backup): JobDefinition {
  const job: PlacedJob = { ...newAppJob(deps, backup.appId), backup };
  return appJobDefinition(job, {
    kind: 'drill',
    title: `Restore drill of backup ${backup.id} of ${job.app.name}`,
    tasks: [lockApp(), runDrill()],
  });
}
