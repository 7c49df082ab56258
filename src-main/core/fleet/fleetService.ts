// Runs fleet actions over Skiff's own parts: preflights through the connection pool (one read-only
// command per target), each target's work as the ordinary job (its own log, lock and rollback),
// and keeps the last run so "retry the failed ones" and "roll back the whole fleet" know what it did.
import type { FleetOptions, FleetRecap, FleetRunState, FleetServerAction, FleetTarget, Job } from '../../../src-shared/domain';
import { SkiffError } from '../../../src-shared/errors';
import type { OpsDeps } from '../ops/deps';
import { runScript } from '../ssh/exec';
import { retryTargets, runFleet, type FleetPorts, type Preflight, type TargetResult } from './fleetRun';
import { judgePreflight, preflightCommand, readPreflight, type PreflightFacts } from './preflight';
import type { ReleaseEntry } from '../versions/inspectZip';

/** Codes that mean the server could not be reached, not that the job failed on it. */
const UNREACHABLE = new Set(['HOST_UNREACHABLE', 'CONNECTION_REFUSED', 'CONNECTION_TIMEOUT', 'CONNECTION_LOST']);

/** A deploy that only locked, found the version serving with its config, and unlocked changed nothing. */
export function deployChanged(job: Job): boolean {
  return !job.steps.slice(1).every((s) => s.status === 'skipped');
}

export interface FleetJobs {
  deploy(appId: string, sha256: string): Job;
  rollback(appId: string, releaseId: string): Job;
  setup(serverId: string, appUser: string): Job;
  harden(serverId: string): Job;
  audit(serverId: string): Job;
}

const SERVER_ACTION_TITLE: Record<FleetServerAction, string> = { setup: 'Set up', harden: 'Harden', audit: 'Audit' };

export class FleetService {
  private last?: FleetRunState;

  constructor(
    private readonly deps: OpsDeps,
    private readonly jobs: FleetJobs,
    private readonly onChange: (state: FleetRunState) => void = () => {},
  ) {}

  current(): FleetRunState | undefined {
    return this.last && { ...this.last, targets: this.last.targets.map((t) => ({ ...t })) };
  }

  targetsFor(appIds: readonly string[]): FleetTarget[] {
    if (appIds.length === 0) throw new SkiffError('INVALID_INPUT', { message: 'Pick at least one app.' });
    return [...new Set(appIds)].map((appId) => {
      const app = this.deps.apps.get(appId);
      const server = this.deps.servers.get(app.serverId);
      return { key: appId, appId, serverId: server.id, label: `${app.name} on ${server.name}` };
    });
  }

  /** Starts a fleet deploy and returns its first state; the run goes on, reported through onChange. */
  startDeploy(appIds: readonly string[], sha256: string, options: Partial<FleetOptions> = {}): FleetRunState {
    return this.started(this.deploy(appIds, sha256, options));
  }

  deploy(appIds: readonly string[], sha256: string, options: Partial<FleetOptions> = {}): Promise<FleetRecap> {
    // Checked before the run starts, so a bad request is refused to the caller, not recorded as a run.
    this.refuseWhileRunning();
    const version = this.deps.versions.get(sha256);
    const targets = this.targetsFor(appIds);
    const entries = this.deps.versions.entries(sha256);
    entries.catch(() => undefined); // awaited by each preflight
    return this.run({ kind: 'deploy', versionSha256: sha256, title: `Deploy ${version.fileName} to ${targets.length} app(s)` }, targets, {
      preflight: async (t) => {
        const server = this.deps.servers.get(t.serverId);
        if (!server.setup) return { ready: false, reason: `${server.name} is not set up yet` };
        const list = await entries;
        const facts = await this.readTarget(t, list);
        return 'ready' in facts ? facts : judgePreflight(facts, { server, version, entries: list });
      },
      deploy: (t, onStarted) => this.follow(this.jobs.deploy(t.appId!, sha256), onStarted, deployChanged),
    }, options);
  }

  /** Runs the last run's failed and unreachable targets again (same action), and only those. */
  startRetryFailed(options: Partial<FleetOptions> = {}): FleetRunState {
    const last = this.finished();
    const again = retryTargets(last.recap!);
    if (again.length === 0) throw new SkiffError('NOT_FOUND', { message: 'Nothing failed in the last fleet run.' });
    if (last.kind === 'rollback') return this.startRollback(again.map((t) => ({ target: t, to: this.rollbackTo.get(t.key) })), options);
    if (last.kind === 'deploy') return this.startDeploy(again.map((t) => t.appId!), last.versionSha256!, options);
    return this.startServers(last.kind, again.map((t) => t.serverId), options, this.appUser);
  }

  /** Puts every target the last deploy changed back on the release it served before. */
  startRollbackFleet(options: Partial<FleetOptions> = {}): FleetRunState {
    const last = this.finished();
    if (last.kind !== 'deploy') throw new SkiffError('INVALID_INPUT', { message: 'The last fleet run was a rollback already.' });
    const back = last.recap!.targets.filter((s) => s.outcome === 'changed' && s.from).map((s) => ({ target: s.target, to: s.from }));
    if (back.length === 0) throw new SkiffError('NOT_FOUND', { message: 'The last fleet run changed no app that had a release before it.' });
    return this.startRollback(back, options);
  }

