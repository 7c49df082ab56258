// What operations need from the rest of core.
import type { JobRunner } from '../jobs/runner';
import type { ServerService } from '../servers/service';
import type { ConnectionPool } from '../ssh/pool';

export interface OpsDeps {
  servers: ServerService;
  pool: ConnectionPool;
  runner: JobRunner;
}
