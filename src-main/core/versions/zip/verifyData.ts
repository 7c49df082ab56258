// Unpacks every entry the way unzip will (stored or deflate, sizes from the central directory) in
// memory-bounded chunks, and refuses one whose output does not have its declared size and CRC-32.
// Each entry's sha256 comes out on the way: the server's content store is addressed by it.
// The declared sizes are what the limits were checked against, so they must be what the server
// writes: a deflate stream that inflates past its declared size is stopped there, never finished.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, createInflateRaw, inflateRawSync } from 'node:zlib';
import { SkiffError } from '../../../../src-shared/errors';
import type { FileWindow } from './fileWindow';
import { refuse } from './format';
import type { ZipEntry } from './readArchive';

/** Entries this small are inflated in one call: thousands of tiny files stay fast. */
const SMALL_BYTES = 1024 * 1024;
/** Inflate output chunk: the size check runs at least this often. */
const OUTPUT_CHUNK = 64 * 1024;
export const HEAD_BYTES = 64;

export interface VerifiedData {
  /** The first bytes of `headOf` (the binary). */
  head: Buffer;
  /** Each entry's content sha256 (hex), by its index in the central directory. */
  sha256: Map<number, string>;
}

/** Checks every entry's data, in file order, hashing each entry's content on the way. */
export async function verifyData(file: FileWindow, entries: readonly ZipEntry[], headOf?: ZipEntry): Promise<VerifiedData> {
  let head = Buffer.alloc(0);
  const sha256 = new Map<number, string>();
  for (const e of [...entries].sort((a, b) => a.dataOffset - b.dataOffset)) {
    const out = new Output(e, e === headOf);
    const consumed = e.method === 0 ? await copyStored(file, e, out) : await inflate(file, e, out);
    out.finish();
    if (consumed !== e.compressedSize) {
      throw refuse('VERSION_DAMAGED', `The zip entry "${e.shown}" has ${e.compressedSize - consumed} bytes after the end of its compressed data.`);
    }
    if (e === headOf) head = out.head;
    sha256.set(e.index, out.sha256());
  }
  return { head, sha256 };
}

/** Counts and checksums an entry's output, and stops it the moment it passes its declared size. */
class Output {
  private bytes = 0;
  private crc = 0;
  private readonly hash = createHash('sha256');
  head = Buffer.alloc(0);

  constructor(private readonly e: ZipEntry, private readonly keepHead: boolean) {}

  add(chunk: Buffer): void {
    if (this.bytes + chunk.length > this.e.uncompressedSize) throw tooLong(this.e);
    this.bytes += chunk.length;
    this.crc = crc32(chunk, this.crc);
    this.hash.update(chunk);
    if (this.keepHead && this.head.length < HEAD_BYTES) this.head = Buffer.concat([this.head, chunk.subarray(0, HEAD_BYTES - this.head.length)]);
  }

  sha256(): string {
    return this.hash.digest('hex');
  }

  finish(): void {
    if (this.bytes !== this.e.uncompressedSize) {
      throw refuse('VERSION_DAMAGED', `The zip entry "${this.e.shown}" unpacks to ${this.bytes} bytes but declares ${this.e.uncompressedSize}.`);
    }
    if (this.crc !== this.e.crc) {
      throw refuse('VERSION_DAMAGED', `The zip entry "${this.e.shown}" is damaged: its contents do not match its CRC-32 checksum.`);
    }
  }
}

function tooLong(e: ZipEntry): SkiffError {
  return refuse('VERSION_DAMAGED', `The zip entry "${e.shown}" unpacks to more than the ${e.uncompressedSize} bytes it declares (Skiff stopped there): a zip bomb, or a damaged zip.`);
}

function badStream(e: ZipEntry, err: unknown): SkiffError {
  if (err instanceof SkiffError) return err;
  return new SkiffError('VERSION_DAMAGED', { message: `The zip entry "${e.shown}" has damaged compressed data.`, detail: (err as Error).message });
}

async function copyStored(file: FileWindow, e: ZipEntry, out: Output): Promise<number> {
  if (e.compressedSize !== e.uncompressedSize) {
    throw refuse('VERSION_DAMAGED', `The zip entry "${e.shown}" is stored uncompressed, yet declares ${e.compressedSize} stored bytes for ${e.uncompressedSize} bytes of content.`);
  }
  for await (const chunk of file.chunks(e.dataOffset, e.compressedSize)) out.add(chunk);
  return e.compressedSize;
}

/** Inflates the entry's compressed bytes; returns how many of them the deflate stream used. */
async function inflate(file: FileWindow, e: ZipEntry, out: Output): Promise<number> {
  if (e.compressedSize <= SMALL_BYTES && e.uncompressedSize <= SMALL_BYTES) {
    const input = await file.read(e.dataOffset, e.compressedSize);
    let result: { buffer: Buffer; engine: { bytesWritten: number } };
    try {
      // One byte over the declared size is enough to know it lies; zlib stops allocating there. An
      // output chunk sized to the entry spares the garbage of 16 KiB per tiny file.
      // (`info: true` returns the engine too, which @types/node does not describe.)
      const limit = e.uncompressedSize + 1;
      result = inflateRawSync(input, { info: true, maxOutputLength: limit, chunkSize: Math.max(64, Math.min(limit, OUTPUT_CHUNK)) }) as unknown as typeof result;
    } catch (err) {
      throw (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? tooLong(e) : badStream(e, err);
    }
    out.add(result.buffer);
    return result.engine.bytesWritten;
  }
  const inflater = createInflateRaw({ chunkSize: OUTPUT_CHUNK });
  // pipeline() reports a consumer's own error as an abort: keep the refusal to rethrow it.
  let refusal: unknown;
  try {
    await pipeline(
      Readable.from(file.chunks(e.dataOffset, e.compressedSize), { highWaterMark: 1 }),
      inflater,
      async (source: AsyncIterable<Buffer>) => {
        for await (const chunk of source) {
          try {
            out.add(chunk);
          } catch (err) {
            refusal = err;
            throw err;
          }
        }
      },
    );
  } catch (err) {
    throw refusal ?? badStream(e, err);
  }
  return inflater.bytesWritten;
}