  /** A target's preflight facts, or not-ready when the read-only command itself failed. */
  private async readTarget(t: FleetTarget, entries: readonly ReleaseEntry[]): Promise<PreflightFacts | Preflight> {
    const ssh = await this.deps.pool.get(t.serverId);
    const res = await runScript(ssh, preflightCommand(this.deps.apps.get(t.appId!), entries));
    if (res.code !== 0) return { ready: false, reason: `the preflight on ${this.deps.servers.get(t.serverId).name} failed: ${res.stderr.trim().slice(-200)}` };
    return readPreflight(res.stdout);
  }

  /** The release each target of the last rollback run goes back to (kept for its retry). */
  private rollbackTo = new Map<string, string | undefined>();

  private startRollback(targets: { target: FleetTarget; to?: string }[], options: Partial<FleetOptions>): FleetRunState {
    this.refuseWhileRunning();
    this.rollbackTo = new Map(targets.map((t) => [t.target.key, t.to]));
    return this.started(this.run({ kind: 'rollback', title: `Roll back ${targets.length} app(s)` }, targets.map((t) => t.target), {
      preflight: async (t): Promise<Preflight> => {
        if (!this.rollbackTo.get(t.key)) return { ready: false, reason: 'no release to go back to' };
        const facts = await this.readTarget(t, []);
        if ('ready' in facts) return facts;
        if (facts.lockHolder) return { ready: false, reason: `another job holds the app's lock (${facts.lockHolder})` };
        return { ready: true, current: facts.current };
      },
      deploy: (t, onStarted) => this.follow(this.jobs.rollback(t.appId!, this.rollbackTo.get(t.key)!), onStarted, () => true),
    }, options));
  }

  /** The deploy user the last fleet setup asked for (kept for its retry). */
  private appUser = 'skiff';

  /** Setup, hardening or an audit on many servers, with one recap (an audit changes nothing: ok). */
  startServers(action: FleetServerAction, serverIds: readonly string[], options: Partial<FleetOptions> = {}, appUser = 'skiff'): FleetRunState {
    this.refuseWhileRunning();
    if (serverIds.length === 0) throw new SkiffError('INVALID_INPUT', { message: 'Pick at least one server.' });
    const targets = [...new Set(serverIds)].map((id) => { const s = this.deps.servers.get(id); return { key: id, serverId: id, label: s.name }; });
    if (action !== 'setup') {
      const bare = targets.filter((t) => !this.deps.servers.get(t.serverId).setup);
      if (bare.length) throw new SkiffError('SETUP_REQUIRED', { message: `Set up ${bare.map((t) => t.label).join(', ')} first.` });
    }
    this.appUser = appUser;
    const start = (id: string): Job => (action === 'setup' ? this.jobs.setup(id, appUser) : action === 'harden' ? this.jobs.harden(id) : this.jobs.audit(id));
    return this.started(this.run({ kind: action, title: `${SERVER_ACTION_TITLE[action]} ${targets.length} server(s)` }, targets, {
      // The preflight is the login itself: a server that cannot be reached stops the run before any change.
      preflight: async (t) => { await this.deps.pool.get(t.serverId); return { ready: true }; },
      deploy: (t, onStarted) => this.follow(start(t.serverId), onStarted, (job) => action !== 'audit' && !job.changedNothing),
    }, options));
  }

  /** A run left going on by itself: its first state now, its end through onChange (the state carries an error). */
  private started(run: Promise<unknown>): FleetRunState {
    run.catch(() => undefined);
    return this.current()!;
  }

  private async run(head: Pick<FleetRunState, 'kind' | 'versionSha256' | 'title'>, targets: FleetTarget[], ports: Omit<FleetPorts, 'onChange'>, options: Partial<FleetOptions>): Promise<FleetRecap> {
    this.last = { ...head, startedAt: new Date().toISOString(), running: true, targets: targets.map((target) => ({ target, outcome: 'pending' })) };
    this.onChange(this.current()!);
    try {
      const recap = await runFleet(targets, { ...ports, onChange: (states) => { this.last = { ...this.last!, targets: [...states] }; this.onChange(this.current()!); } }, options);
      this.last = { ...this.last, running: false, targets: recap.targets, recap };
      return recap;
    } catch (e) {
      this.last = { ...this.last, running: false, error: (e as Error).message };
      throw e;
    } finally {
      this.onChange(this.current()!);
    }
  }

  private refuseWhileRunning(): void {
    if (this.last?.running) throw new SkiffError('APP_LOCKED', { message: 'A fleet run is going on already.', fix: 'Wait for it to finish, then start the next one.' });
  }

  private finished(): FleetRunState {
    this.refuseWhileRunning();
    if (!this.last?.recap) throw new SkiffError('NOT_FOUND', { message: 'There is no finished fleet run.' });
    return this.last;
  }

  private async follow(job: Job, onStarted: (jobId: string) => void, changed: (job: Job) => boolean): Promise<TargetResult> {
    onStarted(job.id);
    const done = await this.deps.runner.wait(job.id);
    if (done.status === 'succeeded') return { jobId: job.id, outcome: changed(done) ? 'changed' : 'ok' };
    const code = done.error?.code ?? '';
    const why = `${done.error?.message ?? done.status}${done.status === 'rolled-back' ? ' (rolled back: the previous release serves)' : ''}`;
    return { jobId: job.id, outcome: UNREACHABLE.has(code) ? 'unreachable' : 'failed', reason: why };
  }
}
