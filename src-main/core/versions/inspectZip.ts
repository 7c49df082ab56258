// Inspects a version zip locally, before anything is uploaded: refuses what is not a zip, entries
// that escape the folder (../, absolute paths), symlinks, too many or too large entries, and a zip
// without an executable PocketBase binary at its root. Reads the central directory only (plus the
// binary's first bytes, to learn its CPU architecture).
import yauzl from 'yauzl';
import { SkiffError } from '../../../src-shared/errors';

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

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;

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

export function unsafeEntryName(name: string): string | null {
  if (name.includes('\0')) return 'contains a NUL byte';
  if (name.includes('\\')) return 'uses backslashes';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'is an absolute path';
  if (name.split('/').some((part) => part === '..')) return 'climbs out of the folder with ".."';
  return null;
}

function open(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false }, (err, zip) => {
      if (err || !zip) reject(new SkiffError('VERSION_NOT_ZIP', { detail: err?.message }));
      else resolve(zip);
    });
  });
}

function readHead(zip: yauzl.ZipFile, entry: yauzl.Entry, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) return reject(new SkiffError('VERSION_NOT_ZIP', { detail: err?.message }));
      const chunks: Buffer[] = [];
      let got = 0;
      stream.on('data', (c: Buffer) => {
        chunks.push(c);
        got += c.length;
        if (got >= n) stream.destroy();
      });
      stream.on('close', () => resolve(Buffer.concat(chunks).subarray(0, n)));
      stream.on('error', (e) => (got >= n ? resolve(Buffer.concat(chunks).subarray(0, n)) : reject(new SkiffError('VERSION_NOT_ZIP', { detail: e.message }))));
    });
  });
}

export async function inspectVersionZip(path: string, opts: { binary?: string; limits?: ZipLimits } = {}): Promise<ZipSummary> {
  const binary = opts.binary ?? 'pocketbase';
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const zip = await open(path);
  try {
    if (zip.entryCount > limits.maxEntries) {
      throw new SkiffError('VERSION_TOO_MANY_ENTRIES', { message: `The zip has ${zip.entryCount} entries; Skiff allows ${limits.maxEntries}.` });
    }
    const top = new Set<string>();
    let total = 0;
    let count = 0;
    let binaryEntry: yauzl.Entry | undefined;
    let binaryExecutable = false;
    await new Promise<void>((resolve, reject) => {
      zip.on('error', (e: Error) => reject(e instanceof SkiffError ? e : new SkiffError('VERSION_NOT_ZIP', { detail: e.message })));
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        const name = (entry.fileName as unknown as Buffer).toString('utf8');
        const why = unsafeEntryName(name);
        if (why) return reject(new SkiffError('VERSION_UNSAFE_PATH', { message: `The zip entry "${name}" ${why}.` }));
        const unixMode = entry.versionMadeBy >> 8 === 3 ? entry.externalFileAttributes >>> 16 : 0;
        if ((unixMode & S_IFMT) === S_IFLNK) return reject(new SkiffError('VERSION_SYMLINK', { message: `The zip entry "${name}" is a symbolic link.` }));
        count++;
        total += entry.uncompressedSize;
        if (total > limits.maxUncompressedBytes) {
          return reject(new SkiffError('VERSION_TOO_LARGE', { message: `The zip unpacks to more than ${Math.round(limits.maxUncompressedBytes / 1048576)} MiB.` }));
        }
        const first = name.split('/')[0];
        if (first) top.add(name.includes('/') ? `${first}/` : first);
        const isDir = name.endsWith('/') || (unixMode & S_IFMT) === S_IFDIR;
        if (name === binary && !isDir) {
          binaryEntry = entry;
          // Zips made without Unix modes (e.g. on Windows) carry no executable bit: chmod on the server then.
          binaryExecutable = unixMode === 0 || (unixMode & 0o111) !== 0;
        }
        zip.readEntry();
      });
      zip.readEntry();
    });
    if (!binaryEntry) throw new SkiffError('VERSION_NO_BINARY', { message: `The zip has no "${binary}" at its top level.` });
    if (!binaryExecutable) throw new SkiffError('VERSION_NO_BINARY', { message: `"${binary}" in the zip is not executable (its mode has no x bit).`, fix: `chmod +x ${binary} before zipping.` });
    const arch = binaryArch(await readHead(zip, binaryEntry, 64));
    return {
      entries: count,
      uncompressedBytes: total,
      binary,
      binaryArch: arch,
      hasPublic: top.has('pb_public/'),
      hasMigrations: top.has('pb_migrations/'),
      hasHooks: top.has('pb_hooks/'),
      topLevel: [...top].sort(),
    };
  } finally {
    zip.close();
  }
}
