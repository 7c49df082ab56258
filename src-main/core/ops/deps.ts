// What operations need from the rest of core.
import { SkiffError } from '../../../src-shared/errors';
import type { AppService } from '../apps/service';
import type { JobRunner } from '../jobs/runner';
import type { VersionLibrary } from '../versions/library';
import type { ServerService } from '../servers/service';
import type { ConnectionPool } from '../ssh/pool';

export interface OpsDeps {
  servers: ServerService;
  pool: ConnectionPool;
  runner: JobRunner;
  apps: AppService;
  versions: VersionLibrary;
}

/** What every app job starts from: the app, its server, and the app user setup created. */
export function appJobContext(deps: OpsDeps, appId: string) {
  const app = deps.apps.get(appId);
  const server = deps.servers.get(app.serverId);
  if (!server.setup) throw new SkiffError('SETUP_REQUIRED');
  return { app, server, appUser: server.setup.appUser };
}
