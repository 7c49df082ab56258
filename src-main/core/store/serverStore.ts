// Servers in the settings file: list, find, save, remove. No secret ever passes through here.
import type { Server } from '../../../src-shared/domain';
import { SkiffError } from '../../../src-shared/errors';
import { RecordList } from './recordList';
import type { SettingsFile } from './settingsFile';

export class ServerStore {
  private readonly records: RecordList<Server, 'servers'>;

  constructor(file: SettingsFile) {
    this.records = new RecordList(file, 'servers', 'That server no longer exists.');
  }

  list(): Server[] {
    return this.records.all();
  }

  get(id: string): Server {
    return this.records.get(id);
  }

  findByName(name: string): Server | undefined {
    const lower = name.toLowerCase();
    return this.list().find((s) => s.name.toLowerCase() === lower);
  }

  save(server: Server): Server {
    const clash = this.findByName(server.name);
    if (clash && clash.id !== server.id) {
      throw new SkiffError('DUPLICATE_NAME', { message: `A server named "${server.name}" already exists.` });
    }
    return this.records.upsert(server);
  }

  remove(id: string): void {
    this.records.remove(id);
  }
}
