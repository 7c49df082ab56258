// Job history (metadata; the logs are files beside it), kept across restarts.
import Conf from 'conf';
import type { Job } from '../../../src-shared/domain';
import { PRIVATE_FILE_MODE } from '../store/dataDir';
import { RecordList } from '../store/recordList';

const KEEP = 500;

export class JobStore {
  private readonly records: RecordList<Job, 'jobs'>;

  constructor(dataDir: string) {
    const file = new Conf<{ jobs: Job[] }>({ cwd: dataDir, configName: 'history', projectName: 'skiff', defaults: { jobs: [] }, clearInvalidConfig: false, configFileMode: PRIVATE_FILE_MODE });
    this.records = new RecordList(file, 'jobs', 'That job is not in the history.');
  }

  list(filter: { serverId?: string } = {}): Job[] {
    return this.records.all().filter((j) => !filter.serverId || j.serverId === filter.serverId).reverse();
  }

  get(id: string): Job {
    return this.records.get(id);
  }

  save(job: Job): void {
    this.records.upsert(job, KEEP);
  }

  /** Jobs that were running when the app last stopped did not finish: say so. */
  markInterrupted(): Job[] {
    const all = this.records.all();
    const hit = all.filter((j) => j.status === 'running' || j.status === 'queued');
    for (const j of hit) {
      j.status = 'interrupted';
      j.endedAt = new Date().toISOString();
      j.error = { code: 'INTERRUPTED', message: 'Skiff was closed while this job ran.', fix: 'Check the server\'s state, then run the job again.' };
      for (const s of j.steps) if (s.status === 'running' || s.status === 'pending') s.status = 'cancelled';
    }
    if (hit.length) this.records.write(all);
    return hit;
  }
}
