// Backup schedules: the target settings the server's helper takes (key=value lines, secrets in
// base64), the status it reports read back and checked, and when a schedule counts as failed or
// missing.
import type { BackupDrillResult, BackupSchedule, BackupTarget, ScheduleEvery, ScheduleStatus } from '../../../src-shared/domain';
import { SkiffError } from '../../../src-shared/errors';
import type { BackupStore } from './backupStore';
import { argIsValid } from '../remote/helper/args';
import { targetValueOk } from '../remote/helper/scheduleBodies';
import { EVERY_SECONDS } from '../remote/templates/backupSchedule';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** The target's lines for `schedule-apply`, each checked here with the helper's own pattern. */
export function targetLines(target: BackupTarget | undefined, secrets: { secret?: string; password?: string }, keep: { keepLast: number; keepDaily: number; keepWeekly: number }): string[] {
  if (!target) return [];
  if (!secrets.secret) throw new SkiffError('SECRET_MISSING', { message: `The ${target.kind === 's3' ? 'S3 secret key' : 'SFTP private key'} of this backup target is not in the keychain.`, fix: 'Enter it again in the backup schedule.' });
  if (!secrets.password) throw new SkiffError('SECRET_MISSING', { message: 'The backup repository\'s password is not in the keychain.' });
  const kv: [string, string][] = [['kind', target.kind], ['password', b64(secrets.password)]];
  if (target.kind === 's3') {
    kv.push(['s3_url', target.url.replace(/^s3:/, '')], ['s3_key_id', target.keyId], ['s3_secret', b64(secrets.secret)]);
    if (target.caCert) kv.push(['ca_cert', b64(target.caCert)]);
  } else {
    kv.push(['sftp_host', target.host], ['sftp_port', String(target.port)], ['sftp_user', target.user], ['sftp_path', target.path], ['sftp_key', b64(secrets.secret.trimEnd() + '\n')], ['sftp_known_hosts', b64(target.knownHosts.trim() + '\n')]);
  }
  kv.push(['keep_last', String(keep.keepLast)], ['keep_daily', String(keep.keepDaily)], ['keep_weekly', String(keep.keepWeekly)]);
  return kv.map(([k, v]) => {
    if (!targetValueOk(k, v)) throw new SkiffError('INVALID_INPUT', { message: `The backup target's ${k.replace(/_/g, ' ')} is not valid.` });
    return `${k}=${v}`;
  });
}

/** The drill a scheduled run did, as the backup's lastDrill (collections from its `collection=` words). */
export function scheduledDrill(out: string, status: ScheduleStatus): BackupDrillResult | undefined {
  const run = status.lastRun;
  if (!run?.drill) return undefined;
  const detail = (/^last_drill_detail=(.*)$/m.exec(out)?.[1] ?? '').replace(/[^\x20-\x7e]/g, '').slice(0, 500);
  const collections: Record<string, number> = {};
  for (const m of detail.matchAll(/collection=([A-Za-z0-9_]{1,100}) ([0-9]{1,15})/g)) collections[m[1]] = Number(m[2]);
  const health = /health=(\S+ after \d+ ms)/.exec(detail)?.[1];
  return run.drill === 'ok'
    ? { at: run.at, ok: true, detail: `healthy (${health ?? '200'}); ${Object.entries(collections).map(([k, n]) => `${k} ${n}`).join(', ') || 'no collections'} (after a scheduled backup)`, collections }
    : { at: run.at, ok: false, detail: detail || 'the drill after the scheduled backup failed' };
}

/** Parses `schedule-status` output; `now` (ms) decides whether a backup is missing. */
export function readScheduleStatus(out: string, schedule: BackupSchedule | undefined, now = Date.now()): ScheduleStatus {
  const kv = new Map<string, string>();
  for (const line of out.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) kv.set(line.slice(0, i), line.slice(i + 1).trim());
  }
  const status: ScheduleStatus = { server: 'none' };
  const m = /^(hourly|6h|daily|weekly) ([0-9]{1,4}) (none|s3|sftp)$/.exec(kv.get('schedule') ?? '');
  if (m) status.server = { every: m[1] as ScheduleEvery, keep: Number(m[2]), target: m[3] as 'none' | 's3' | 'sftp', next: kv.get('next') || undefined };
  const at = Number(kv.get('last_at'));
  if (Number.isFinite(at) && at > 0) {
    const ok = kv.get('last_status') === 'ok';
    const pushed = kv.get('last_pushed');
    status.lastRun = {
      at: new Date(at * 1000).toISOString(),
      ok,
      backup: argIsValid('backupId', kv.get('last_backup') ?? '') ? kv.get('last_backup')! : '',
      pushed: pushed === 'yes' || pushed === 'failed' ? pushed : 'no',
      addedBytes: Number(kv.get('last_added')) || 0,
      error: (kv.get('last_error') || undefined)?.replace(/[^\x20-\x7e]/g, '').slice(0, 300),
      ...(kv.get('last_drill') === 'ok' || kv.get('last_drill') === 'failed' ? { drill: kv.get('last_drill') as 'ok' | 'failed' } : {}),
    };
  }
  if (status.lastRun && !status.lastRun.ok) {
    status.flag = { kind: 'failed', message: `The last scheduled backup failed: ${status.lastRun.error ?? 'see the server\'s journal (skiff-backup)'}` };
  } else if (schedule && schedule.serverEvery !== 'off' && status.server !== 'none') {
    const limit = 2 * EVERY_SECONDS[schedule.serverEvery] * 1000;
    const since = status.lastRun ? Date.parse(status.lastRun.at) : schedule.appliedAt ? Date.parse(schedule.appliedAt) : now;
    if (now - since > limit) status.flag = { kind: 'missing', message: `No scheduled backup for ${Math.round((now - since) / 3600000)} h (the schedule is ${schedule.serverEvery}).` };
  }
  return status;
}

/** Puts a scheduled run's drill on its backup, when the list has that backup. */
export function recordScheduledDrill(store: BackupStore, out: string, status: ScheduleStatus): void {
  const drill = scheduledDrill(out, status);
  const b = drill && status.lastRun?.backup ? store.find(status.lastRun.backup) : undefined;
  if (b && drill) store.save({ ...b, lastDrill: drill });
}
