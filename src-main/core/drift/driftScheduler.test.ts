// When a server's drift check is due, and that the scheduler starts one check per server at a time.
import { describe, expect, it } from 'vitest';
import type { Job, Server } from '../../../src-shared/domain';
import { DriftScheduler, dueServers } from './driftScheduler';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const ago = (h: number) => new Date(NOW - h * 3600_000).toISOString();
const server = (id: string, o: Partial<Server> = {}): Server => ({ id, name: id, host: 'h', port: 22, user: 'root', auth: { kind: 'agent' }, createdAt: ago(100), updatedAt: ago(100), setup: { appUser: 'skiff', adminUser: 'root', at: ago(48) }, ...o }) as Server;

describe('drift checks on a schedule', () => {
  it('are due daily by default, first a day after setup, and never for a server not set up or turned off', () => {
    expect(dueServers([
      server('fresh-setup', { setup: { appUser: 'skiff', adminUser: 'root', at: ago(2) } }),
      server('setup-long-ago'),
      server('checked-recently', { lastDrift: { serverId: 'x', at: ago(3), findings: [], changes: 0, durationMs: 1 } }),
      server('hourly', { driftEvery: 'hourly', lastDrift: { serverId: 'x', at: ago(3), findings: [], changes: 0, durationMs: 1 } }),
      server('off', { driftEvery: 'off' }),
      server('not-set-up', { setup: undefined }),
    ], NOW)).toEqual(['setup-long-ago', 'hourly']);
  });

  it('starts one check per server at a time, and tries again when one could not start', () => {
    const active = new Set<string>();
    let n = 0;
    let refuse = true;
    const s = new DriftScheduler(() => [server('a'), server('b')], (id) => {
      if (id === 'b' && refuse) throw new Error('gone');
      const job = { id: `job-${++n}`, serverId: id } as Job;
      active.add(job.id);
      return job;
    }, (id) => active.has(id));
    expect(s.tick(NOW).map((j) => j.serverId)).toEqual(['a']);
    refuse = false;
    expect(s.tick(NOW).map((j) => j.serverId)).toEqual(['b']);
    active.clear();
    expect(s.tick(NOW).map((j) => j.serverId)).toEqual(['a', 'b']);
  });
});
