// The upload of a delta deploy: a zip holding only the files the server's content store lacks, each
// named by its store key. The compressed bytes are copied from the version's zip as they are (no
// unpacking, no recompression), under fresh headers the server's unzip reads like any other zip.
import { open } from 'node:fs/promises';
import type { ReleaseEntry } from './inspectZip';

export type ReleaseFile = Extract<ReleaseEntry, { kind: 'file' }>;

/** A file's name in the store: its content's sha256, and "-x" when it is executable. */
export function storeKey(f: Pick<ReleaseFile, 'sha256' | 'exec'>): string {
  return f.exec ? `${f.sha256}-x` : f.sha256;
}

export const STORE_KEY = /^[0-9a-f]{64}(-x)?$/;

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const COPY_CHUNK = 1024 * 1024;

/**
 * Writes to `dest` a zip of `files` (one entry per store key) whose bytes come from `sourceZip`;
 * returns the bytes written.
 */
export async function writeStoreZip(sourceZip: string, files: readonly ReleaseFile[], dest: string): Promise<number> {
  const unique = [...new Map(files.map((f) => [storeKey(f), f])).entries()];
  const src = await open(sourceZip, 'r');
  const out = await open(dest, 'w', 0o600);
  const central: Buffer[] = [];
  let offset = 0;
  const write = async (b: Buffer) => { await out.write(b); offset += b.length; };
  try {
    for (const [key, f] of unique) {
      const name = Buffer.from(key, 'ascii');
      const at = offset;
      const local = Buffer.alloc(30);
      local.writeUInt32LE(LOCAL, 0);
      local.writeUInt16LE(20, 4); // version needed: deflate
      local.writeUInt16LE(0, 6); // flags: sizes in the header, no data descriptor
      local.writeUInt16LE(f.zip.method, 8);
      local.writeUInt32LE(0, 10); // DOS time and date: 1980, the store does not keep times
      local.writeUInt32LE(f.zip.crc >>> 0, 14);
      local.writeUInt32LE(f.zip.compressedSize, 18);
      local.writeUInt32LE(f.size, 22);
      local.writeUInt16LE(name.length, 26);
      local.writeUInt16LE(0, 28);
      await write(local);
      await write(name);
      await copyRange(src, f.zip.dataOffset, f.zip.compressedSize, write);
      const c = Buffer.alloc(46);
      c.writeUInt32LE(CENTRAL, 0);
      c.writeUInt16LE((3 << 8) | 20, 4); // made by Unix: the external attributes carry the mode
      c.writeUInt16LE(20, 6);
      c.writeUInt16LE(0, 8);
      c.writeUInt16LE(f.zip.method, 10);
      c.writeUInt32LE(0, 12);
      c.writeUInt32LE(f.zip.crc >>> 0, 16);
      c.writeUInt32LE(f.zip.compressedSize, 20);
      c.writeUInt32LE(f.size, 24);
      c.writeUInt16LE(name.length, 28);
      c.writeUInt32LE(((f.exec ? 0o100700 : 0o100600) << 16) >>> 0, 38);
      c.writeUInt32LE(at, 42);
      central.push(c, name);
    }
    const cdStart = offset;
    for (const b of central) await write(b);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(END, 0);
    end.writeUInt16LE(unique.length, 8);
    end.writeUInt16LE(unique.length, 10);
    end.writeUInt32LE(offset - cdStart, 12);
    end.writeUInt32LE(cdStart, 16);
    await write(end);
    return offset;
  } finally {
    await src.close();
    await out.close();
  }
}

/** Writes a file the zip stores uncompressed (method 0) to `dest`, as itself. */
export async function copyStoredEntry(sourceZip: string, f: ReleaseFile, dest: string): Promise<void> {
  if (f.zip.method !== 0 || f.zip.compressedSize !== f.size) throw new Error(`${f.path} is not stored uncompressed in the zip`);
  const src = await open(sourceZip, 'r');
  const out = await open(dest, 'w', 0o600);
  try {
    await copyRange(src, f.zip.dataOffset, f.size, async (b) => { await out.write(b); });
  } finally {
    await src.close();
    await out.close();
  }
}

async function copyRange(src: Awaited<ReturnType<typeof open>>, start: number, length: number, write: (b: Buffer) => Promise<void>): Promise<void> {
  let done = 0;
  while (done < length) {
    const buf = Buffer.alloc(Math.min(COPY_CHUNK, length - done));
    const { bytesRead } = await src.read(buf, 0, buf.length, start + done);
    if (bytesRead === 0) throw new Error(`the version's zip ended early (at ${start + done})`);
    await write(buf.subarray(0, bytesRead));
    done += bytesRead;
  }
}
