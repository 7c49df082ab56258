// The desktop's copy of what Skiff wrote on each server (path, sha256, mode, owner, job, content),
// refreshed from the server's root-owned record at every drift check. One JSON file per server
// under the data folder, so a server's record can be read without loading the others.
import { mkdirSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { WrittenFile } from '../../../src-shared/domain';

export class WrittenRecordStore {
  private readonly dir: string;
  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'written');
  }

  private file(serverId: string): string {
    if (!/^[A-Za-z0-9-]{1,64}$/.test(serverId)) throw new Error(`not a server id: ${serverId}`);
    return path.join(this.dir, `${serverId}.json`);
  }

  get(serverId: string): WrittenFile[] {
    try {
      return JSON.parse(readFileSync(this.file(serverId), 'utf8')) as WrittenFile[];
    } catch {
      return [];
    }
  }

  /** Replaces the record, keeping the content of files the server no longer sent but the desktop had. */
  save(serverId: string, files: WrittenFile[]): void {
    const before = new Map(this.get(serverId).map((f) => [f.sha256, f.content]));
    const merged = files.map((f) => (f.content === undefined && before.get(f.sha256) !== undefined && !f.path.startsWith('/etc/skiff/apps/') ? { ...f, content: before.get(f.sha256) } : f));
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.file(serverId)}.tmp`;
    writeFileSync(tmp, JSON.stringify(merged, null, 1), { mode: 0o600 });
    renameSync(tmp, this.file(serverId));
  }

  remove(serverId: string): void {
    rmSync(this.file(serverId), { force: true });
  }
}
