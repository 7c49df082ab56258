// Notify on the change, not the state: down after two failed checks in a row, recovered once, no repeats.
import { describe, expect, it } from 'vitest';
import { nextAlert, type AlertState } from './alerts';
import { Series } from './history';

function run(checks: boolean[]): (string | undefined)[] {
  let s: AlertState | undefined;
  return checks.map((ok) => { const r = nextAlert(s, ok); s = r.state; return r.event; });
}

describe('monitor alerts', () => {
  it('say "down" after two failures in a row, "recovered" once, and nothing in between', () => {
    expect(run([true, false, false, false, false, true, true])).toEqual([undefined, undefined, 'down', undefined, undefined, 'recovered', undefined]);
  });

  it('ignore one failed check between good ones', () => {
    expect(run([false, true, false, true])).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('the last hour of a figure', () => {
  it('keeps an hour, drops the oldest first, and stays bounded', () => {
    const s = new Series(3600_000, 100);
    for (let i = 0; i < 1000; i++) s.add(i * 10_000, i);
    const v = s.values();
    expect(v.length).toBe(100);
    expect(v.at(-1)).toEqual({ t: 9_990_000, v: 999 });
    s.add(20_000_000, Number.NaN);
    expect(s.values().length).toBe(100);
  });
});
