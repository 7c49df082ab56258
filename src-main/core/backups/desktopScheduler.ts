// The desktop's backup schedule: while Skiff is open, each app with one gets a backup brought to
// this computer whenever its newest local copy is older than the interval. It checks once a
// minute, starts at most one job per app, and a closed laptop simply catches up at the next start.
import type { Backup, BackupSchedule, Job } from '../../../src-shared/domain';
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

export class DesktopScheduler {
  private timer?: NodeJS.Timeout;
  private readonly inFlight = new Map<string, string>();

  constructor(
    private readonly store: BackupStore,
    private readonly appExists: (appId: string) => boolean,
    private readonly startBackup: (appId: string) => Job,
    private readonly isActive: (jobId: string) => boolean,
  ) {}

  begin(everyMs = 60_000): void {
    this.timer = setInterval(() => this.tick(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Starts the backups that are due; returns their jobs. */
  tick(now = Date.now()): Job[] {
    const started: Job[] = [];
    for (const appId of dueApps(this.store, now)) {
      const running = this.inFlight.get(appId);
      if ((running && this.isActive(running)) || !this.appExists(appId)) continue;
      try {
        const job = this.startBackup(appId);
        this.inFlight.set(appId, job.id);
        started.push(job);
      } catch {
        // The app cannot be backed up right now (its server is not set up): the next tick tries again.
      }
    }
    return started;
  }
}
