// Reads a backup archive (the ustar stream `backup-read` writes) as it flows, and checks it: the
// manifest first, then only the parts it lists, each a plain file with its size and sha256, each
// once, and nothing else. Used on arrival from a server and before a local copy is sent anywhere,
// so a damaged or foreign archive is refused before anything on a server is stopped.
import { createHash, type Hash } from 'node:crypto';
import type { BackupManifest } from '../../../src-shared/domain';
import { SkiffError } from '../../../src-shared/errors';
import { BACKUP_PART_RE } from '../remote/helper/backupBodies';
import { parseBackupManifest } from './manifest';

const BLOCK = 512;
const MANIFEST_MAX = 256 * 1024;
const PART = new RegExp(BACKUP_PART_RE);
const FOLDERS = new Set(['data/', 'release/']);

function damaged(why: string): SkiffError {
  return new SkiffError('BACKUP_DAMAGED', { message: `This backup is damaged or not a Skiff backup: ${why}.` });
}

function text(b: Buffer, start: number, len: number): string {
  const s = b.subarray(start, start + len);
  const end = s.indexOf(0);
  return s.subarray(0, end < 0 ? s.length : end).toString('utf8');
}

function octal(b: Buffer, start: number, len: number): number {
  const s = text(b, start, len).trim();
  if (!/^[0-7]+$/.test(s)) throw damaged('a tar header has a bad size');
  return parseInt(s, 8);
}

function checksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
  return sum === octal(h, 148, 8);
}

interface Entry { name: string; size: number; left: number; hash?: Hash; manifest?: Buffer[] }

export class ArchiveCheck {
  private buf: Buffer = Buffer.alloc(0);
  private entry?: Entry;
  private pad = 0;
  private ended = false;
  private manifest?: BackupManifest;
  private readonly seen = new Map<string, { bytes: number; sha256: string }>();
  /** Bytes of archive read so far. */
  bytes = 0;

  feed(chunk: Buffer): void {
    this.bytes += chunk.length;
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    let at = 0;
    for (;;) {
      if (this.entry) {
        const take = Math.min(this.entry.left, this.buf.length - at);
        if (take > 0) {
          const slice = this.buf.subarray(at, at + take);
          this.entry.hash?.update(slice);
          this.entry.manifest?.push(Buffer.from(slice));
          this.entry.left -= take;
          at += take;
        }
        if (this.entry.left > 0) break;
        this.closeEntry();
        continue;
      }
      if (this.pad > 0) {
        const skip = Math.min(this.pad, this.buf.length - at);
        this.pad -= skip;
        at += skip;
        if (this.pad > 0) break;
      }
      if (this.buf.length - at < BLOCK) break;
      const header = this.buf.subarray(at, at + BLOCK);
      at += BLOCK;
      if (this.ended) {
        if (header.some((x) => x !== 0)) throw damaged('there is data after the end of the archive');
        continue;
      }
      if (header.every((x) => x === 0)) {
        this.ended = true;
        continue;
      }
      this.openEntry(header);
    }
    this.buf = this.buf.subarray(at);
  }

  /** Call at the end of the stream: returns the manifest once every listed part was seen intact. */
  finish(): BackupManifest {
    if (this.entry || this.pad > 0 || this.buf.some((x) => x !== 0)) throw damaged('the archive ends in the middle of a file');
    if (!this.manifest) throw damaged('it has no manifest');
    for (const p of this.manifest.parts) {
      const got = this.seen.get(p.name);
      if (!got) throw damaged(`part ${p.name} is missing`);
      if (got.bytes !== p.bytes || got.sha256 !== p.sha256) throw damaged(`part ${p.name} does not match its sha256`);
    }
    return this.manifest;
  }

  private openEntry(h: Buffer): void {
    if (!checksumOk(h)) throw damaged('a tar header fails its checksum');
    const prefix = text(h, 345, 155);
    const name = (prefix ? `${prefix}/` : '') + text(h, 0, 100);
    const type = String.fromCharCode(h[156] || 48);
    const size = octal(h, 124, 12);
    if (type === '5') {
      if (!FOLDERS.has(name) || size !== 0) throw damaged(`it holds a folder ${name}`);
      return;
    }
    if (type !== '0') throw damaged(`it holds ${name}, which is not a plain file (a link or a device)`);
    if (!this.manifest) {
      if (name !== 'manifest.json') throw damaged('its first file is not manifest.json');
      if (size > MANIFEST_MAX) throw damaged('its manifest is too large');
      this.entry = { name, size, left: size, manifest: [] };
    } else {
      if (!PART.test(name)) throw damaged(`it holds ${name}, which is not a part of a Skiff backup`);
      if (this.seen.has(name)) throw damaged(`it holds ${name} twice`);
      if (!this.manifest.parts.some((p) => p.name === name)) throw damaged(`it holds ${name}, which its manifest does not list`);
      this.entry = { name, size, left: size, hash: createHash('sha256') };
    }
    this.pad = (BLOCK - (size % BLOCK)) % BLOCK;
    if (size === 0) this.closeEntry();
  }

  private closeEntry(): void {
    const e = this.entry!;
    this.entry = undefined;
    if (e.manifest) this.manifest = parseBackupManifest(Buffer.concat(e.manifest).toString('utf8'));
    else this.seen.set(e.name, { bytes: e.size, sha256: e.hash!.digest('hex') });
  }
}
