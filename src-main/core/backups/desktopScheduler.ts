// The desktop's backup schedule: while Skiff is open, each app with one gets a backup brought to
// this computer whenever its newest local copy is older than the interval (jobs/dueScheduler.ts
// checks once a minute, one job per app at a time); a closed laptop catches up at the next start.
import type { Backup, BackupSchedule, Job } from '../../../src-shared/domain';
import { DueScheduler } from '../jobs/dueScheduler';
import type { BackupStore } from './backupStore';

export const DESKTOP_EVERY_MS: Record<Exclude<BackupSchedule['desktopEvery'], 'off'>, number> = { hourly: 3600_000, daily: 86400_000 };

/** The newest backup of the app that has a copy on this computer. */
export function newestLocal(list: Backup[]): Backup | undefined {
  return list.filter((b) => b.copies.desktop && b.kind !== 'pre-restore').sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
}

/** Apps whose desktop backup is due at `now`. */
export function dueApps(store: BackupStore, now: number): string[] {
  return store.schedules().filter((s) => s.desktopEvery !== 'off').filter((s) => {
    const last = newestLocal(store.list(s.appId));
    return !last || now - Date.parse(last.createdAt) >= DESKTOP_EVERY_MS[s.desktopEvery as 'hourly' | 'daily'];
  }).map((s) => s.appId);
}

/** The desktop backup schedule: a DueScheduler over apps whose newest local copy is too old. */
export class DesktopScheduler extends DueScheduler {
  constructor(store: BackupStore, appExists: (appId: string) => boolean, startBackup: (appId: string) => Job, isActive: (jobId: string) => boolean) {
    super((now) => dueApps(store, now).filter(appExists), startBackup, isActive);
  }
}
