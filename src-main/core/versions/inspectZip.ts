// Inspects a version zip locally, before anything is uploaded, reading it exactly the way Info-ZIP
// unzip will unpack it on the server and refusing any zip where the two could disagree: structure
// (zip/readArchive), each entry's name and type (zip/entryRules), names that land on one path
// (zip/nameClashes), and every entry's data against its declared size and CRC (zip/verifyData).
// Then: the limits, and an executable PocketBase binary at the top level.
import { SkiffError } from '../../../src-shared/errors';
import { checkEntry, type CheckedEntry } from './zip/entryRules';
import { FileWindow } from './zip/fileWindow';
import { checkNameClashes } from './zip/nameClashes';
import { readArchive } from './zip/readArchive';
import { HEAD_BYTES, verifyData } from './zip/verifyData';

export { unsafeEntryName } from './zip/entryRules';

export interface ZipLimits {
  /** Largest total uncompressed size. */
  maxUncompressedBytes: number;
  maxEntries: number;
}

export const DEFAULT_LIMITS: ZipLimits = { maxUncompressedBytes: 1024 * 1024 * 1024, maxEntries: 20_000 };

export type BinaryArch = 'x86_64' | 'aarch64' | 'armv7l' | 'i686' | 'riscv64' | 'script' | 'unknown';

export interface ZipSummary {
  entries: number;
  uncompressedBytes: number;
  binary: string;
  binaryArch: BinaryArch;
  hasPublic: boolean;
  hasMigrations: boolean;
  hasHooks: boolean;
  /** Top-level names, for the version list ("pocketbase, pb_public/, pb_migrations/"). */
  topLevel: string[];
}

/**
 * One entry of the release as the server's content store knows it (docs/deploy.md, "Delta
 * uploads"): a folder, or a file by its content's sha256, with where its bytes sit in the zip so an
 * upload can copy them without unpacking.
 */
export type ReleaseEntry =
  | { kind: 'dir'; path: string }
  | { kind: 'file'; path: string; sha256: string; size: number; exec: boolean; zip: { method: number; crc: number; compressedSize: number; dataOffset: number } };

/** One entry as unzip will write it: folders end with "/". */
export interface ZipListing {
  name: string;
  isDir: boolean;
  size: number;
}

/** The ELF e_machine field → `uname -m` names; a "#!" script runs anywhere its interpreter does. */
export function binaryArch(head: Buffer): BinaryArch {
  if (head.length >= 2 && head[0] === 0x23 && head[1] === 0x21) return 'script';
  if (head.length < 20 || head.readUInt32BE(0) !== 0x7f454c46) return 'unknown';
  const machine = head[5] === 2 ? head.readUInt16BE(18) : head.readUInt16LE(18);
  return ({ 0x3e: 'x86_64', 0xb7: 'aarch64', 0x28: 'armv7l', 0x03: 'i686', 0xf3: 'riscv64' } as Record<number, BinaryArch>)[machine] ?? 'unknown';
}

/** Whether a binary of `arch` runs on a server whose `uname -m` is `serverArch`. */
export function archMatches(arch: BinaryArch, serverArch: string): boolean {
  if (arch === 'script' || arch === 'unknown') return true;
  const norm = serverArch === 'arm64' ? 'aarch64' : serverArch === 'amd64' ? 'x86_64' : serverArch;
  return arch === norm || (arch === 'armv7l' && norm.startsWith('armv'));
}

async function openZip(path: string): Promise<FileWindow> {
  try {
    return await FileWindow.open(path);
  } catch (e) {
    throw new SkiffError('VERSION_NOT_ZIP', { detail: (e as Error).message });
  }
}

/** Declared sizes are checked up front; verifyData then holds every entry to its declared size. */
function checkLimits(entries: CheckedEntry[], limits: ZipLimits): number {
  let total = 0;
  for (const e of entries) {
    total += e.uncompressedSize;
    if (total > limits.maxUncompressedBytes) {
      throw new SkiffError('VERSION_TOO_LARGE', { message: `The zip unpacks to more than ${Math.round(limits.maxUncompressedBytes / 1048576)} MiB.` });
    }
  }
  return total;
}

/** The binary: a regular file at the top level, executable when the zip carries Unix modes. */
function findBinary(entries: CheckedEntry[], binary: string): CheckedEntry {
  const entry = entries.find((e) => e.name === binary && !e.isDir);
  if (!entry) throw new SkiffError('VERSION_NO_BINARY', { message: `The zip has no "${binary}" at its top level.` });
  // Zips made without Unix modes (e.g. on Windows) carry no executable bit: chmod on the server then.
  if (entry.mode !== 0 && (entry.mode & 0o111) === 0) {
    throw new SkiffError('VERSION_NO_BINARY', { message: `"${binary}" in the zip is not executable (its mode has no x bit).`, fix: `chmod +x ${binary} before zipping.` });
  }
  return entry;
}

function summarize(entries: CheckedEntry[], total: number, binary: string, arch: BinaryArch): ZipSummary {
  const top = new Set<string>();
  for (const { name } of entries) {
    const first = name.split('/')[0];
    if (first) top.add(name.includes('/') ? `${first}/` : first);
  }
  return {
    entries: entries.length,
    uncompressedBytes: total,
    binary,
    binaryArch: arch,
    hasPublic: top.has('pb_public/'),
    hasMigrations: top.has('pb_migrations/'),
    hasHooks: top.has('pb_hooks/'),
    topLevel: [...top].sort(),
  };
}

/**
 * The summary, every entry as unzip will write it (for tests that compare with unzip), and the
 * release's entries for the content store.
 */
export async function readVersionZip(path: string, opts: { binary?: string; limits?: ZipLimits } = {}): Promise<{ summary: ZipSummary; listing: ZipListing[]; entries: ReleaseEntry[] }> {
  const binary = opts.binary ?? 'pocketbase';
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const file = await openZip(path);
  try {
    const entries = (await readArchive(file, { maxEntries: limits.maxEntries })).map(checkEntry);
    checkNameClashes(entries);
    const total = checkLimits(entries, limits);
    const bin = findBinary(entries, binary);
    const { head, sha256 } = await verifyData(file, entries, bin);
    return {
      summary: summarize(entries, total, binary, binaryArch(head.subarray(0, HEAD_BYTES))),
      listing: entries.map((e) => ({ name: e.name, isDir: e.isDir, size: e.uncompressedSize })),
      entries: entries.map((e) => releaseEntry(e, sha256.get(e.index)!, e === bin)),
    };
  } finally {
    await file.close();
  }
}

function releaseEntry(e: CheckedEntry, sha256: string, isBinary: boolean): ReleaseEntry {
  const path = e.name.replace(/\/+$/, '');
  if (e.isDir) return { kind: 'dir', path };
  // The binary always runs; other files keep the owner's x bit, as unzip writes them.
  const exec = isBinary || (e.mode & 0o100) !== 0;
  return { kind: 'file', path, sha256, size: e.uncompressedSize, exec, zip: { method: e.method, crc: e.crc, compressedSize: e.compressedSize, dataOffset: e.dataOffset } };
}

export async function inspectVersionZip(path: string, opts: { binary?: string; limits?: ZipLimits } = {}): Promise<ZipSummary> {
  return (await readVersionZip(path, opts)).summary;
}
