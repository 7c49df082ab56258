// Server and app operations as the UI starts them: each returns the queued job at once; the live
// log and the outcome arrive as job events.
import { randomBytes } from 'node:crypto';
import type { App, BackupSchedule, HardeningPreview, Job, TrailEntry } from '../../../src-shared/domain';
import { secretKey } from '../vault/vault';
import { applyScheduleJob, runScheduleJob } from './backup/scheduleJob';
import type { AppInput } from '../apps/service';
import { backupNowJob, downloadBackupJob } from './backup/backupJob';
import { drillJob } from './backup/drillJob';
import { restoreJob } from './backup/restoreJob';
import { SkiffError } from '../../../src-shared/errors';
import { kvOne, parseKv, readManifest } from '../remote/readBack';
import { breakLockScript, manifestScript } from '../remote/scripts/appScripts';
import { runScript } from '../ssh/exec';
import { auditJob } from './audit/auditJob';
import { driftJob } from './drift/driftJob';
import { driftFixJob, type DriftAction } from './drift/fixJob';
import { mergeTrail, readServerTrail } from '../drift/trail';
import type { OpsDeps } from './deps';
import { deleteAppJob } from './deleteApp';
import { deployJob } from './deploy';
import { hardenJob, hardeningPreview, type HardenOptions } from './harden';
import { migrateServerJob } from './migrate';
import { reconcileJob } from './reconcile';
import { toReleaseInfo } from './releases';
import { rollbackJob } from './rollback';
import { setupJob } from './setup';

const APP_JOBS = new Set(['deploy', 'rollback', 'app-delete', 'reconcile', 'restore']);

export class Operations {
  constructor(private readonly deps: OpsDeps) {}

  setup(serverId: string, appUser: string): Job {
    return this.deps.runner.start(setupJob(this.deps, serverId, appUser));
  }

  hardenPreview(serverId: string, o: HardenOptions = {}): Promise<HardeningPreview> {
    return hardeningPreview(this.deps, serverId, o);
  }

  harden(serverId: string, o: HardenOptions = {}): Job {
    return this.deps.runner.start(hardenJob(this.deps, serverId, o));
  }

  /** Drift check: one read-only command; the report lands on the server record. */
  driftCheck(serverId: string): Job {
    return this.deps.runner.start(driftJob(this.deps, serverId));
  }

  /** Re-apply or adopt findings of the last drift check (hardening's own findings go through its preview). */
  driftFix(serverId: string, action: DriftAction, ids: string[]): Job {
    return this.deps.runner.start(driftFixJob(this.deps, serverId, action, ids));
  }

  /** The server's audit trail merged with this desktop's history of it (or of one app). */
  async trail(serverId: string, o: { appId?: string; lines: number }): Promise<TrailEntry[]> {
    const { installation, apps } = this.deps;
    const app = o.appId ? apps.get(o.appId) : undefined;
    const server = await readServerTrail(await this.deps.pool.get(serverId), o.lines, installation.id);
    const appNames = new Map(apps.list(serverId).map((a) => [a.id, a.name]));
    return mergeTrail(server, this.deps.jobs.list({ serverId }), { installation: installation.id, who: installation.who, app, appNames });
  }

  audit(serverId: string): Job {
    return this.deps.runner.start(auditJob(this.deps, serverId).def);
  }

  /** Moves a server set up by an older Skiff to per-app service users (one restart per app). */
  migrate(serverId: string): Job {
    return this.deps.runner.start(migrateServerJob(this.deps, serverId));
  }

  deploy(appId: string, sha256: string): Job {
    return this.deps.runner.start(deployJob(this.deps, appId, this.deps.versions.get(sha256)));
  }

  rollback(appId: string, releaseId: string, restoreData: boolean): Job {
    return this.deps.runner.start(rollbackJob(this.deps, appId, releaseId, restoreData));
  }

  /** Typed confirmation: the app's name. */
  deleteApp(appId: string, confirmName: string, backup: 'none' | 'keep' | 'archive'): Job {
    const app = this.deps.apps.get(appId);
    if (confirmName !== app.name) throw new SkiffError('INVALID_INPUT', { message: `Type the app's name, "${app.name}", to confirm.` });
    return this.deps.runner.start(deleteAppJob(this.deps, appId, backup));
  }

  /** "Back up now": a consistent online backup, brought to this computer, retention applied. */
  backupNow(appId: string, kind: 'manual' | 'scheduled' = 'manual'): Job {
    return this.deps.runner.start(backupNowJob(this.deps, appId, kind));
  }

