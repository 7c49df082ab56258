// The overview's reading of a server: states as a user reads them, rates between two polls, and
// what an app or a server could put in the output dropped rather than trusted.
import { describe, expect, it } from 'vitest';
import { appCpuPercent, appRunState, parseStatus, serverCpuPercent } from './status';

const R = '20261128-101010-abcdef01';
const out = (apps: string[], cpu = '100 0 50 800 50 0 0 0 0 0', end = true) => [
  '==server==', 'uptime=7752', 'load=1.97 1.29 1.33', `cpu=${cpu}`, 'cpus=2', 'mem_total=2000000000', 'mem_available=1500000000',
  'disk_total=10000000000', 'disk_used=2500000000', 'reboot=yes', 'updates=3',
  '==apps==', ...apps, ...(end ? ['==end=='] : []),
].join('\n');
const app = (name: string, active: string, sub: string, health: string, o: { pid?: string; cpu?: string; mem?: string; release?: string } = {}) =>
  [name, active, sub, o.pid ?? '4242', 'Sat 2026-11-28 10:10:12 UTC', o.mem ?? '31457280', o.cpu ?? '2000000000', '1', health, o.release ?? R, '1048576'].join('\t');

describe('the status of a server', () => {
  it('reads the server figures and each app with its state, release, health and sizes', () => {
    const s = parseStatus(out([app('web', 'active', 'running', '200'), app('shop', 'failed', 'failed', '-')]))!;
    expect(s).toMatchObject({ uptimeSeconds: 7752, load: [1.97, 1.29, 1.33], cpus: 2, memory: { totalBytes: 2e9, availableBytes: 1.5e9 }, disk: { totalBytes: 1e10, usedBytes: 2.5e9 }, rebootRequired: true, pendingUpdates: 3 });
    expect(s.apps[0]).toEqual({ app: 'web', state: 'running', since: '2026-11-28T10:10:12.000Z', health: 200, release: R, pid: 4242, memoryBytes: 31457280, cpuNs: 2e9, restarts: 1, dataBytes: 1048576 });
    expect(s.apps[1]).toMatchObject({ app: 'shop', state: 'failed', health: null });
  });

  it('names the states as a user reads them', () => {
    expect(appRunState('active', 'running', 200)).toBe('running');
    expect(appRunState('active', 'running', 503)).toBe('starting');
    expect(appRunState('activating', 'auto-restart', null)).toBe('starting');
    expect(appRunState('failed', 'failed', null)).toBe('failed');
    expect(appRunState('inactive', 'dead', null)).toBe('stopped');
    expect(appRunState('weird', '', null)).toBe('unreachable');
  });

  it('drops what does not fit: hostile app names, fields and health answers', () => {
    const s = parseStatus(out([
      app('x$(id)', 'active', 'running', '200'),
      app('web', 'active', 'running', '200 OK; rm -rf', { release: '../../etc', mem: '18446744073709551615', pid: '-1' }),
      'too\tfew',
    ]))!;
    expect(s.apps).toEqual([{ app: 'web', state: 'starting', since: '2026-11-28T10:10:12.000Z', health: null, cpuNs: 2e9, restarts: 1, dataBytes: 1048576 }]);
  });

  it('is no status at all when the output was cut off', () => {
    expect(parseStatus(out([app('web', 'active', 'running', '200')], undefined, false))).toBeUndefined();
  });

  it('turns two polls into CPU percentages, and a restart in between into none', () => {
    const a = parseStatus(out([app('web', 'active', 'running', '200', { cpu: '1000000000' })], '100 0 50 800 50 0 0 0'))!;
    const b = parseStatus(out([app('web', 'active', 'running', '200', { cpu: '1500000000' })], '150 0 100 1000 50 0 0 0'))!;
    expect(serverCpuPercent(a, b)).toBeCloseTo(100 * 100 / 300);
    expect(appCpuPercent(a.apps[0], b.apps[0], 10)).toBeCloseTo(5);
    expect(appCpuPercent({ ...a.apps[0], pid: 1 }, b.apps[0], 10)).toBeUndefined();
  });
});
