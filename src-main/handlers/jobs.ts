// jobs.* : the job history with its logs, and cancelling.
import { readJobLog } from '../core/jobs/jobLog';
import type { SkiffCore } from '../core/skiffCore';
import type { Handlers } from './index';

type JobMethods = 'jobs.list' | 'jobs.get' | 'jobs.log' | 'jobs.cancel';

export function jobHandlers({ jobs, dataDir }: SkiffCore): Pick<Handlers, JobMethods> {
  return {
    'jobs.list': async ({ serverId }) => jobs.store.list({ serverId }),
    'jobs.get': async ({ id }) => jobs.store.get(id),
    'jobs.log': async ({ id }) => { jobs.store.get(id); return { text: readJobLog(dataDir, id) }; },
    'jobs.cancel': async ({ id }) => jobs.runner.cancel(id),
  };
}
