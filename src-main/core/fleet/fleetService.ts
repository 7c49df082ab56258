// Runs a fleet deploy over Skiff's own parts: preflights through the connection pool (one read-only
// command per target), each target's deploy as the ordinary deploy job (its own log, lock and
// rollback), and keeps the last recap so "retry the failed ones" knows what failed.
import type { Job, Version } from '../../../src-shared/domain';
import { SkiffError } from '../../../src-shared/errors';
import type { OpsDeps } from '../ops/deps';
import { runScript } from '../ssh/exec';
import { retryTargets, runFleet, type FleetOptions, type FleetRecap, type FleetTarget, type TargetResult, type TargetState } from './fleetRun';
import { judgePreflight, preflightCommand, readPreflight } from './preflight';

/** Codes that mean the server could not be reached, not that the deploy failed on it. */
const UNREACHABLE = new Set(['HOST_UNREACHABLE', 'CONNECTION_REFUSED', 'CONNECTION_TIMEOUT', 'CONNECTION_LOST']);

/** A deploy that only locked, found the version serving with its config, and unlocked changed nothing. */
export function deployChanged(job: Job): boolean {
  return !job.steps.slice(1).every((s) => s.status === 'skipped');
}

export interface FleetRunState { versionSha256: string; running: boolean; targets: TargetState[]; recap?: FleetRecap }

export class FleetService {
  private last?: FleetRunState;

  constructor(
    private readonly deps: OpsDeps,
    private readonly startDeploy: (appId: string, sha256: string) => Job,
    private readonly onChange: (state: FleetRunState) => void = () => {},
  ) {}

  current(): FleetRunState | undefined {
    return this.last && { ...this.last, targets: this.last.targets.map((t) => ({ ...t })) };
  }

  targetsFor(appIds: readonly string[]): FleetTarget[] {
    return [...new Set(appIds)].map((appId) => {
      const app = this.deps.apps.get(appId);
      const server = this.deps.servers.get(app.serverId);
      return { appId, serverId: server.id, label: `${app.name} on ${server.name}` };
    });
  }

  async deploy(appIds: readonly string[], sha256: string, options: Partial<FleetOptions> = {}): Promise<FleetRecap> {
    if (this.last?.running) throw new SkiffError('APP_LOCKED', { message: 'A fleet run is going on already.', fix: 'Wait for it to finish, then start the next one.' });
    const version = this.deps.versions.get(sha256);
    const entries = await this.deps.versions.entries(sha256);
    const targets = this.targetsFor(appIds);
    this.last = { versionSha256: sha256, running: true, targets: targets.map((target) => ({ target, outcome: 'pending' })) };
    this.onChange(this.current()!);
    try {
      const recap = await runFleet(targets, {
        preflight: async (t) => {
          const app = this.deps.apps.get(t.appId);
          const server = this.deps.servers.get(t.serverId);
          if (!server.setup) return { ready: false, reason: `${server.name} is not set up yet` };
          const ssh = await this.deps.pool.get(server.id);
          const res = await runScript(ssh, preflightCommand(app, entries));
          if (res.code !== 0) return { ready: false, reason: `the preflight on ${server.name} failed: ${res.stderr.trim().slice(-200)}` };
          return judgePreflight(readPreflight(res.stdout), { server, version, entries });
        },
        deploy: (t, onStarted) => this.deployOne(t, version, onStarted),
        onChange: (states) => { this.last = { ...this.last!, targets: [...states] }; this.onChange(this.current()!); },
      }, options);
      this.last = { ...this.last, running: false, targets: recap.targets, recap };
      return recap;
    } finally {
      if (this.last.running) this.last = { ...this.last, running: false };
      this.onChange(this.current()!);
    }
  }

  /** Runs the last run's failed and unreachable targets again (same version), and only those. */
  async retryFailed(options: Partial<FleetOptions> = {}): Promise<FleetRecap> {
    if (!this.last?.recap) throw new SkiffError('NOT_FOUND', { message: 'There is no finished fleet run to retry.' });
    const again = retryTargets(this.last.recap);
    if (again.length === 0) throw new SkiffError('NOT_FOUND', { message: 'Nothing failed in the last fleet run.' });
    return this.deploy(again.map((t) => t.appId), this.last.versionSha256, options);
  }

  private async deployOne(t: FleetTarget, version: Version, onStarted: (jobId: string) => void): Promise<TargetResult> {
    const job = this.startDeploy(t.appId, version.sha256);
    onStarted(job.id);
    const done = await this.deps.runner.wait(job.id);
    if (done.status === 'succeeded') return { jobId: job.id, outcome: deployChanged(done) ? 'changed' : 'ok' };
    const code = done.error?.code ?? '';
    const why = `${done.error?.message ?? done.status}${done.status === 'rolled-back' ? ' (rolled back: the previous release serves)' : ''}`;
    return { jobId: job.id, outcome: UNREACHABLE.has(code) ? 'unreachable' : 'failed', reason: why };
  }
}
