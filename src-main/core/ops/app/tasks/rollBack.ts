// What a failure past the point of no return does: back to the release that served before (with
// the data snapshot taken before the failed one, when it brought migrations the old one lacks).
// With nothing to go back to, the app is stopped.
import { SkiffError } from '../../../../../src-shared/errors';
import type { StepContext } from '../../../jobs/runner';
import { rollBackScript, stopAppScript } from '../../../remote/scripts/appScripts';
import { connection, type AppJob } from '../appJob';
import { healthTimeoutOf, migrationsAhead } from './goLive';

export async function rollBackToPrevious(job: AppJob, ctx: StepContext, opts: { restoreData: boolean }): Promise<{ status: 'rolled-back' }> {
  const ssh = await connection(job);
  const { previous, target } = job;
  if (!previous) {
    ctx.warn('there is no previous release to return to: stopping the app');
    await ctx.exec(ssh, stopAppScript(job.app.name).text, { check: false });
    return { status: 'rolled-back' };
  }
  const ahead = target && opts.restoreData && target.snapshot ? migrationsAhead(target, previous) : [];
  if (ahead.length) ctx.log(`${target!.id} brought migrations (${ahead.join(', ')}): restoring the data snapshot taken before it`);
  const res = await ctx.exec(ssh, rollBackScript({ app: job.app.name, to: previous.id, restoreSnapshot: ahead.length ? target!.id : undefined, port: job.app.port, healthTimeoutS: healthTimeoutOf(job.app) }).text, { check: false });
  if (res.code !== 0) {
    throw new SkiffError('HEALTH_CHECK_FAILED', { message: `The previous release ${previous.id} did not come back healthy either.`, fix: `Look at the app's log on the server (journalctl -u skiff-${job.app.name}).`, detail: res.stderr.trim().slice(-300) });
  }
  ctx.log(`back on ${previous.id}`);
  return { status: 'rolled-back' };
}
