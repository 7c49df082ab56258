// apps.* : app records, deploy and rollback jobs.
import type { SkiffCore } from '../core/skiffCore';
import type { Handlers } from './index';

type AppMethods = 'apps.list' | 'apps.get' | 'apps.create' | 'apps.createMany' | 'apps.update' | 'apps.deploy' | 'apps.rollback' | 'apps.delete' | 'apps.refresh' | 'apps.breakLock';

export function appHandlers({ apps, ops }: SkiffCore): Pick<Handlers, AppMethods> {
  return {
    'apps.list': async ({ serverId }) => apps.list(serverId),
    'apps.get': async ({ id }) => apps.get(id),
    'apps.create': (input) => apps.create({ ...input, superuserEmail: input.superuserEmail || undefined }),
    'apps.createMany': ({ names, domainPattern, ...template }) => apps.createMany(template, names, domainPattern || undefined),
    'apps.update': ({ id, ...rest }) => apps.update(id, rest as Parameters<typeof apps.update>[1]),
    'apps.deploy': async ({ id, sha256 }) => ops.deploy(id, sha256),
    'apps.rollback': async ({ id, releaseId, restoreData }) => ops.rollback(id, releaseId, restoreData),
    'apps.delete': async ({ id, confirmName, backup }) => ops.deleteApp(id, confirmName, backup),
    'apps.refresh': ({ id }) => ops.refreshApp(id),
    'apps.breakLock': ({ id }) => ops.breakLock(id),
  };
}
