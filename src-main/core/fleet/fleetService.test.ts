// FleetService over fake parts: a preflight whose read-only command fails (a helper refusal, sudo
// asking for a password) stops the run before any change, for a deploy and for "roll back the
// whole fleet" alike: neither may read an empty answer as "ready".
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { Job } from '../../../src-shared/domain';
import type { OpsDeps } from '../ops/deps';
import { FleetService, type FleetJobs } from './fleetService';

const R1 = '20261125-080910-aaaaaaaa';

/** A connection whose every command answers with what `answer()` returns at that moment. */
function fakeSsh(answer: () => Answer) {
  return {
    connection: {
      exec(_cmd: string, cb: (err: Error | undefined, stream: EventEmitter & { stderr: EventEmitter; end(s?: string): void }) => void) {
        const stream = Object.assign(new EventEmitter(), { stderr: new EventEmitter(), end: () => {} });
        cb(undefined, stream);
        const a = answer();
        setImmediate(() => {
          if (a.out) stream.emit('data', Buffer.from(a.out));
          if (a.err) stream.stderr.emit('data', Buffer.from(a.err));
          stream.emit('close', a.code);
        });
      },
    },
  };
}

function fleet(answer: () => Answer) {
  const started: string[] = [];
  const job = (id: string): Job => ({ id, steps: [{ status: 'succeeded' }, { status: 'succeeded' }], status: 'succeeded' }) as unknown as Job;
  const deps = {
    apps: { get: (id: string) => ({ id, name: id, serverId: 'srv1' }) },
    servers: { get: (id: string) => ({ id, name: 'vps-1', setup: { at: 'x' } }) },
    pool: { get: async () => fakeSsh(answer) },
    versions: {
      get: () => ({ sha256: 'a'.repeat(64), fileName: 'v2.zip', size: 10, summary: { binaryArch: 'x86_64' } }),
      entries: async () => [],
    },
    runner: { wait: async (id: string) => job(id) },
  } as unknown as OpsDeps;
  const jobs = {
    deploy: (appId: string) => { started.push(`deploy ${appId}`); return job(`d-${appId}`); },
    rollback: (appId: string, to: string) => { started.push(`rollback ${appId} to ${to}`); return job(`r-${appId}`); },
  } as unknown as FleetJobs;
  return { service: new FleetService(deps, jobs), started };
}

type Answer = { code: number; out?: string; err?: string };
const ready: Answer = { code: 0, out: `arch=x86_64\nfree=999999999999\ncurrent=releases/${R1}\nlock=none\n` };
const refused: Answer = { code: 1, err: 'sudo: a password is required\n' };

describe('a fleet preflight whose command fails', () => {
  it('stops a deploy before any change, naming the server and the error', async () => {
    const f = fleet(() => refused);
    const recap = await f.service.deploy(['web'], 'a'.repeat(64));
    expect(f.started).toEqual([]);
    expect(recap.stoppedBeforeChange).toContain('the preflight on vps-1 failed: sudo: a password is required');
  });

  it('stops "roll back the whole fleet" before any change, as a deploy does', async () => {
    let answer = ready;
    const f = fleet(() => answer);
    const recap = await f.service.deploy(['web'], 'a'.repeat(64));
    expect(recap.targets[0], recap.targets[0].reason).toMatchObject({ outcome: 'changed', from: R1 });
    expect(f.started).toEqual(['deploy web']);

    answer = refused;
    f.service.startRollbackFleet();
    await new Promise((r) => setTimeout(r, 20));
    const back = f.service.current()!;
    expect(back.running).toBe(false);
    expect(back.recap?.stoppedBeforeChange).toContain('the preflight on vps-1 failed');
    expect(f.started).toEqual(['deploy web']); // no rollback job was started
  });
});
