// Take the upload into the content store (checked), build releases/<id> from the store, and
// snapshot the data, in one round trip.
import type { Version } from '../../../../../src-shared/domain';
import { parseKv, kvOne, readMigrations } from '../../../remote/readBack';
import { unpackScript } from '../../../remote/scripts/appScripts';
import { SkiffError } from '../../../../../src-shared/errors';
import type { AppConfigInput } from '../../../remote/scripts/appScripts';
import { connection, type AppJob, type AppTask } from '../appJob';
import { jobConfig } from './config';

/**
 * `snapshot`: also snapshot the data (a deploy does; a restore has its own backup). `config`: write
 * env, unit and site in the same trip when their inputs changed, and read the superuser from the
 * keychain for the go-live (a deploy does both: its third trip is the go-live).
 */
export function unpackRelease(version: Version, o: { snapshot: boolean; config?: boolean } = { snapshot: true }): AppTask {
  return {
    title: o.config ? 'Build the release from the store, snapshot the data, write the config (only what changed)' : 'Build the release from the store',
    run: async (job, ctx) => {
      if (job.noop) return { skipped: true, note: 'nothing to do' };
      const target = job.target!;
      let config: AppConfigInput | undefined;
      if (o.config) {
        const c = await jobConfig(job);
        job.configHashes = c.hash;
        if (job.state!.hashes !== c.hash) config = c.input;
        job.superuser = await readSuperuser(job);
      }
      const out = parseKv((await ctx.exec(await connection(job), unpackScript({
        app: job.app.name, jobId: job.jobId, sha256: version.sha256, releaseId: target.id, binary: job.app.binary,
        entries: job.entries ?? [], reuse: job.reuse, snapshot: o.snapshot,
        upload: job.storeUpload && { ...job.storeUpload, maxBytes: version.summary.uncompressedBytes, jobId: job.jobId }, config,
      }).text, { hideKeyValues: true })).stdout);
      target.migrations = readMigrations(job.app.name, out);
      target.snapshot = kvOne(out, 'snapshot') === 'yes';
      const data = !o.snapshot ? 'no data snapshot asked for' : target.snapshot ? 'data snapshot taken' : 'no data yet';
      const cfg = !o.config ? '' : config ? '; config written' : '; config unchanged';
      return { note: `${job.reuse ? 'already on the server' : 'built from the store'}; ${data}${cfg}` };
    },
  };
}

async function readSuperuser(job: AppJob): Promise<AppJob['superuser']> {
  const email = job.app.superuserEmail;
  if (!email) return undefined;
  const password = await job.deps.apps.superuserPassword(job.app);
  if (!password) throw new SkiffError('SECRET_MISSING', { message: `The superuser password of ${job.app.name} is not in the keychain.`, fix: 'Edit the app and enter the superuser password again.' });
  return { email, password };
}