  downloadBackup(backupId: string): Job {
    return this.deps.runner.start(downloadBackupJob(this.deps, this.deps.backups.get(backupId)));
  }

  /**
   * Restores a backup into its own app, or into another app (`appId`). When the server no longer
   * has the release the backup was made with, the restore brings that version from the library.
   */
  restore(backupId: string, appId?: string): Job {
    const backup = this.deps.backups.get(backupId);
    const version = backup.versionSha256 ? this.deps.versions.list().find((v) => v.sha256 === backup.versionSha256) : undefined;
    return this.deps.runner.start(restoreJob(this.deps, backup, appId ?? backup.appId, version));
  }

  /**
   * "Move an app": a new app (on any server) from a backup. The version the backup was made with
   * is deployed to it first, then the backup restored; both are jobs on that server's queue.
   */
  async restoreAsNewApp(backupId: string, input: AppInput): Promise<{ app: App; jobs: Job[] }> {
    const backup = this.deps.backups.get(backupId);
    const version = backup.versionSha256 && this.deps.versions.list().find((v) => v.sha256 === backup.versionSha256);
    if (!version) {
      throw new SkiffError('BACKUP_VERSION_MISSING', { message: `The version backup ${backup.id} was made with (${backup.versionLabel ?? `PocketBase ${backup.pocketbase}`}) is not in the version library.` });
    }
    const app = await this.deps.apps.create(input);
    return { app, jobs: [this.deploy(app.id, version.sha256), this.deps.runner.start(restoreJob(this.deps, backup, app.id))] };
  }

  /**
   * Saves the app's backup schedule (secrets to the keychain; a repository password is made once
   * when a target is first set) and writes it on the server.
   */
  async setSchedule(s: Omit<BackupSchedule, 'appliedAt'>, secrets: { secret?: string; password?: string } = {}): Promise<Job> {
    this.deps.apps.get(s.appId);
    const { vault } = this.deps;
    if (secrets.secret) await vault.set(secretKey.backupTargetSecret(s.appId), secrets.secret);
    if (secrets.password) await vault.set(secretKey.backupRepoPassword(s.appId), secrets.password);
    else if (s.target && !(await vault.get(secretKey.backupRepoPassword(s.appId)))) await vault.set(secretKey.backupRepoPassword(s.appId), randomBytes(24).toString('base64'));
    const saved = this.deps.backups.saveSchedule({ ...s, appliedAt: new Date().toISOString() });
    return this.deps.runner.start(applyScheduleJob(this.deps, saved));
  }

  runSchedule(appId: string): Job {
    return this.deps.runner.start(runScheduleJob(this.deps, appId));
  }

  drill(backupId: string): Job {
    return this.deps.runner.start(drillJob(this.deps, this.deps.backups.get(backupId)));
  }

  /**
   * For each app whose job was cut off when Skiff last stopped: read it back, finish what that job
   * owed, record what serves, release its lock. Returns the reconcile jobs started.
   */
  reconcileInterrupted(): Job[] {
    const latest = new Map<string, Job>();
    for (const j of this.deps.runner.interruptedAtStart) {
      if (j.appId && APP_JOBS.has(j.kind) && this.deps.apps.exists(j.appId)) latest.set(j.appId, j);
    }
    return [...latest.values()].map((j) => this.deps.runner.start(reconcileJob(this.deps, j)));
  }

  /** Reads the app's releases back from the server's manifest. */
  async refreshApp(appId: string): Promise<App> {
    const app = this.deps.apps.get(appId);
    const ssh = await this.deps.pool.get(app.serverId);
    const out = parseKv((await runScript(ssh, manifestScript(app.name).text, { check: true })).stdout);
    return this.deps.apps.recordReleases(appId, toReleaseInfo(readManifest(app.name, kvOne(out, 'manifest'))));
  }

  /** Kamal's `lock release`: breaks the app's lock, whoever holds it. The UI says what it risks first. */
  async breakLock(appId: string): Promise<{ broke: boolean; holder?: string }> {
    const app = this.deps.apps.get(appId);
    const ssh = await this.deps.pool.get(app.serverId);
    const out = parseKv((await runScript(ssh, breakLockScript(app.name).text, { check: true })).stdout);
    return { broke: kvOne(out, 'broke') === 'yes', holder: kvOne(out, 'lock_holder') };
  }
}
