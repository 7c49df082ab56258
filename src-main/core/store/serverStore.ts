// Servers in the settings file: list, find, save, remove. No secret ever passes through here.
import type { Server } from '../../../src-shared/domain';
import { SkiffError } from '../../../src-shared/errors';
import type { SettingsFile } from './settingsFile';

export class ServerStore {
  constructor(private readonly file: SettingsFile) {}

  list(): Server[] {
    return this.file.get('servers');
  }

  get(id: string): Server {
    const s = this.list().find((x) => x.id === id);
    if (!s) throw new SkiffError('NOT_FOUND', { message: 'That server no longer exists.' });
    return s;
  }

  findByName(name: string): Server | undefined {
    const lower = name.toLowerCase();
    return this.list().find((s) => s.name.toLowerCase() === lower);
  }

  save(server: Server): Server {
    const others = this.list().filter((s) => s.id !== server.id);
    if (others.some((s) => s.name.toLowerCase() === server.name.toLowerCase())) {
      throw new SkiffError('DUPLICATE_NAME', { message: `A server named "${server.name}" already exists.` });
    }
    const all = this.list();
    const idx = all.findIndex((s) => s.id === server.id);
    if (idx >= 0) all[idx] = server;
    else all.push(server);
    this.file.set('servers', all);
    return server;
  }

  remove(id: string): void {
    this.file.set('servers', this.list().filter((s) => s.id !== id));
  }
}
