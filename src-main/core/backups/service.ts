// The backup list and what acts on it directly (no job): read a server's list, delete a copy,
// export, settings. Jobs (back up, download, restore, drill) are in ops/backup.
import { constants as fsConstants, copyFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Backup, BackupSchedule, BackupSettings, ScheduleStatus } from '../../../src-shared/domain';
import { SkiffError } from '../../../src-shared/errors';
import type { AppService } from '../apps/service';
import { helperCall } from '../remote/helper/verbs';
import type { ServerService } from '../servers/service';
import { runScript } from '../ssh/exec';
import type { ConnectionPool } from '../ssh/pool';
import { makePrivate } from '../store/dataDir';
import type { BackupStore } from './backupStore';
import { readScheduleStatus, recordScheduledDrill } from './schedule';
import { readRemoteCopies, readServerBackups } from './serverList';
import { backupFailure } from './transfer';

export type CopyPlace = 'desktop' | 'server' | 'everywhere';

export class BackupService {
  constructor(
    private readonly store: BackupStore,
    private readonly apps: AppService,
    private readonly servers: ServerService,
    private readonly pool: ConnectionPool,
  ) {}

  list(appId?: string): Backup[] {
    return this.store.list(appId);
  }

  get(id: string): Backup {
    return this.store.get(id);
  }

  settings(): BackupSettings {
    return this.store.settings();
  }

  setSettings(s: BackupSettings): BackupSettings {
    return this.store.setSettings(s);
  }

  /** Reads the app's backups on its server (scheduled ones included) into the list. */
  async refresh(appId: string): Promise<Backup[]> {
    const app = this.apps.get(appId);
    const ssh = await this.pool.get(app.serverId);
    await readServerBackups(ssh, app, this.servers.get(app.serverId), this.store);
    // The target may be down (that is what the schedule's flag reports): the server's list still counts.
    await readRemoteCopies(ssh, app, this.store, this.store.schedule(appId)?.target?.kind).catch(() => undefined);
    return this.store.list(appId);
  }

  schedule(appId: string): BackupSchedule | undefined {
    return this.store.schedule(appId);
  }

  /** Schedules of apps that still exist. */
  schedules(): BackupSchedule[] {
    return this.store.schedules().filter((s) => this.apps.exists(s.appId));
  }

  /** The server's schedule and its last run, read back; flagged when failed or missing. */
  async scheduleStatus(appId: string): Promise<ScheduleStatus> {
    const app = this.apps.get(appId);
    const res = await runScript(await this.pool.get(app.serverId), helperCall('schedule-status', [app.name]).text);
    if (res.code !== 0) throw backupFailure(res.code, res.stderr);
    const status = readScheduleStatus(res.stdout, this.store.schedule(appId));
    recordScheduledDrill(this.store, res.stdout, status);
    return status;
  }

  /** Deletes a copy; the record goes when no copy is left. */
  async remove(id: string, where: CopyPlace): Promise<Backup | null> {
    const b = this.store.get(id);
    let left: Backup | null = b;
    if ((where === 'server' || where === 'everywhere') && b.copies.server) {
      const res = await runScript(await this.pool.get(b.serverId), helperCall('backup-delete', [b.appName, b.id]).text);
      if (res.code !== 0) throw backupFailure(res.code, res.stderr);
      left = this.store.dropCopy(id, 'server');
    }
    if ((where === 'desktop' || where === 'everywhere') && left?.copies.desktop) left = this.store.dropCopy(id, 'desktop');
    return left;
  }

  /** Copies this computer's archive where the user can find it (default ~/Downloads); returns the path. */
  export(id: string, destDir = path.join(os.homedir(), 'Downloads')): string {
    const b = this.store.get(id);
    if (!b.copies.desktop) throw new SkiffError('BACKUP_NO_COPY', { message: 'This computer has no copy of this backup yet.', fix: 'Download it from the server first.' });
    const src = this.store.localFile(b, b.copies.desktop.encrypted);
    mkdirSync(destDir, { recursive: true });
    const base = `skiff-backup-${b.appName}-${b.id}.tar${b.copies.desktop.encrypted ? '.age' : ''}`;
    for (let i = 0; i < 100; i++) {
      const dest = path.join(destDir, i ? base.replace('.tar', `-${i}.tar`) : base);
      try {
        // EXCL: nothing is ever overwritten; the copy holds user data, so it is private.
        copyFileSync(src, dest, fsConstants.COPYFILE_EXCL);
        makePrivate(dest);
        return dest;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new SkiffError('INTERNAL', { message: `Could not save ${base} in ${destDir}.`, fix: 'Check that the folder is writable and has free space.', detail: (e as Error).message });
      }
    }
    throw new SkiffError('INTERNAL', { message: `${destDir} already holds 100 copies of ${base}.`, fix: 'Remove some of them, then export again.' });
  }
}
