// Server operations as the UI starts them: each returns the queued job at once; the live log
// and the outcome arrive as job events.
import type { HardeningPreview, Job } from '../../../src-shared/domain';
import { auditJob } from './audit/auditJob';
import type { OpsDeps } from './deps';
import { hardenJob, hardeningPreview } from './harden';
import { setupJob } from './setup';
import { deployJob } from './deploy';
import { rollbackJob } from './rollback';
import { deleteAppJob } from './deleteApp';
import { parseKv } from '../remote/scripts/release';
import { sh } from '../remote/quote';
import { appPaths } from '../remote/templates/app';
import { runScript } from '../ssh/exec';
import { parseManifest, toReleaseInfo } from './deploy';
import type { App } from '../../../src-shared/domain';
import { SkiffError } from '../../../src-shared/errors';

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

  /** Typed confirmation: the app's name. */
  deleteApp(appId: string, confirmName: string, keepBackup: boolean, backupDir: string): Job {
    const app = this.deps.apps.get(appId);
    if (confirmName !== app.name) throw new SkiffError('INVALID_INPUT', { message: `Type the app's name, "${app.name}", to confirm.` });
    return this.deps.runner.start(deleteAppJob(this.deps, appId, keepBackup, backupDir));
  }

  /** Reads the app's manifest back from the server (e.g. after Skiff was closed mid-deploy). */
  async refreshApp(appId: string): Promise<App> {
    const app = this.deps.apps.get(appId);
    const ssh = await this.deps.pool.get(app.serverId);
    const out = parseKv((await runScript(ssh, sh`echo "manifest=$(base64 -w0 ${appPaths(app.name).manifest} 2>/dev/null || true)"`.text, { check: true })).stdout);
    return this.deps.apps.recordReleases(appId, toReleaseInfo(parseManifest(out.get('manifest'), app.name)));
  }

  rollback(appId: string, releaseId: string, restoreData: boolean): Job {
    return this.deps.runner.start(rollbackJob(this.deps, appId, releaseId, restoreData));
  }
}
