// backups.* : the backup list, settings, and the backup, download, restore and drill jobs.
import type { SkiffCore } from '../core/skiffCore';
import type { Handlers } from './index';

type BackupMethods = 'backups.list' | 'backups.refresh' | 'backups.settings' | 'backups.setSettings' | 'backups.create' | 'backups.download' | 'backups.restore' | 'backups.restoreAsNewApp' | 'backups.drill' | 'backups.delete' | 'backups.export' | 'backups.schedule' | 'backups.schedules' | 'backups.setSchedule' | 'backups.runSchedule' | 'backups.scheduleStatus';

export function backupHandlers({ backups, ops }: SkiffCore): Pick<Handlers, BackupMethods> {
  return {
    'backups.list': async ({ appId }) => backups.list(appId),
    'backups.refresh': ({ appId }) => backups.refresh(appId),
    'backups.settings': async () => backups.settings(),
    'backups.setSettings': async (s) => backups.setSettings(s),
    'backups.create': async ({ appId }) => ops.backupNow(appId),
    'backups.download': async ({ id }) => ops.downloadBackup(id),
    'backups.restore': async ({ id, appId }) => ops.restore(id, appId),
    'backups.restoreAsNewApp': ({ id, app }) => ops.restoreAsNewApp(id, { ...app, superuserEmail: app.superuserEmail || undefined }),
    'backups.drill': async ({ id }) => ops.drill(id),
    'backups.delete': async ({ id, where }) => ({ backup: await backups.remove(id, where) }),
    'backups.export': async ({ id }) => ({ path: backups.export(id) }),
    'backups.schedule': async ({ appId }) => ({ schedule: backups.schedule(appId) ?? null }),
    'backups.schedules': async () => backups.schedules(),
    'backups.setSchedule': ({ secret, password, ...schedule }) => ops.setSchedule(schedule, { secret: secret || undefined, password: password || undefined }),
    'backups.runSchedule': async ({ appId }) => ops.runSchedule(appId),
    'backups.scheduleStatus': ({ appId }) => backups.scheduleStatus(appId),
  };
}
