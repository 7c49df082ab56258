// The fleet's order of work, with fake targets: nothing changes when a preflight fails, the canary
// goes alone, batches never exceed their size, failures past the threshold stop the rest, and the
// recap counts every target once.
import { describe, expect, it } from 'vitest';
import { retryTargets, runFleet, type FleetPorts, type FleetTarget, type Preflight, type TargetResult } from './fleetRun';

const targets = (n: number): FleetTarget[] => Array.from({ length: n }, (_, i) => ({ key: `app${i}`, appId: `app${i}`, serverId: `srv${i}`, label: `app${i} on srv${i}` }));

function fake(o: { preflight?: (t: FleetTarget) => Preflight; result?: (t: FleetTarget) => TargetResult['outcome'] } = {}) {
  const log: string[] = [];
  let running = 0;
  let maxRunning = 0;
  const ports: FleetPorts = {
    preflight: async (t) => { log.push(`check ${t.appId}`); return o.preflight?.(t) ?? { ready: true }; },
    deploy: async (t, onStarted) => {
      log.push(`deploy ${t.appId}`);
      onStarted(`job-${t.appId}`);
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      const outcome = o.result?.(t) ?? 'changed';
      return { jobId: `job-${t.appId}`, outcome, reason: outcome === 'failed' ? 'health check failed: rolled back' : undefined };
    },
  };
  return { ports, log, maxRunning: () => maxRunning };
}

describe('a fleet run', () => {
  it('checks every target first, deploys a canary alone, then batches of at most N, and counts them', async () => {
    const f = fake({ result: (t) => (t.appId === 'app3' ? 'ok' : 'changed') });
    const r = await runFleet(targets(12), f.ports, { batchSize: 5 });
    const firstDeploy = f.log.findIndex((l) => l.startsWith('deploy'));
    expect(f.log.slice(0, firstDeploy)).toHaveLength(12); // all checks before any deploy
    expect(f.log[firstDeploy]).toBe('deploy app0');
    expect(f.maxRunning()).toBe(5);
    expect(r.counts).toEqual({ ok: 1, changed: 11, failed: 0, skipped: 0, unreachable: 0 });
    expect(r.targets.every((s) => s.jobId === `job-${s.target.appId}`)).toBe(true);
  });

  it('stops before any change when a preflight fails, naming the server and why', async () => {
    const f = fake({ preflight: (t) => (t.serverId === 'srv1' ? { ready: false, reason: 'srv1 has 12 MiB free; the release needs about 80 MiB' } : { ready: true }) });
    const r = await runFleet(targets(3), f.ports);
    expect(f.log.filter((l) => l.startsWith('deploy'))).toEqual([]);
    expect(r.stoppedBeforeChange).toMatch(/app1 on srv1: srv1 has 12 MiB free/);
    expect(r.counts).toEqual({ ok: 0, changed: 0, failed: 1, skipped: 2, unreachable: 0 });
  });

  it('counts a server it cannot reach as unreachable, and still changes nothing', async () => {
    const f = fake();
    f.ports.preflight = async (t) => { if (t.serverId === 'srv2') throw new Error('connection refused'); return { ready: true }; };
    const r = await runFleet(targets(3), f.ports);
    expect(r.counts.unreachable).toBe(1);
    expect(r.targets[2]).toMatchObject({ outcome: 'unreachable', reason: 'connection refused' });
    expect(f.log.filter((l) => l.startsWith('deploy'))).toEqual([]);
  });

  it('stops after a failed canary: the rest is skipped, untouched', async () => {
    const f = fake({ result: (t) => (t.appId === 'app0' ? 'failed' : 'changed') });
    const r = await runFleet(targets(4), f.ports);
    expect(f.log.filter((l) => l.startsWith('deploy'))).toEqual(['deploy app0']);
    expect(r.stoppedAfterFailures).toBe(true);
    expect(r.counts).toEqual({ ok: 0, changed: 0, failed: 1, skipped: 3, unreachable: 0 });
    expect(r.targets[1].reason).toMatch(/not started: 1 failed, more than the 0 allowed/);
  });

  it('goes on while failures stay within the threshold, and retries only the failed ones', async () => {
    const f = fake({ result: (t) => (t.appId === 'app2' ? 'failed' : 'changed') });
    const r = await runFleet(targets(6), f.ports, { batchSize: 2, maxFailures: 1 });
    expect(r.stoppedAfterFailures).toBeUndefined();
    expect(r.counts).toEqual({ ok: 0, changed: 5, failed: 1, skipped: 0, unreachable: 0 });
    expect(retryTargets(r).map((t) => t.appId)).toEqual(['app2']);
  });

  it('a deploy that throws is a failure of that target, not of the run', async () => {
    const f = fake();
    f.ports.deploy = async (t) => { if (t.appId === 'app1') throw new Error('the job could not start'); return { jobId: `job-${t.appId}`, outcome: 'changed' }; };
    const r = await runFleet(targets(3), f.ports, { maxFailures: 5 });
    expect(r.targets[1]).toMatchObject({ outcome: 'failed', reason: 'the job could not start' });
    expect(r.counts.changed).toBe(2);
  });

  it('refuses a batch size that is not a whole number of at least 1', async () => {
    await expect(runFleet(targets(2), fake().ports, { batchSize: 0 })).rejects.toThrow(/batchSize/);
  });
});

describe('what a target\'s deploy came to', () => {
  const job = (statuses: string[]) => ({ steps: statuses.map((status) => ({ title: 't', status })) }) as unknown as import('../../../src-shared/domain').Job;
  it('is "ok" when only the lock ran (the version served with its config), "changed" otherwise', async () => {
    const { deployChanged } = await import('./fleetService');
    expect(deployChanged(job(['succeeded', 'skipped', 'skipped', 'skipped']))).toBe(false);
    expect(deployChanged(job(['succeeded', 'skipped', 'succeeded', 'succeeded']))).toBe(true);
  });
});
