// Starts a job for each thing that is due, once a minute while Skiff runs: at most one job per
// thing in flight, and a thing that cannot start now is simply tried at the next tick. The backup
// and drift schedules are this plus their own rule for "due".
import type { Job } from '../../../src-shared/domain';

export class DueScheduler {
  private timer?: NodeJS.Timeout;
  private readonly inFlight = new Map<string, string>();

  constructor(
    /** The ids due at `now`. */
    private readonly due: (now: number) => string[],
    private readonly start: (id: string) => Job,
    private readonly isActive: (jobId: string) => boolean,
  ) {}

  begin(everyMs = 60_000): void {
    this.timer = setInterval(() => this.tick(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Starts what is due; returns the jobs started. */
  tick(now = Date.now()): Job[] {
    const started: Job[] = [];
    for (const id of this.due(now)) {
      const running = this.inFlight.get(id);
      if (running && this.isActive(running)) continue;
      try {
        const job = this.start(id);
        this.inFlight.set(id, job.id);
        started.push(job);
      } catch {
        // Not startable now (its server is not set up, it went away): the next tick tries again.
      }
    }
    return started;
  }
}
