// A fleet run (Kamal's and Ansible's "deploy this to many servers"): every target is checked before
// any is changed, a canary goes first, then batches run in parallel, and the run stops once failures
// pass the threshold. Each target's own job rolls itself back; the ones never reached are listed as
// skipped. The recap counts like Ansible's: ok, changed, failed, skipped, unreachable.
// Pure orchestration: how a target is checked and deployed is passed in, so it is tested without SSH.

import type { FleetOptions, FleetRecap, FleetTarget, TargetState } from '../../../src-shared/domain';

export type { FleetOptions, FleetRecap, FleetTarget, TargetState };

export const DEFAULT_FLEET_OPTIONS: FleetOptions = { batchSize: 5, maxFailures: 0, canary: true };

/** What a preflight found: ready, or the reason this target would fail (full disk, held lock…). */
export type Preflight = { ready: true; /** The release serving now. */ current?: string } | { ready: false; reason: string; unreachable?: boolean };

/** What one target's deploy came to. */
export interface TargetResult { jobId: string; outcome: 'ok' | 'changed' | 'failed' | 'unreachable'; reason?: string }

export interface FleetPorts {
  preflight(target: FleetTarget): Promise<Preflight>;
  /** Starts the target's job; `onStarted` names it as soon as it exists (for the live grid). */
  deploy(target: FleetTarget, onStarted: (jobId: string) => void): Promise<TargetResult>;
  /** Called on every change of a target's state. */
  onChange?(states: readonly TargetState[]): void;
}

/** How many preflights run at once (each is one read-only command per target). */
const PREFLIGHT_PARALLEL = 8;

export async function runFleet(targets: readonly FleetTarget[], ports: FleetPorts, options: Partial<FleetOptions> = {}): Promise<FleetRecap> {
  const o = { ...DEFAULT_FLEET_OPTIONS, ...options };
  if (o.batchSize < 1 || !Number.isInteger(o.batchSize)) throw new Error('batchSize must be a whole number of 1 or more');
  const states: TargetState[] = targets.map((target) => ({ target, outcome: 'pending' }));
  const changed = () => ports.onChange?.(states.map((s) => ({ ...s })));

  // 1. Preflight every target; any that is not ready stops the run before anything changes.
  const checks = await mapLimited(states, PREFLIGHT_PARALLEL, async (s) => {
    try {
      return await ports.preflight(s.target);
    } catch (e) {
      return { ready: false, reason: (e as Error).message, unreachable: true } as Preflight;
    }
  });
  checks.forEach((c, i) => { if (c.ready && c.current) states[i].from = c.current; });
  const blocked = checks.flatMap((c, i) => (c.ready ? [] : [{ state: states[i], check: c }]));
  if (blocked.length > 0) {
    for (const { state, check } of blocked) {
      state.outcome = !check.ready && check.unreachable ? 'unreachable' : 'failed';
      state.reason = !check.ready ? check.reason : undefined;
    }
    for (const s of states) if (s.outcome === 'pending') { s.outcome = 'skipped'; s.reason = 'not started: the preflight stopped the run'; }
    changed();
    const names = blocked.map(({ state, check }) => `${state.target.label}: ${!check.ready ? check.reason : ''}`).join('; ');
    return recap(states, { stoppedBeforeChange: `The preflight stopped the run before any change. ${names}` });
  }

  // 2. The canary alone, then batches; stop once failures pass the threshold.
  let failures = 0;
  const deployOne = async (s: TargetState) => {
    s.outcome = 'running';
    changed();
    try {
      const r = await ports.deploy(s.target, (jobId) => { s.jobId = jobId; changed(); });
      s.jobId = r.jobId;
      s.outcome = r.outcome;
      s.reason = r.reason;
    } catch (e) {
      s.outcome = 'failed';
      s.reason = (e as Error).message;
    }
    if (s.outcome === 'failed' || s.outcome === 'unreachable') failures++;
    changed();
  };
  const queue = [...states];
  const waves: TargetState[][] = [];
  if (o.canary && queue.length > 1) waves.push(queue.splice(0, 1));
  while (queue.length) waves.push(queue.splice(0, o.batchSize));
  let stopped = false;
  for (const wave of waves) {
    if (failures > o.maxFailures) {
      stopped = true;
      break;
    }
    await Promise.all(wave.map(deployOne));
  }
  if (failures > o.maxFailures && states.some((s) => s.outcome === 'pending')) stopped = true;
  for (const s of states) if (s.outcome === 'pending') { s.outcome = 'skipped'; s.reason = `not started: ${failures} failed, more than the ${o.maxFailures} allowed`; }
  changed();
  return recap(states, stopped ? { stoppedAfterFailures: true } : {});
}

function recap(states: TargetState[], extra: Partial<FleetRecap>): FleetRecap {
  const counts = { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0 };
  for (const s of states) if (s.outcome in counts) counts[s.outcome as keyof typeof counts]++;
  return { ...extra, targets: states.map((s) => ({ ...s })), counts };
}

/** Runs `fn` over `items`, at most `limit` at once, keeping the order of the results. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The targets to run again after "retry the failed ones": failed and unreachable, nothing else. */
export function retryTargets(recap: FleetRecap): FleetTarget[] {
  return recap.targets.filter((s) => s.outcome === 'failed' || s.outcome === 'unreachable').map((s) => s.target);
}
