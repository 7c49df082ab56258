// Job history (metadata; the logs are files beside it), kept across restarts.
import Conf from 'conf';
import type { Job } from '../../../src-shared/domain';
import { SkiffError } from '../../../src-shared/errors';

const KEEP = 500;

export class JobStore {
  private readonly file: Conf<{ jobs: Job[] }>;

  constructor(dataDir: string) {
    this.file = new Conf<{ jobs: Job[] }>({ cwd: dataDir, configName: 'history', projectName: 'skiff', defaults: { jobs: [] }, clearInvalidConfig: false });
  }

  list(filter: { serverId?: string } = {}): Job[] {
    return this.file.get('jobs').filter((j) => !filter.serverId || j.serverId === filter.serverId).reverse();
  }

  get(id: string): Job {
    const job = this.file.get('jobs').find((j) => j.id === id);
    if (!job) throw new SkiffError('NOT_FOUND', { message: 'That job is not in the history.' });
    return job;
  }

  save(job: Job): void {
    const all = this.file.get('jobs');
    const i = all.findIndex((j) => j.id === job.id);
    if (i >= 0) all[i] = job;
    else all.push(job);
    this.file.set('jobs', all.slice(-KEEP));
  }

  /** Jobs that were running when the app last stopped did not finish: say so. */
  markInterrupted(): Job[] {
    const all = this.file.get('jobs');
    const hit = all.filter((j) => j.status === 'running' || j.status === 'queued');
    for (const j of hit) {
      j.status = 'interrupted';
      j.endedAt = new Date().toISOString();
      j.error = { code: 'INTERRUPTED', message: 'Skiff was closed while this job ran.', fix: 'Check the server\'s state, then run the job again.' };
      for (const s of j.steps) if (s.status === 'running' || s.status === 'pending') s.status = 'cancelled';
    }
    if (hit.length) this.file.set('jobs', all);
    return hit;
  }
}
