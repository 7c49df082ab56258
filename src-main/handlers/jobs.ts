// Server jobs (setup, harden, audit) and the job history with its logs.
import { readJobLog } from '../core/jobs/jobLog';
import type { SkiffCore } from '../core/skiffCore';
import type { Handlers } from './index';

type JobMethods = 'servers.setup' | 'servers.hardenPreview' | 'servers.harden' | 'servers.audit' | 'jobs.list' | 'jobs.get' | 'jobs.log' | 'jobs.cancel';

export function jobHandlers({ ops, jobs, dataDir, servers }: SkiffCore): Pick<Handlers, JobMethods> {
  return {
    'servers.setup': async ({ id, appUser }) => { servers.get(id); return ops.setup(id, appUser); },
    'servers.hardenPreview': ({ id }) => ops.hardenPreview(id),
    'servers.harden': async ({ id }) => ops.harden(id),
    'servers.audit': async ({ id }) => { servers.get(id); return ops.audit(id); },
    'jobs.list': async ({ serverId }) => jobs.store.list({ serverId }),
    'jobs.get': async ({ id }) => jobs.store.get(id),
    'jobs.log': async ({ id }) => { jobs.store.get(id); return { text: readJobLog(dataDir, id) }; },
    'jobs.cancel': async ({ id }) => jobs.runner.cancel(id),
  };
}
