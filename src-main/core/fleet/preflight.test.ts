// The preflight's verdicts from what the server printed (the script's text is a snapshot in
// appScripts.test.ts): another CPU, too little disk for the files the store lacks, a held lock.
import { describe, expect, it } from 'vitest';
import type { Server, Version } from '../../../src-shared/domain';
import type { ReleaseEntry } from '../versions/inspectZip';
import { diskNeeded, judgePreflight, readPreflight } from './preflight';

const MB = 1048576;
const file = (path: string, sha: string, size: number): ReleaseEntry => ({ kind: 'file', path, sha256: sha.repeat(64), size, exec: false, zip: { method: 8, crc: 0, compressedSize: size, dataOffset: 0 } });
const entries = [file('pocketbase', 'a', 40 * MB), file('pb_public/a.js', 'b', 5 * MB), file('pb_public/copy.js', 'b', 5 * MB)];
const server = { name: 'prod-2' } as Server;
const version = { fileName: 'v2.zip', summary: { binaryArch: 'x86_64' } } as Version;
const out = (o: { arch?: string; free?: number; lock?: string; missing?: string[] }) => [
  `arch=${o.arch ?? 'x86_64'}`, `free=${o.free ?? 10_000 * MB}`, 'current=releases/20261127-100000-aaaaaaaa',
  o.lock ? `lock=held\nlock_holder=${o.lock}` : 'lock=free', ...(o.missing ?? []).map((k) => `missing=${k}`),
].join('\n');

describe('a fleet preflight', () => {
  it('is ready when the CPU matches, the disk has room and the lock is free', () => {
    const facts = readPreflight(out({}));
    expect(facts.current).toBe('20261127-100000-aaaaaaaa');
    expect(judgePreflight(facts, { server, version, entries })).toEqual({ ready: true, current: '20261127-100000-aaaaaaaa' });
  });

  it('counts the disk for the files the store lacks, once per content', () => {
    expect(diskNeeded(entries, new Set(['b'.repeat(64)]))).toBe(5 * MB * 2 + 64 * MB);
    expect(diskNeeded(entries, new Set())).toBe(64 * MB);
  });

  it('names the server and the figures when the disk is too small', () => {
    const facts = readPreflight(out({ free: 100 * MB, missing: ['a'.repeat(64)] }));
    expect(judgePreflight(facts, { server, version, entries })).toEqual({ ready: false, reason: 'prod-2 has 100 MiB free; this deploy needs about 144 MiB' });
  });

  it('refuses another CPU and a held lock, and ignores what is not a store key', () => {
    expect(judgePreflight(readPreflight(out({ arch: 'aarch64' })), { server, version, entries })).toMatchObject({ ready: false, reason: 'prod-2 is aarch64; v2.zip is built for x86_64' });
    expect(judgePreflight(readPreflight(out({ lock: 'job-7 1700000000 i me@laptop' })), { server, version, entries })).toMatchObject({ ready: false, reason: expect.stringMatching(/another job holds the app's lock \(job-7/) });
    expect(readPreflight(out({ missing: ['../../etc/passwd', 'a'.repeat(64)] })).missing).toEqual(new Set(['a'.repeat(64)]));
  });
});
