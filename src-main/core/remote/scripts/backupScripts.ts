// Scripts of backup and restore jobs (the helper's backup verbs do the work; docs/backups.md).
import { appPaths } from '../paths';
import { sh, type ShellText } from '../quote';
import { helperCall } from '../helper/verbs';
import { writeManifestScript } from './appScripts';
import { healthWait } from './healthWait';
import { withSecretLines } from './secretStdin';

/** After the data swap: point current at the release to run, start, health-gate, drop the replaced data. */
export function restoreLiveScript(o: { app: string; releaseId: string; port: number; healthTimeoutS: number; manifest?: string }): ShellText {
  const p = appPaths(o.app);
  const record = o.manifest ? writeManifestScript({ app: o.app, manifest: o.manifest }) : sh`:`;
  return sh`cd ${p.root}
[ -d ${'releases/' + o.releaseId} ] || { echo "releases/${o.releaseId} is gone" >&2; exit 5; }
ln -sfn ${'releases/' + o.releaseId} .current.tmp && mv -T .current.tmp current
echo "current -> releases/${o.releaseId}"
${helperCall('app-service', ['restart', o.app])}
${healthWait(o.app, o.port, o.healthTimeoutS)}
${helperCall('backup-restore-done', [o.app])}
${record}`;
}

/** The restore failed after the swap: the previous data back, then the previous release (or just a start). */
export function restoreUndoScript(o: { app: string; to?: string; port: number; healthTimeoutS: number }): ShellText {
  const p = appPaths(o.app);
  const back = o.to
    ? sh`[ -d ${'releases/' + o.to} ] && ln -sfn ${'releases/' + o.to} .current.tmp && mv -T .current.tmp current
echo "current -> releases/${o.to}"`
    : sh`:`;
  return sh`cd ${p.root}
${helperCall('backup-restore-undo', [o.app])}
${back}
${helperCall('app-service', ['restart', o.app])}
${healthWait(o.app, o.port, o.healthTimeoutS)}`;
}

/** The server's backup schedule with its target settings on stdin (secrets never in an argv). */
export function scheduleApplyScript(o: { app: string; binary: string; every: 'hourly' | '6h' | 'daily' | 'weekly'; keep: number; drill: boolean; target: string[] }): ShellText {
  const call = helperCall('schedule-apply', [o.app, o.binary, o.every, o.keep, o.drill ? 'yes' : 'no']);
  return o.target.length ? withSecretLines(o.target, call) : sh`${call} < /dev/null`;
}
