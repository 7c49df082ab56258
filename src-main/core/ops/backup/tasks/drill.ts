// The restore drill: the server unpacks the backup into a scratch folder, runs the release's
// binary on it on a loopback port, asks /api/health, counts each collection's records and cleans
// up. The result is recorded on the backup, failed as well as passed.
import type { BackupDrillResult } from '../../../../../src-shared/domain';
import { SkiffError } from '../../../../../src-shared/errors';
import { helperCall } from '../../../remote/helper/verbs';
import { helperReason, parseKv } from '../../../remote/readBack';
import { connection, type AppTask } from '../../app/appJob';
import { placeOnServer, type PlacedJob } from './place';

/** `collection=NAME COUNT` lines of the drill's output. */
export function drillCollections(out: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of parseKv(out).get('collection') ?? []) {
    const m = /^([A-Za-z0-9_]{1,100}) ([0-9]{1,15})$/.exec(v);
    if (m) counts[m[1]] = Number(m[2]);
  }
  return counts;
}

export function runDrill(): AppTask<PlacedJob> {
  return {
    title: 'Check the backup, restore it into a scratch folder, run the release on it, read /api/health and the record counts',
    run: async (job, ctx) => {
      const b = job.backup!;
      const { backups } = job.deps;
      const record = (r: BackupDrillResult) => { job.backup = backups.save({ ...backups.get(b.id), lastDrill: r }); };
      try {
        await placeOnServer().run(job, ctx);
        const res = await ctx.exec(await connection(job), helperCall('backup-drill', [job.app.name, b.id, job.app.binary]).text, { hideKeyValues: true });
        const kv = parseKv(res.stdout);
        const collections = drillCollections(res.stdout);
        const health = kv.get('health')?.[0] ?? '';
        const summary = Object.entries(collections).map(([k, n]) => `${k} ${n}`).join(', ');
        record({ at: new Date().toISOString(), ok: true, detail: `healthy (${health}); ${summary || 'no collections'}`, collections });
        return { note: `verified: /api/health ${health}${summary ? `; records: ${summary}` : ''}` };
      } catch (e) {
        const err = e instanceof SkiffError ? e : new SkiffError('INTERNAL', { detail: String(e) });
        record({ at: new Date().toISOString(), ok: false, detail: helperReason(err.detail) ?? err.message });
        throw e;
      }
    },
  };
}
