// What operations need from the rest of core.
import type { WrittenRecordStore } from '../drift/recordStore';
import type { AppService } from '../apps/service';
import type { BackupStore } from '../backups/backupStore';
import type { JobRunner } from '../jobs/runner';
import type { JobStore } from '../jobs/jobStore';
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
  /** The desktop's copy of what Skiff wrote on each server (drift checks refresh it). */
  written: WrittenRecordStore;
  /** This desktop's job history (the audit trail merges it with the server's). */
  jobs: JobStore;
}
