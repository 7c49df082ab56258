// The restore's steps. Everything that can refuse (the backup's parts, its PocketBase version
// against the release it would run with) is checked before the app is stopped; from the stop on, a
// failure puts the previous data and release back (the recipe's rollBack).
import type { BackupManifest, Version } from '../../../../../src-shared/domain';
import { SkiffError } from '../../../../../src-shared/errors';
import { backupFailure } from '../../../backups/transfer';
import { unpackRelease } from '../../app/tasks/unpack';
import { uploadVersion } from '../../app/tasks/upload';
import { comparePocketbase, manifestFromBase64 } from '../../../backups/manifest';
import type { StepContext } from '../../../jobs/runner';
import { helperCall } from '../../../remote/helper/verbs';
import { kvOne, parseKv, type Manifest } from '../../../remote/readBack';
import { restoreLiveScript, restoreUndoScript } from '../../../remote/scripts/backupScripts';
import { toReleaseInfo } from '../../releases';
import { connection, type AppTask } from '../../app/appJob';
import { healthTimeoutOf } from '../../app/tasks/goLive';
import { releaseServing } from '../../app/tasks/lock';
import type { PlacedJob } from './place';
import { createBackup } from './take';

export interface RestoreJob extends PlacedJob {
  /** The backup of the data as it was, taken with the app stopped just before the swap. */
  preRestore?: { id: string };
  swapped: boolean;
}

/** Asks the server to check the backup and report the PocketBase version of `release` (or of current). */
async function checkOnServer(job: RestoreJob, ctx: StepContext, release: string): Promise<{ manifest: BackupManifest; release: string; pocketbase: string }> {
  const b = job.backup!;
  const res = await ctx.exec(await connection(job), helperCall('backup-check', [job.app.name, b.id, job.app.binary, release]).text, { hideKeyValues: true, check: false });
  if (res.code !== 0) throw backupFailure(res.code, res.stderr);
  const out = parseKv(res.stdout);
  return { manifest: manifestFromBase64(kvOne(out, 'manifest'), `backup ${b.id}`), release: kvOne(out, 'target_release') ?? 'none', pocketbase: kvOne(out, 'target_pocketbase') ?? 'unknown' };
}

/**
 * Check the backup on the server and settle the release it will run with: its own release when the
 * server still has it; else the version it was made with, uploaded and unpacked now (not switched
 * to) when the library has it; else the current release. A release older than the backup's
 * PocketBase refuses the restore. Nothing has stopped yet.
 */
export function checkRestore(version?: Version): AppTask<RestoreJob> {
  return {
    title: 'Check the backup on the server and the release it will run with',
    run: async (job, ctx) => {
      const b = job.backup!;
      const state = job.state!;
      const hasRelease = b.release !== 'none' && state.releases.some((r) => r.id === b.release);
      let found = await checkOnServer(job, ctx, hasRelease ? b.release : 'none');
      const currentVersion = state.releases.find((r) => r.id === state.current)?.sha256;
      if (!hasRelease && version && currentVersion !== version.sha256) {
        ctx.log(`the release the backup was made with is not on ${job.server.name}: preparing ${version.fileName} beside the current release`);
        await uploadVersion(version, version.pbVersion ? `PocketBase ${version.pbVersion}` : version.fileName).run(job, ctx);
        await unpackRelease(version, { snapshot: false }).run(job, ctx);
        found = await checkOnServer(job, ctx, job.target!.id);
      }
      const { manifest, release, pocketbase } = found;
      if (release === 'none') {
        throw new SkiffError('BACKUP_VERSION_MISSING', { message: `${job.app.name} has no release on ${job.server.name} to run the restored data with, and the version the backup was made with is not in the library.`, fix: `Add ${b.versionLabel ?? `PocketBase ${manifest.pocketbase}`} to the version library (or deploy it to ${job.app.name}), then restore again. Nothing was stopped or changed.` });
      }
      if (comparePocketbase(manifest.pocketbase, pocketbase) === 1) {
        throw new SkiffError('BACKUP_NEWER_POCKETBASE', { message: `Backup ${b.id} was made by PocketBase ${manifest.pocketbase}; ${job.app.name}'s release ${release} runs ${pocketbase}, which may not read its data.`, fix: `Deploy PocketBase ${manifest.pocketbase} or newer to ${job.app.name} (or add the backup's version to the library), then restore. Nothing was stopped or changed.` });
      }
      if (!hasRelease && b.release !== 'none' && release !== job.target?.id) ctx.warn(`the release the backup was made with (${b.release}) is not on this server and its version is not in the library: the data runs with ${release} (PocketBase ${pocketbase}, not older than the backup's ${manifest.pocketbase})`);
      job.previous = releaseServing(state, job.deps.versions);
      job.target = job.target?.id === release ? job.target : state.manifest.releases.find((r) => r.id === release) ?? { ...job.previous!, id: release, label: release };
      return { note: `every part matches; it will run with ${release} (PocketBase ${pocketbase})` };
    },
  };
}

