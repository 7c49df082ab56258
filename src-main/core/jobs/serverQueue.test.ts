// The order jobs run in on one server: app jobs side by side (one per app, a few at once), a server
// job alone, first come first served.
import { describe, expect, it } from 'vitest';
import { ServerQueue, type QueueKey } from './serverQueue';

/** Starts each job in order; returns which have started, and a way to end one. */
function harness(cap = 4) {
  const q = new ServerQueue(cap);
  const started: string[] = [];
  const ends = new Map<string, () => void>();
  const submit = (name: string, key: QueueKey) => void q.acquire(key).then((release) => { started.push(name); ends.set(name, release); });
  const end = async (name: string) => { ends.get(name)!(); await tick(); };
  const tick = () => new Promise((r) => setTimeout(r, 0));
  return { q, started, submit, end, tick };
}

describe('the server queue', () => {
  it('runs jobs of different apps on one server side by side, and two of one app one after the other', async () => {
    const h = harness();
    h.submit('a1', { serverId: 's', appId: 'a' });
    h.submit('b1', { serverId: 's', appId: 'b' });
    h.submit('a2', { serverId: 's', appId: 'a' });
    h.submit('c1', { serverId: 's', appId: 'c' });
    await h.tick();
    expect(h.started).toEqual(['a1', 'b1', 'c1']);
    await h.end('a1');
    expect(h.started).toEqual(['a1', 'b1', 'c1', 'a2']);
  });

  it('runs a server job alone: after the app jobs before it, and before the app jobs after it', async () => {
    const h = harness();
    h.submit('a1', { serverId: 's', appId: 'a' });
    h.submit('setup', { serverId: 's' });
    h.submit('b1', { serverId: 's', appId: 'b' });
    h.submit('other', { serverId: 't', appId: 'b' });
    await h.tick();
    expect(h.started).toEqual(['a1', 'other']);
    await h.end('a1');
    expect(h.started).toEqual(['a1', 'other', 'setup']);
    await h.end('setup');
    expect(h.started).toEqual(['a1', 'other', 'setup', 'b1']);
  });

  it('runs at most a few app jobs at once on one server', async () => {
    const h = harness(2);
    for (const app of ['a', 'b', 'c', 'd']) h.submit(app, { serverId: 's', appId: app });
    await h.tick();
    expect(h.started).toEqual(['a', 'b']);
    await h.end('b');
    expect(h.started).toEqual(['a', 'b', 'c']);
    await h.end('a');
    await h.end('c');
    await h.end('d');
    expect(h.q.size('s')).toBe(0);
  });
});
