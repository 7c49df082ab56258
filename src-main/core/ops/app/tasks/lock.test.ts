// What serves, when the record does not say: a job cut off between switching `current` and
// writing the manifest leaves a release only the folder names.
import { describe, expect, it } from 'vitest';
import type { Version } from '../../../../../src-shared/domain';
import type { AppState } from '../../../remote/readBack';
import { releaseServing } from './lock';

const R1 = '20261127-100000-aaaaaaaa';
const R2 = '20261127-110000-bbbbbbbb';
const state = (current: string | undefined): AppState => ({
  current,
  releases: [{ id: R1, sha256: '1'.repeat(64) }, { id: R2, sha256: '2'.repeat(64) }],
  manifest: { app: 'web', current: R1, releases: [{ id: R1, sha256: '1'.repeat(64), label: 'v1.zip', deployedAt: '2026-11-27T10:00:00Z', migrations: [], snapshot: false }], updatedAt: '' },
} as unknown as AppState);
const library = { list: () => [{ sha256: '2'.repeat(64), fileName: 'v2.zip' } as Version] };

describe('releaseServing', () => {
  it('is the manifest\'s record when the manifest knows the release', () => {
    expect(releaseServing(state(R1), library)?.label).toBe('v1.zip');
  });

  it('names an unrecorded release after its version in the library, else by its id', () => {
    expect(releaseServing(state(R2), library)).toMatchObject({ id: R2, sha256: '2'.repeat(64), label: 'v2.zip' });
    expect(releaseServing(state(R2), { list: () => [] })?.label).toBe(R2);
    expect(releaseServing(state(undefined), library)).toBeUndefined();
  });
});
