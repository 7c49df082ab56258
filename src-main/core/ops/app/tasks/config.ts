// Env file, unit and Caddy site, through the helper, only when what they are made of changed:
// the server records a hash of the inputs after each finished job (seed 001's config hashes), so
// an unchanged config costs no round trip.
import type { App } from '../../../../../src-shared/domain';
import { ROOT_HELPER } from '../../../remote/helper/build';
import { contentHash } from '../../releases';
import { appPaths } from '../../../remote/paths';
import { configScript, type AppConfigInput } from '../../../remote/scripts/appScripts';
import { DEFAULT_MAX_BODY_MB } from '../../../remote/templates/caddySite';
import type { OpsDeps } from '../../deps';
import { connection, type AppJob, type AppTask } from '../appJob';

export async function appConfig(deps: OpsDeps, app: App): Promise<{ input: AppConfigInput; hash: string }> {
  const input: AppConfigInput = {
    app: app.name, port: app.port, binary: app.binary, env: await deps.apps.envFile(app),
    ...(app.domain ? { site: { domain: app.domain, tls: app.tls, maxBodyMb: DEFAULT_MAX_BODY_MB } } : {}),
  };
  // The superuser is part of what a deploy applies: a changed password is not "nothing to do".
  const superuser = app.superuserEmail ? `${app.superuserEmail}\n${(await deps.apps.superuserPassword(app)) ?? ''}` : '';
  return { input, hash: contentHash(JSON.stringify({ ...input, helper: ROOT_HELPER.version, superuser })) };
}

/** The job's app config, read once: the lock, the upload and the build each need its hash or input. */
export async function jobConfig(job: AppJob): Promise<{ input: AppConfigInput; hash: string }> {
  return (job.config ??= await appConfig(job.deps, job.app));
}

export function writeConfig(): AppTask {
  return {
    title: 'Write env, systemd unit and Caddy site (only what changed)',
    run: async (job, ctx) => {
      const { input, hash } = await jobConfig(job);
      job.configHashes = hash;
      if (job.state!.hashes === hash) return { skipped: true, note: 'unchanged since the last job (by hash)' };
      const res = await ctx.exec(await connection(job), configScript({ ...input, meta: appPaths(job.app.name).meta }).text);
      if (!/\bchanged\b/.test(res.stdout.replace(/\bunchanged\b/g, ''))) return { skipped: true, note: 'all unchanged' };
    },
  };
}
