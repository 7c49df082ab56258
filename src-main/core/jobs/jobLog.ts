// A job's full log: appended to a file (so it reopens after the app restarts) and streamed to the
// renderer, both in batches of at most one per frame (~16 ms) however chatty the remote command
// is: tens of thousands of lines neither flood the window nor cost a disk write each.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ensurePrivateDir, privateFile } from '../store/dataDir';

export const FLUSH_MS = 16;

export class JobLog {
  private length = 0;
  private pending = '';
  private pendingOffset = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly file: string,
    private readonly emit: (offset: number, data: string) => void,
  ) {
    ensurePrivateDir(path.dirname(file));
    if (existsSync(file)) this.length = readFileSync(file, 'utf8').length;
  }

  write(data: string): void {
    if (!data) return;
    if (!this.pending) this.pendingOffset = this.length;
    this.pending += data;
    this.length += data.length;
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending) return;
    const data = this.pending;
    this.pending = '';
    // On disk before it is announced: a reader fetching the file after an event never misses it.
    appendFileSync(this.file, data, privateFile); // the mode applies when the file is created
    this.emit(this.pendingOffset, data);
  }
}

export function logFileFor(dataDir: string, jobId: string): string {
  return path.join(dataDir, 'logs', `${jobId}.log`);
}

export function readJobLog(dataDir: string, jobId: string): string {
  const f = logFileFor(dataDir, jobId);
  return existsSync(f) ? readFileSync(f, 'utf8') : '';
}
