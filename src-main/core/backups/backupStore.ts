// The backup list kept on this computer (backups.json beside the other stores) and where each
// local archive lives: BACKUPS_DIR/<app id>/<backup id>.tar, or .tar.age when encrypted.
import Conf from 'conf';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_BACKUP_SETTINGS, type Backup, type BackupSchedule, type BackupSettings } from '../../../src-shared/domain';
import { PRIVATE_FILE_MODE } from '../store/dataDir';
import { RecordList } from '../store/recordList';

interface BackupFile {
  backups: Backup[];
  settings: BackupSettings;
  schedules: BackupSchedule[];
}

export class BackupStore {
  private readonly file: Conf<BackupFile>;
  private readonly records: RecordList<Backup, 'backups'>;
  readonly dir: string;

  constructor(dataDir: string) {
    this.file = new Conf<BackupFile>({ cwd: dataDir, configName: 'backups', projectName: 'skiff', defaults: { backups: [], settings: DEFAULT_BACKUP_SETTINGS, schedules: [] }, clearInvalidConfig: false, configFileMode: PRIVATE_FILE_MODE });
    this.records = new RecordList(this.file as unknown as Conf<Record<'backups', Backup[]>>, 'backups', 'That backup is no longer in the list.');
    this.dir = path.join(dataDir, 'backups');
  }

  list(appId?: string): Backup[] {
    return this.records.all().filter((b) => !appId || b.appId === appId).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  find(id: string): Backup | undefined {
    return this.records.all().find((b) => b.id === id);
  }

  get(id: string): Backup {
    return this.records.get(id);
  }

  save(b: Backup): Backup {
    return this.records.upsert(b);
  }

  remove(id: string): void {
    this.records.remove(id);
  }

  /** Records a copy of a backup (this computer's file, or the server's folder). */
  addCopy(id: string, copy: Pick<Backup['copies'], 'desktop' | 'server'>): Backup {
    const b = this.get(id);
    return this.save({ ...b, copies: { ...b.copies, ...copy } });
  }

  /**
   * Forgets one copy of a backup (deleting this computer's file when that is the copy; a server copy
   * is deleted on the server by the caller first). The backup leaves the list with its last copy.
   */
  dropCopy(id: string, place: 'desktop' | 'server'): Backup | null {
    const b = this.get(id);
    const copies: Backup['copies'] = { ...b.copies };
    delete copies[place];
    if (place === 'desktop' && b.copies.desktop) rmSync(this.localFile(b, b.copies.desktop.encrypted), { force: true });
    if (!copies.desktop && !copies.server && !copies.remote) {
      this.remove(id);
      return null;
    }
    return this.save({ ...b, copies });
  }

  localFile(b: Pick<Backup, 'appId' | 'id'>, encrypted: boolean): string {
    return path.join(this.dir, b.appId, `${b.id}.tar${encrypted ? '.age' : ''}`);
  }

  settings(): BackupSettings {
    return { ...DEFAULT_BACKUP_SETTINGS, ...this.file.get('settings') };
  }

  schedule(appId: string): BackupSchedule | undefined {
    return (this.file.get('schedules') ?? []).find((s) => s.appId === appId);
  }

  schedules(): BackupSchedule[] {
    return this.file.get('schedules') ?? [];
  }

  removeSchedule(appId: string): void {
    this.file.set('schedules', this.schedules().filter((x) => x.appId !== appId));
  }

  saveSchedule(s: BackupSchedule): BackupSchedule {
    this.file.set('schedules', [...this.schedules().filter((x) => x.appId !== s.appId), s]);
    return s;
  }

  setSettings(s: BackupSettings): BackupSettings {
    this.file.set('settings', s);
    return s;
  }
}
