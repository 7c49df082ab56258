// Take the upload into the content store (checked), build releases/<id> from the store, and
// snapshot the data, in one round trip.
import type { Version } from '../../../../../src-shared/domain';
import { parseKv, kvOne, readMigrations } from '../../../remote/readBack';
import { unpackScript } from '../../../remote/scripts/appScripts';
import { connection, type AppTask } from '../appJob';

/** `snapshot`: also snapshot the data (a deploy does; a restore has its own backup). */
export function unpackRelease(version: Version, o: { snapshot: boolean } = { snapshot: true }): AppTask {
  return {
    title: 'Check the upload into the store, build the release from it, snapshot the data',
    run: async (job, ctx) => {
      const target = job.target!;
      const out = parseKv((await ctx.exec(await connection(job), unpackScript({
        app: job.app.name, sha256: version.sha256, releaseId: target.id, binary: job.app.binary,
        entries: job.entries ?? [], reuse: job.reuse, snapshot: o.snapshot,
        upload: job.storeUpload && { ...job.storeUpload, maxBytes: version.summary.uncompressedBytes, jobId: job.jobId },
      }).text, { hideKeyValues: true })).stdout);
      target.migrations = readMigrations(job.app.name, out);
      target.snapshot = kvOne(out, 'snapshot') === 'yes';
      const data = !o.snapshot ? 'no data snapshot asked for' : target.snapshot ? 'data snapshot taken' : 'no data yet';
      return { note: `${job.reuse ? 'already on the server' : 'built from the store'}; ${data}` };
    },
  };
}
