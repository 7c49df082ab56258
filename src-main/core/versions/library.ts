// The local version library: zips the user dropped (or official releases Skiff fetched), each
// inspected before it is kept, stored once by its sha256 under <data>/versions/, with notes.
import Conf from 'conf';
import { createHash } from 'node:crypto';
import { constants as fsConstants, createReadStream, createWriteStream, mkdirSync, readFileSync, renameSync, rmSync, statSync, copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import os from 'node:os';
import type { Version } from '../../../src-shared/domain';
import { SkiffError } from '../../../src-shared/errors';
import { ensurePrivateDir, PRIVATE_FILE_MODE, privateFile } from '../store/dataDir';
import { DEFAULT_LIMITS, readVersionZip, type ReleaseEntry, type ZipLimits } from './inspectZip';

export const MAX_ZIP_BYTES = 1024 * 1024 * 1024;

export class VersionLibrary {
  private readonly meta: Conf<{ versions: Version[] }>;
  readonly dir: string;

  constructor(dataDir: string, private readonly limits: ZipLimits = DEFAULT_LIMITS) {
    this.dir = path.join(dataDir, 'versions');
    ensurePrivateDir(this.dir);
    this.meta = new Conf<{ versions: Version[] }>({ cwd: dataDir, configName: 'versions', projectName: 'skiff', defaults: { versions: [] }, clearInvalidConfig: false, configFileMode: PRIVATE_FILE_MODE });
  }

  list(): Version[] {
    return [...this.meta.get('versions')].reverse();
  }

  get(sha256: string): Version {
    const v = this.meta.get('versions').find((x) => x.sha256 === sha256);
    if (!v) throw new SkiffError('NOT_FOUND', { message: 'That version is not in the library.' });
    return v;
  }

  zipPath(sha256: string): string {
    return path.join(this.dir, `${sha256}.zip`);
  }

  private entriesPath(sha256: string): string {
    return path.join(this.dir, `${sha256}.entries.json`);
  }

  /** The version's entries by content (for the server's content store); read once, then kept. */
  async entries(sha256: string): Promise<ReleaseEntry[]> {
    const v = this.get(sha256);
    try {
      const kept = JSON.parse(readFileSync(this.entriesPath(sha256), 'utf8')) as { entries?: ReleaseEntry[] };
      if (Array.isArray(kept.entries) && kept.entries.length === v.summary.entries) return kept.entries;
    } catch { /* not kept yet (a version added before delta uploads), or unreadable: read the zip */ }
    const { entries } = await readVersionZip(this.zipPath(sha256), { binary: v.summary.binary, limits: this.limits });
    this.keepEntries(sha256, entries);
    return entries;
  }

  private keepEntries(sha256: string, entries: ReleaseEntry[]): void {
    writeFileSync(this.entriesPath(sha256), JSON.stringify({ entries }), privateFile);
  }

  /**
   * Copies the zip in while hashing it, inspects it, and keeps it only if it passes. A zip already
   * in the library (same sha256) is not stored twice. Nothing is left behind on refusal.
   */
  async add(source: string, opts: { fileName?: string; notes?: string; binary?: string; origin?: Pick<Version, 'source' | 'pbVersion'> } = {}): Promise<Version> {
    let size: number;
    try {
      size = statSync(source).size;
    } catch (e) {
      throw new SkiffError('NOT_FOUND', { message: `The file ${source} could not be read.`, detail: (e as Error).message });
    }
    if (size > MAX_ZIP_BYTES) throw new SkiffError('VERSION_TOO_LARGE', { message: `The zip is ${Math.round(size / 1048576)} MiB; Skiff allows ${MAX_ZIP_BYTES / 1048576} MiB.` });
    const tmp = path.join(this.dir, `.incoming-${process.pid}-${Date.now()}.zip`);
    const hash = createHash('sha256');
    try {
      await pipeline(createReadStream(source), new Transform({ transform(chunk, _e, cb) { hash.update(chunk); cb(null, chunk); } }), createWriteStream(tmp, privateFile));
      const sha256 = hash.digest('hex');
      const existing = this.meta.get('versions').find((v) => v.sha256 === sha256);
      if (existing) return existing;
      const { summary, entries } = await readVersionZip(tmp, { binary: opts.binary, limits: this.limits });
      renameSync(tmp, this.zipPath(sha256));
      this.keepEntries(sha256, entries);
      const version: Version = {
        sha256,
        size,
        fileName: opts.fileName ?? path.basename(source),
        notes: opts.notes ?? '',
        createdAt: new Date().toISOString(),
        source: opts.origin?.source ?? 'file',
        ...(opts.origin?.pbVersion ? { pbVersion: opts.origin.pbVersion } : {}),
        summary,
      };
      this.meta.set('versions', [...this.meta.get('versions'), version]);
      return version;
    } finally {
      rmSync(tmp, { force: true });
    }
  }

  setNotes(sha256: string, notes: string): Version {
    const all = this.meta.get('versions');
    const v = all.find((x) => x.sha256 === sha256);
    if (!v) throw new SkiffError('NOT_FOUND', { message: 'That version is not in the library.' });
    v.notes = notes;
    this.meta.set('versions', all);
    return v;
  }

  remove(sha256: string): void {
    this.get(sha256);
    this.meta.set('versions', this.meta.get('versions').filter((v) => v.sha256 !== sha256));
    rmSync(this.zipPath(sha256), { force: true });
    rmSync(this.entriesPath(sha256), { force: true });
  }

  /**
   * Saves a copy where the user can find it (default: ~/Downloads); returns the path written.
   * The name is the version's file name reduced to its last segment (it came from a dropped file,
   * so it may say `../../x.zip`), and an existing file is never overwritten.
   */
  export(sha256: string, destDir = path.join(os.homedir(), 'Downloads')): string {
    const v = this.get(sha256);
    mkdirSync(destDir, { recursive: true });
    const name = exportName(v.fileName, sha256);
    const stem = path.parse(name).name;
    const candidates = [name, `${stem}-${sha256.slice(0, 8)}.zip`, ...Array.from({ length: 98 }, (_, i) => `${stem}-${sha256.slice(0, 8)}-${i + 2}.zip`)];
    for (const candidate of candidates) {
      const dest = path.join(destDir, candidate);
      try {
        // EXCL: the existence check and the copy are one step, so nothing is ever overwritten.
        copyFileSync(this.zipPath(sha256), dest, fsConstants.COPYFILE_EXCL);
        return dest;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new SkiffError('INTERNAL', { message: `Could not save ${candidate} in ${destDir}.`, fix: 'Check that the folder is writable and has free space.', detail: (e as Error).message });
        }
      }
    }
    throw new SkiffError('INTERNAL', { message: `${destDir} already holds ${candidates.length} copies of ${name}.`, fix: 'Remove some of them, then export again.' });
  }
}

/** The last segment of a stored file name, safe as a file name here; a fallback when nothing is left. */
export function exportName(fileName: string, sha256: string): string {
  const last = fileName.split(/[\\/]/).pop() ?? '';
  // Control characters (NUL would make the copy throw), and what Windows forbids in a name.
  // eslint-disable-next-line no-control-regex
  const cleaned = last.replace(process.platform === 'win32' ? /[\x00-\x1f<>:"|?*]/g : /[\x00-\x1f]/g, '_').trim();
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? `pocketbase-${sha256.slice(0, 8)}.zip` : cleaned;
}
