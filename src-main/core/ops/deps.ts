// What operations need from the rest of core.
import type { AppService } from '../apps/service';
import type { BackupStore } from '../backups/backupStore';
import type { JobRunner } from '../jobs/runner';
import type { VersionLibrary } from '../versions/library';
import type { ServerService } from '../servers/service';
import type { ConnectionPool } from '../ssh/pool';
import type { Vault } from '../vault/vault';

export interface OpsDeps {
  servers: ServerService;
  pool: ConnectionPool;
  runner: JobRunner;
  apps: AppService;
  versions: VersionLibrary;
  vault: Vault;
  backups: BackupStore;
  /** This desktop: its installation id (locks name it) and user@host (for people reading a lock). */
  installation: { id: string; who: string };
}
