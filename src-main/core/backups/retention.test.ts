import { describe, expect, it } from 'vitest';
import { backupsToKeep, type Dated } from './retention';

const b = (id: string, createdAt: string, kind: Dated['kind'] = 'scheduled'): Dated => ({ id, createdAt, kind });

describe('backupsToKeep', () => {
  it('keeps the newest N, then the newest of each recent day and week', () => {
    const list = [
      b('a', '2026-11-27T12:00:00Z'), b('b', '2026-11-27T06:00:00Z'), b('c', '2026-11-26T12:00:00Z'), b('d', '2026-11-26T06:00:00Z'),
      b('e', '2026-11-20T12:00:00Z'), b('f', '2026-11-19T12:00:00Z'), b('g', '2026-11-10T12:00:00Z'), b('h', '2026-10-01T12:00:00Z'),
    ];
    expect([...backupsToKeep(list, { keepLast: 1, keepDaily: 2, keepWeekly: 0 })].sort()).toEqual(['a', 'c']);
    // Weeks: 2026-W48 (a), W47 (e), W46 (g), W40 (h).
    expect([...backupsToKeep(list, { keepLast: 0, keepDaily: 0, keepWeekly: 3 })].sort()).toEqual(['a', 'e', 'g']);
    expect(backupsToKeep(list, { keepLast: 100, keepDaily: 0, keepWeekly: 0 }).size).toBe(8);
  });

  it('never prunes a pre-restore backup or an archive', () => {
    const list = [b('a', '2026-11-27T12:00:00Z'), b('old', '2020-01-01T00:00:00Z', 'pre-restore'), b('arch', '2019-01-01T00:00:00Z', 'archive')];
    expect([...backupsToKeep(list, { keepLast: 1, keepDaily: 0, keepWeekly: 0 })].sort()).toEqual(['a', 'arch', 'old']);
  });
});
