// Official PocketBase releases: the linux zip for the server's CPU and its checksum, fetched from
// PocketBase's GitHub releases (the base URL is configurable, so tests serve their own), cached,
// verified, then added to the library like any version.
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { SkiffError } from '../../../src-shared/errors';

export const DEFAULT_RELEASES_URL = 'https://github.com/pocketbase/pocketbase/releases/download';

export function releaseArch(unameM: string): 'amd64' | 'arm64' | 'armv7' {
  if (unameM === 'x86_64' || unameM === 'amd64') return 'amd64';
  if (unameM === 'aarch64' || unameM === 'arm64') return 'arm64';
  if (unameM.startsWith('armv7')) return 'armv7';
  throw new SkiffError('VERSION_ARCH_MISMATCH', { message: `PocketBase publishes no linux build for "${unameM}".` });
}

/** GitHub's naming: v0.28.4/pocketbase_0.28.4_linux_amd64.zip and pocketbase_0.28.4_checksums.txt. */
export function releaseFiles(base: string, version: string, arch: string) {
  const dir = `${base.replace(/\/$/, '')}/v${version}`;
  const zip = `pocketbase_${version}_linux_${arch}.zip`;
  return { zip, zipUrl: `${dir}/${zip}`, checksumsUrl: `${dir}/pocketbase_${version}_checksums.txt` };
}

async function fetchOk(url: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(120_000) });
  } catch (e) {
    throw new SkiffError('HOST_UNREACHABLE', { message: `Could not download ${url}.`, fix: 'Check your internet connection, or set the release URL in settings.', detail: (e as Error).message });
  }
  if (res.status === 404) throw new SkiffError('NOT_FOUND', { message: `No such PocketBase release file: ${url}.`, fix: 'Check the version number (e.g. 0.28.4).' });
  if (!res.ok) throw new SkiffError('HOST_UNREACHABLE', { message: `Downloading ${url} failed with HTTP ${res.status}.` });
  return res;
}

/** Downloads (or reuses from the cache) and verifies the release zip; returns its local path. */
export async function fetchOfficialRelease(opts: { version: string; arch: string; baseUrl?: string; cacheDir: string }): Promise<{ file: string; sha256: string; fileName: string }> {
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$/.test(opts.version)) {
    throw new SkiffError('INVALID_INPUT', { message: `"${opts.version}" is not a PocketBase version number (like 0.28.4).` });
  }
  const files = releaseFiles(opts.baseUrl ?? DEFAULT_RELEASES_URL, opts.version, opts.arch);
  const sums = await (await fetchOk(files.checksumsUrl)).text();
  const line = sums.split('\n').find((l) => l.trim().endsWith(` ${files.zip}`) || l.trim().endsWith(`*${files.zip}`));
  const expected = line?.trim().split(/\s+/)[0]?.toLowerCase();
  if (!expected || !/^[0-9a-f]{64}$/.test(expected)) throw new SkiffError('NOT_FOUND', { message: `The checksums file lists no ${files.zip}.` });

  mkdirSync(opts.cacheDir, { recursive: true });
  const cached = path.join(opts.cacheDir, files.zip);
  if (existsSync(cached) && createHash('sha256').update(readFileSync(cached)).digest('hex') === expected) {
    return { file: cached, sha256: expected, fileName: files.zip };
  }
  const part = `${cached}.part`;
  const hash = createHash('sha256');
  const res = await fetchOk(files.zipUrl);
  const body = Readable.fromWeb(res.body as unknown as WebReadableStream);
  body.on('data', (c: Buffer) => hash.update(c));
  await pipeline(body, createWriteStream(part, { mode: 0o600 }));
  const got = hash.digest('hex');
  if (got !== expected) {
    rmSync(part, { force: true });
    throw new SkiffError('VERSION_NOT_ZIP', { message: `The download of ${files.zip} does not match its published checksum.`, fix: 'Try again; if it persists the download is being tampered with.', detail: `expected ${expected}, got ${got}` });
  }
  renameSync(part, cached);
  return { file: cached, sha256: got, fileName: files.zip };
}
