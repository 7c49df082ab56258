import { describe, expect, it } from 'vitest';
import type { Manifest } from '../remote/readBack';
import { releaseId, releasesToKeep, toReleaseInfo } from './releases';

const rel = (id: string, at: string) => ({ id, sha256: 'x'.repeat(64), label: id, deployedAt: at, migrations: [], snapshot: true });

describe('releases', () => {
  it('names a release by UTC time and version hash', () => {
    expect(releaseId(new Date('2026-11-25T08:09:10.123Z'), 'abcdef0123456789'.repeat(4))).toBe('20261125-080910-abcdef01');
  });

  it('keeps the newest N and always the current one', () => {
    const m: Manifest = { app: 'a', current: 'r1', updatedAt: '', releases: [rel('r1', '2026-01-01'), rel('r2', '2026-01-02'), rel('r3', '2026-01-03'), rel('r4', '2026-01-04')] };
    expect(releasesToKeep(m, 2)).toEqual(['r4', 'r3', 'r1']);
    expect(releasesToKeep({ ...m, current: 'r4' }, 2)).toEqual(['r4', 'r3']);
  });

  it('lists releases newest first with the current one marked', () => {
    const m: Manifest = { app: 'a', current: 'r1', updatedAt: '', releases: [rel('r1', '1'), rel('r2', '2')] };
    expect(toReleaseInfo(m).map((r) => [r.id, r.current])).toEqual([['r2', false], ['r1', true]]);
  });
});
