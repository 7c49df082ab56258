// When the monitor notifies: on a change, not on a state. A check must fail twice in a row before
// "down" is said (one slow answer is not an outage), "recovered" is said once when it passes again,
// and nothing is repeated while it stays down or up.

export interface AlertState {
  /** Consecutive failed checks. */
  failures: number;
  /** Whether "down" was said and not yet taken back. */
  down: boolean;
}

export type AlertEvent = 'down' | 'recovered' | undefined;

export const FAILURES_BEFORE_DOWN = 2;

export function nextAlert(prev: AlertState | undefined, ok: boolean): { state: AlertState; event: AlertEvent } {
  const p = prev ?? { failures: 0, down: false };
  if (ok) return { state: { failures: 0, down: false }, event: p.down ? 'recovered' : undefined };
  const failures = p.failures + 1;
  if (!p.down && failures >= FAILURES_BEFORE_DOWN) return { state: { failures, down: true }, event: 'down' };
  return { state: { failures, down: p.down }, event: undefined };
}
