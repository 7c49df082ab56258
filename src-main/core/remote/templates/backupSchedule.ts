// The server's backup schedule (the laptop may be closed): a oneshot service that runs the
// helper's `backup-scheduled`, and a timer. The helper renders both from these templates.
import { fillTemplate } from '../template';

export const SCHEDULE_EVERY = ['hourly', '6h', 'daily', 'weekly'] as const;
export type ScheduleEvery = (typeof SCHEDULE_EVERY)[number];

/** systemd OnCalendar for each choice (daily at 03:17 server time: off the hour everyone picks). */
export const ON_CALENDAR: Record<ScheduleEvery, string> = { hourly: '*-*-* *:17:00', '6h': '*-*-* 00/6:17:00', daily: '*-*-* 03:17:00', weekly: 'Sun *-*-* 03:17:00' };

/** The longest a healthy schedule goes between two backups, for "missing" (twice the interval). */
export const EVERY_SECONDS: Record<ScheduleEvery, number> = { hourly: 3600, '6h': 6 * 3600, daily: 86400, weekly: 7 * 86400 };

export const BACKUP_SERVICE_TEMPLATE = `# Managed by Skiff: a scheduled backup of {{app}} (and its push to the off-server target, if set).
[Unit]
Description=Skiff scheduled backup of {{app}}
After=network-online.target
Wants=network-online.target

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/skiff-root backup-scheduled {{app}}
Nice=10
IOSchedulingClass=idle
`;

export const BACKUP_TIMER_TEMPLATE = `# Managed by Skiff: when {{app}} is backed up ({{every}}).
[Unit]
Description=Skiff backup schedule of {{app}}

[Timer]
OnCalendar={{calendar}}
Persistent=true
AccuracySec=1min

[Install]
WantedBy=timers.target
`;

export function renderBackupService(app: string): string {
  return fillTemplate(BACKUP_SERVICE_TEMPLATE, { app });
}

export function renderBackupTimer(app: string, every: ScheduleEvery): string {
  return fillTemplate(BACKUP_TIMER_TEMPLATE, { app, every, calendar: ON_CALENDAR[every] });
}
