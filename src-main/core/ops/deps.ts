// What operations need from the rest of core.
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
