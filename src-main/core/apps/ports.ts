// Port allocation (seed 000's collision detection): a port is free when no app of the server has
// it and nothing on the server listens on it.
import { SkiffError } from '../../../src-shared/errors';

export const PORT_RANGE = { from: 8090, to: 8999 } as const;

/** Ports from `ss -ltnH` output (the Local Address:Port column). */
export function parseListeningPorts(ss: string): number[] {
  const ports = new Set<number>();
  for (const line of ss.split('\n')) {
    const cols = line.trim().split(/\s+/);
    const local = cols.length >= 4 ? cols[3] : cols[0];
    const m = /:(\d+)$/.exec(local ?? '');
    if (m) ports.add(Number(m[1]));
  }
  return [...ports].sort((a, b) => a - b);
}

export function allocatePort(taken: Iterable<number>): number {
  const used = new Set(taken);
  for (let p = PORT_RANGE.from; p <= PORT_RANGE.to; p++) if (!used.has(p)) return p;
  throw new SkiffError('NO_FREE_PORT');
}

export function checkPort(port: number, appPorts: Map<number, string>, listening: number[]): void {
  const owner = appPorts.get(port);
  if (owner) throw new SkiffError('PORT_IN_USE', { message: `Port ${port} is already used by the app "${owner}" on this server.` });
  if (listening.includes(port)) throw new SkiffError('PORT_IN_USE', { message: `Something on the server already listens on port ${port}.` });
}
