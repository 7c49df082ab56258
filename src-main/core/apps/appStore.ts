// Apps in their own settings file beside the servers. Secret values are never here.
import Conf from 'conf';
import type { App } from '../../../src-shared/domain';
import { PRIVATE_FILE_MODE } from '../store/dataDir';
import { RecordList } from '../store/recordList';

export class AppStore {
  private readonly records: RecordList<App, 'apps'>;

  constructor(dataDir: string) {
    const file = new Conf<{ apps: App[] }>({ cwd: dataDir, configName: 'apps', projectName: 'skiff', defaults: { apps: [] }, clearInvalidConfig: false, configFileMode: PRIVATE_FILE_MODE });
    this.records = new RecordList(file, 'apps', 'That app no longer exists.');
  }

  list(serverId?: string): App[] {
    return this.records.all().filter((a) => !serverId || a.serverId === serverId);
  }

  get(id: string): App {
    return this.records.get(id);
  }

  save(app: App): App {
    return this.records.upsert(app);
  }

  remove(id: string): void {
    this.records.remove(id);
  }
}
