// The channel gate: never more than the limit open on one connection, the rest served in order,
// and a slot freed whether the use succeeds or fails.
import type { Client } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { openChannels, withChannel } from './channels';

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('the channel gate', () => {
  it('keeps at most the limit open on one connection and serves the rest in order', async () => {
    const client = {} as Client;
    const other = {} as Client;
    let open = 0, most = 0;
    const order: number[] = [];
    const ends: (() => void)[] = [];
    const uses = Array.from({ length: 7 }, (_, i) => withChannel(client, async () => {
      open++; most = Math.max(most, open); order.push(i);
      await new Promise<void>((r) => ends.push(r));
      open--;
    }, 3));
    // Another connection has a gate of its own.
    await withChannel(other, async () => { expect(openChannels(other)).toBe(1); }, 3);
    await tick();
    expect(order).toEqual([0, 1, 2]);
    expect(openChannels(client)).toBe(3);
    while (ends.length) { ends.shift()!(); await tick(); await tick(); }
    await Promise.all(uses);
    expect(most).toBe(3);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(openChannels(client)).toBe(0);
  });

  it('frees the slot of a use that fails', async () => {
    const client = {} as Client;
    await expect(withChannel(client, async () => { throw new Error('boom'); }, 1)).rejects.toThrow('boom');
    expect(openChannels(client)).toBe(0);
    expect(await withChannel(client, async () => 'next', 1)).toBe('next');
  });
});
