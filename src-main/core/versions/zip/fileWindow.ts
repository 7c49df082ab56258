// Positional reads from the zip file through one 1 MiB read-ahead window: walking thousands of small
// headers in file order costs a handful of system calls, and memory stays one window whatever the
// zip's size.
import { open, type FileHandle } from 'node:fs/promises';
import { damaged } from './format';

export const WINDOW_BYTES = 1024 * 1024;

export class FileWindow {
  private window: Buffer = Buffer.alloc(0);
  private windowStart = 0;

  private constructor(private readonly fh: FileHandle, readonly size: number) {}

  static async open(path: string): Promise<FileWindow> {
    const fh = await open(path, 'r');
    try {
      return new FileWindow(fh, (await fh.stat()).size);
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  /** Exactly `length` bytes at `position`, as a buffer the caller owns; a zip cut short is refused. */
  async read(position: number, length: number): Promise<Buffer> {
    if (position < 0 || length < 0 || position + length > this.size) throw damaged(`it is cut short (a record at byte ${position} runs past the end of the file)`);
    if (length > WINDOW_BYTES) return this.readDirect(position, length);
    const end = position + length;
    if (position < this.windowStart || end > this.windowStart + this.window.length) {
      this.windowStart = position;
      this.window = await this.readDirect(position, Math.min(WINDOW_BYTES, this.size - position));
    }
    // A copy, so a small slice kept by the caller does not pin the whole window in memory.
    return Buffer.from(this.window.subarray(position - this.windowStart, end - this.windowStart));
  }

  /** The bytes in [start, start + length), in fresh chunks of at most one window (read past the window). */
  async *chunks(start: number, length: number): AsyncGenerator<Buffer> {
    if (start < 0 || length < 0 || start + length > this.size) throw damaged(`it is cut short (data at byte ${start} runs past the end of the file)`);
    for (let done = 0; done < length; ) {
      const n = Math.min(WINDOW_BYTES, length - done);
      yield await this.readDirect(start + done, n);
      done += n;
    }
  }

  private async readDirect(position: number, length: number): Promise<Buffer> {
    const buf = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await this.fh.read(buf, got, length - got, position + got);
      if (bytesRead === 0) throw damaged(`it is cut short (the file ended while reading byte ${position + got})`);
      got += bytesRead;
    }
    return buf;
  }

  close(): Promise<void> {
    return this.fh.close();
  }
}
