// Drift checks on a schedule: while Skiff is open, each set-up server is checked when its last
// check (or its setup, for the first) is older than its interval (daily unless the user chose).
// Once a minute, at most one check per server in flight; a closed laptop catches up at the next start.
import type { DriftEvery, Job, Server } from '../../../src-shared/domain';

export const DRIFT_EVERY_MS: Record<Exclude<DriftEvery, 'off'>, number> = { hourly: 3600_000, daily: 86400_000 };

/** Servers whose drift check is due at `now`. */
export function dueServers(servers: Server[], now: number): string[] {
  return servers.filter((s) => {
    const every = s.driftEvery ?? 'daily';
    if (every === 'off' || !s.setup) return false;
    const since = Date.parse(s.lastDrift?.at ?? s.setup.at);
    return !Number.isFinite(since) || now - since >= DRIFT_EVERY_MS[every];
  }).map((s) => s.id);
}

export class DriftScheduler {
  private timer?: NodeJS.Timeout;
  private readonly inFlight = new Map<string, string>();

  constructor(
    private readonly servers: () => Server[],
    private readonly startCheck: (serverId: string) => Job,
    private readonly isActive: (jobId: string) => boolean,
  ) {}

  begin(everyMs = 60_000): void {
    this.timer = setInterval(() => this.tick(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  tick(now = Date.now()): Job[] {
    const started: Job[] = [];
    for (const id of dueServers(this.servers(), now)) {
      const running = this.inFlight.get(id);
      if (running && this.isActive(running)) continue;
      try {
        const job = this.startCheck(id);
        this.inFlight.set(id, job.id);
        started.push(job);
      } catch {
        // Not checkable now (the server went away): the next tick tries again.
      }
    }
    return started;
  }
}
