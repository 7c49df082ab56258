// Server operations as the UI starts them: each returns the queued job at once; the live log
// and the outcome arrive as job events.
import type { HardeningPreview, Job } from '../../../src-shared/domain';
import { auditJob } from './audit/auditJob';
import type { OpsDeps } from './deps';
import { hardenJob, hardeningPreview } from './harden';
import { setupJob } from './setup';
import { deployJob } from './deploy';
import { rollbackJob } from './rollback';

export class Operations {
  constructor(private readonly deps: OpsDeps) {}

  setup(serverId: string, appUser: string): Job {
    return this.deps.runner.start(setupJob(this.deps, serverId, appUser));
  }

  hardenPreview(serverId: string): Promise<HardeningPreview> {
    return hardeningPreview(this.deps, serverId);
  }

  harden(serverId: string): Job {
    return this.deps.runner.start(hardenJob(this.deps, serverId));
  }

  audit(serverId: string): Job {
    return this.deps.runner.start(auditJob(this.deps, serverId).def);
  }

  deploy(appId: string, sha256: string): Job {
    return this.deps.runner.start(deployJob(this.deps, appId, this.deps.versions.get(sha256)));
  }

  rollback(appId: string, releaseId: string, restoreData: boolean): Job {
    return this.deps.runner.start(rollbackJob(this.deps, appId, releaseId, restoreData));
  }
}
