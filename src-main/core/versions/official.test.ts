// Official releases against a local HTTP server laid out like GitHub's release downloads.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildVersionZip } from '../../../e2e/fixtures/versionZip';
import { VersionLibrary } from './library';
import { fetchOfficialRelease, releaseArch } from './official';

let server: Server;
let base = '';
let requests: string[] = [];
const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-official-'));
const zip = readFileSync(buildVersionZip(path.join(dir, 'pb.zip'), { label: 'official-0.28.4' }));
const sha = createHash('sha256').update(zip).digest('hex');

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === '/v0.28.4/pocketbase_0.28.4_checksums.txt') return res.end(`${'0'.repeat(64)}  pocketbase_0.28.4_linux_arm64.zip\n${sha}  pocketbase_0.28.4_linux_amd64.zip\n`);
    if (req.url === '/v0.28.4/pocketbase_0.28.4_linux_amd64.zip') return res.end(zip);
    if (req.url === '/v0.28.5/pocketbase_0.28.5_checksums.txt') return res.end(`${'f'.repeat(64)}  pocketbase_0.28.5_linux_amd64.zip\n`);
    if (req.url === '/v0.28.5/pocketbase_0.28.5_linux_amd64.zip') return res.end(zip);
    res.statusCode = 404;
    res.end('not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => server.close());

describe('official PocketBase releases', () => {
  it('maps the server CPU to the release name', () => {
    expect(releaseArch('x86_64')).toBe('amd64');
    expect(releaseArch('aarch64')).toBe('arm64');
    expect(() => releaseArch('mips')).toThrow(/no linux build/);
  });

  it('downloads the zip for the arch, checks it against the checksums file, caches it, and adds it like any version', async () => {
    const cacheDir = path.join(dir, 'cache');
    const got = await fetchOfficialRelease({ version: '0.28.4', arch: 'amd64', baseUrl: base, cacheDir });
    expect(got).toMatchObject({ sha256: sha, fileName: 'pocketbase_0.28.4_linux_amd64.zip' });
    requests = [];
    await fetchOfficialRelease({ version: '0.28.4', arch: 'amd64', baseUrl: base, cacheDir });
    expect(requests).toEqual(['/v0.28.4/pocketbase_0.28.4_checksums.txt']);
    const lib = new VersionLibrary(mkdtempSync(path.join(os.tmpdir(), 'skiff-lib-')));
    const v = await lib.add(got.file, { fileName: got.fileName, origin: { source: 'official', pbVersion: '0.28.4' } });
    expect(v).toMatchObject({ sha256: sha, source: 'official', pbVersion: '0.28.4' });
  });

  it('refuses a download that does not match its checksum, and keeps nothing', async () => {
    const cacheDir = path.join(dir, 'cache2');
    await expect(fetchOfficialRelease({ version: '0.28.5', arch: 'amd64', baseUrl: base, cacheDir })).rejects.toMatchObject({ message: expect.stringMatching(/does not match its published checksum/) });
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('says which version does not exist, and refuses a malformed one before asking', async () => {
    await expect(fetchOfficialRelease({ version: '9.9.9', arch: 'amd64', baseUrl: base, cacheDir: dir })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(fetchOfficialRelease({ version: 'latest; rm', arch: 'amd64', baseUrl: base, cacheDir: dir })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