export function stopAndSnapshot(): AppTask<RestoreJob> {
  return {
    title: 'Stop the app and back up its data as it is now',
    pointOfNoReturn: true,
    run: async (job, ctx) => {
      await ctx.exec(await connection(job), helperCall('app-service', ['stop', job.app.name]).text);
      const pre = await createBackup(job, ctx, 'pre-restore');
      job.preRestore = { id: pre.id };
      return { note: `pre-restore backup ${pre.id} (listed; restore it to undo this restore)` };
    },
  };
}

export function swapData(): AppTask<RestoreJob> {
  return {
    title: 'Put the backup in place of pb_data',
    run: async (job, ctx) => {
      job.swapped = true;
      await ctx.exec(await connection(job), helperCall('backup-restore', [job.app.name, job.backup!.id]).text);
    },
  };
}

export function startRestored(): AppTask<RestoreJob> {
  return {
    title: 'Start the app on the restored data and check /api/health',
    run: async (job, ctx) => {
      const target = job.target!;
      const manifest = job.state!.manifest;
      const next: Manifest | undefined = manifest.current !== target.id
        ? { ...manifest, current: target.id, releases: [...manifest.releases.filter((r) => r.id !== target.id), target], updatedAt: new Date().toISOString() }
        : undefined;
      const res = await ctx.exec(await connection(job), restoreLiveScript({ app: job.app.name, releaseId: target.id, port: job.app.port, healthTimeoutS: healthTimeoutOf(job.app), manifest: next && JSON.stringify(next, null, 2) }).text, { check: false });
      if (res.code === 4) throw new SkiffError('HEALTH_CHECK_FAILED', { message: 'The app did not become healthy on the restored data, so Skiff put the previous data back.', detail: res.stderr.trim().slice(-300) });
      if (res.code !== 0) throw new SkiffError('REMOTE_COMMAND_FAILED', { detail: `exit ${res.code}: ${res.stderr.trim().slice(-300)}` });
      job.healthy = true;
      if (next) job.deps.apps.recordReleases(job.app.id, toReleaseInfo(next));
    },
  };
}

/** A backup sent here for another app (a move) has done its job: remove this server's copy. */
export function dropForeignCopy(): AppTask<RestoreJob> {
  return {
    title: 'Remove the copy sent for this restore',
    run: async (job, ctx) => {
      if (!job.placedForeign) return { skipped: true, note: 'the backup stays in the app\'s list' };
      await ctx.exec(await connection(job), helperCall('backup-delete', [job.app.name, job.backup!.id]).text, { quiet: true });
    },
  };
}

/** The restore failed after the stop: previous data, previous release, started and health-checked. */
export async function undoRestore(job: RestoreJob, ctx: StepContext): Promise<{ status: 'rolled-back' }> {
  ctx.log(job.swapped ? 'putting the previous data back' : 'the data was not swapped: starting the app again');
  const res = await ctx.exec(await connection(job), restoreUndoScript({ app: job.app.name, to: job.previous?.id, port: job.app.port, healthTimeoutS: healthTimeoutOf(job.app) }).text, { check: false });
  if (res.code !== 0) {
    throw new SkiffError('HEALTH_CHECK_FAILED', { message: 'The previous data is back, but the app did not come back healthy.', fix: `Look at the app's log on the server (journalctl -u skiff-${job.app.name}).`, detail: res.stderr.trim().slice(-300) });
  }
  return { status: 'rolled-back' };
}
