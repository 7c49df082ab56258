// How many channels (commands, streams, SFTP) Skiff keeps open at once on one SSH connection. sshd
// refuses a channel beyond MaxSessions (10 by default), counting sessions it is still closing: with
// app jobs side by side and a fleet's preflights, Skiff could ask for more and read the refusal
// as a lost connection. Callers beyond the limit wait their turn, first come first served.
import type { Client } from 'ssh2';

export const CHANNELS_PER_CONNECTION = 6;

interface Gate { open: number; waiting: (() => void)[] }

const gates = new WeakMap<Client, Gate>();

/** Runs `use` while holding one of the connection's channel slots (released when it settles). */
export async function withChannel<T>(client: Client, use: () => Promise<T>, limit = CHANNELS_PER_CONNECTION): Promise<T> {
  let gate = gates.get(client);
  if (!gate) gates.set(client, (gate = { open: 0, waiting: [] }));
  const g = gate;
  if (g.open >= limit) await new Promise<void>((resolve) => g.waiting.push(resolve));
  else g.open++;
  try {
    return await use();
  } finally {
    // Hand the slot straight to the next in line (it does not count itself in), or free it.
    const next = g.waiting.shift();
    if (next) next();
    else g.open--;
  }
}

/** Channels open on the connection now (for tests). */
export function openChannels(client: Client): number {
  return gates.get(client)?.open ?? 0;
}
