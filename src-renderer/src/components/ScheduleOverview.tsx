// Every app's backup schedule at a glance, with the flag of each that failed or is missing (read
// from its server when the page opens).
import { useEffect, useState } from 'react';
import type { App, BackupSchedule, ScheduleStatus } from '../../../src-shared/domain';
import { call } from '../api/client';
import { formatWhen } from '../lib/format';

export function ScheduleOverview({ apps }: { apps: Record<string, App> }) {
  const [rows, setRows] = useState<{ schedule: BackupSchedule; status: ScheduleStatus | null; error?: string }[]>([]);
  useEffect(() => {
    let live = true;
    void call('backups.schedules', {}).then(async (list) => {
      const read = await Promise.all(list.map(async (schedule) => {
        try { return { schedule, status: await call('backups.scheduleStatus', { appId: schedule.appId }) }; } catch (e) { return { schedule, status: null, error: (e as Error).message }; }
      }));
      if (live) setRows(read);
    }, () => undefined);
    return () => { live = false; };
  }, []);
  if (!rows.length) return <p className="muted">No app has a backup schedule yet (an app&apos;s Backups section sets one).</p>;
  return (
    <table className="table" aria-label="Backup schedules">
      <tbody>
        {rows.map(({ schedule: s, status, error }) => (
          <tr key={s.appId} data-schedule-app={apps[s.appId]?.name}>
            <td>{apps[s.appId]?.name ?? s.appId}</td>
            <td className="muted">server: {s.serverEvery}{s.target ? ` → ${s.target.kind.toUpperCase()}` : ''} · this computer: {s.desktopEvery}</td>
            <td>
              {status?.flag ? <span className="badge badge-failed" data-schedule-flag={status.flag.kind}>{status.flag.message}</span>
                : status?.lastRun ? <span className="muted">last run {formatWhen(status.lastRun.at)}: ok</span>
                  : error ? <span className="hint">could not read the server: {error}</span> : <span className="muted">no run yet</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
