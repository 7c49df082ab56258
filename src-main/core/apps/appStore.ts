// Apps in their own settings file beside the servers. Secret values are never here.
import Conf from 'conf';
import type { App } from '../../../src-shared/domain';
import { SkiffError } from '../../../src-shared/errors';

export class AppStore {
  private readonly file: Conf<{ apps: App[] }>;

  constructor(dataDir: string) {
    this.file = new Conf<{ apps: App[] }>({ cwd: dataDir, configName: 'apps', projectName: 'skiff', defaults: { apps: [] }, clearInvalidConfig: false });
  }

  list(serverId?: string): App[] {
    return this.file.get('apps').filter((a) => !serverId || a.serverId === serverId);
  }

  get(id: string): App {
    const a = this.file.get('apps').find((x) => x.id === id);
    if (!a) throw new SkiffError('NOT_FOUND', { message: 'That app no longer exists.' });
    return a;
  }

  save(app: App): App {
    const all = this.file.get('apps');
    const i = all.findIndex((a) => a.id === app.id);
    if (i >= 0) all[i] = app;
    else all.push(app);
    this.file.set('apps', all);
    return app;
  }

  remove(id: string): void {
    this.file.set('apps', this.file.get('apps').filter((a) => a.id !== id));
  }
}
