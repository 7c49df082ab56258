// Releases as Skiff names, keeps and lists them.
import { createHash } from 'node:crypto';
import type { ReleaseInfo } from '../../../src-shared/domain';
import type { Manifest } from '../remote/readBack';

export function releaseId(now: Date, sha256: string): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '').replace('T', '-')}-${sha256.slice(0, 8)}`;
}

export function toReleaseInfo(m: Manifest): ReleaseInfo[] {
  return [...m.releases].reverse().map((r) => ({
    id: r.id, versionSha256: r.sha256, versionLabel: r.label, deployedAt: r.deployedAt, migrations: r.migrations, snapshot: r.snapshot, current: r.id === m.current,
  }));
}

/** Which releases to keep: the newest `keep`, always including the current one. */
export function releasesToKeep(m: Manifest, keep: number): string[] {
  const newest = [...m.releases].sort((a, b) => b.deployedAt.localeCompare(a.deployedAt)).slice(0, keep).map((r) => r.id);
  return m.current && !newest.includes(m.current) ? [...newest, m.current] : newest;
}

/** Short content hash (seed 001's config hashes). */
export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
