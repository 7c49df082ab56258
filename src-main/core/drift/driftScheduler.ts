// Drift checks on a schedule: while Skiff is open, each set-up server is checked when its last
// check (or its setup, for the first) is older than its interval (daily unless the user chose).
// jobs/dueScheduler.ts checks once a minute, one check per server at a time.
import type { DriftEvery, Job, Server } from '../../../src-shared/domain';
import { DueScheduler } from '../jobs/dueScheduler';

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

/** Drift checks on a schedule: a DueScheduler over the servers whose check is due. */
export class DriftScheduler extends DueScheduler {
  constructor(servers: () => Server[], startCheck: (serverId: string) => Job, isActive: (jobId: string) => boolean) {
    super((now) => dueServers(servers(), now), startCheck, isActive);
  }
}
