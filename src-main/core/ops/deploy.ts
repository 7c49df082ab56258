// Deploy, Capistrano-style, for PocketBase on a plain VPS: lock the app, upload the version once
// (a version already on the server uploads nothing), unpack into releases/<id>, snapshot the data,
// write env/unit/site only when changed, switch `current` atomically, restart, health-gate on
// /api/health, record and prune. A failure before the switch leaves the running release untouched;
// a failure after it rolls back to the previous release (and its data if migrations ran).
import type { NodeSSH } from 'node-ssh';
import type { App, ReleaseInfo, Version } from '../../../src-shared/domain';
import { SkiffError } from '../../../src-shared/errors';
import type { JobDefinition, StepContext } from '../jobs/runner';
import { configScript, finishScript, goLiveScript, parseKv, prepareScript, restoreSnapshotScript, stateScript, unlockScript } from '../remote/scripts/release';
import { appPaths, contentHash, renderCaddySite, renderSystemdUnit } from '../remote/templates/app';
import { archMatches, type BinaryArch } from '../versions/inspectZip';
import { appJobContext, type OpsDeps } from './deps';
import { uploadFile } from './upload';
import { hostname } from 'node:os';

export const HEALTH_TIMEOUT_S = 30;
/** Index of the step that switches `current`: failures from here on roll back. */
const GO_LIVE_STEP = 4;

export interface ManifestRelease {
  id: string;
  sha256: string;
  label: string;
  deployedAt: string;
  migrations: string[];
  snapshot: boolean;
  has: { public: boolean; hooks: boolean; migrations: boolean };
}

export interface Manifest {
  app: string;
  current?: string;
  releases: ManifestRelease[];
  updatedAt: string;
}

export function parseManifest(b64: string | undefined, app: string): Manifest {
  if (!b64) return { app, releases: [], updatedAt: new Date(0).toISOString() };
  try {
    return JSON.parse(Buffer.from(b64, 'base64').toString('utf8')) as Manifest;
  } catch {
    return { app, releases: [], updatedAt: new Date(0).toISOString() };
  }
}

export function releaseId(now: Date, sha256: string): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '').replace('T', '-')}-${sha256.slice(0, 8)}`;
}

export function toReleaseInfo(m: Manifest): ReleaseInfo[] {
  return [...m.releases].reverse().map((r) => ({
    id: r.id, versionSha256: r.sha256, versionLabel: r.label, deployedAt: r.deployedAt, migrations: r.migrations, snapshot: r.snapshot, current: r.id === m.current,
  }));
}

/** Which releases to keep: the newest `keep`, always including the current one. */
export function releasesToKeep(m: Manifest, keep: number): string[] {
  const newest = [...m.releases].sort((a, b) => b.deployedAt.localeCompare(a.deployedAt)).slice(0, keep).map((r) => r.id);
  return m.current && !newest.includes(m.current) ? [...newest, m.current] : newest;
}

function unitFor(app: App, appUser: string, has: ManifestRelease['has']): string {
  return renderSystemdUnit({ app: app.name, appUser, port: app.port, binary: app.binary, has });
}

function siteFor(app: App): string | undefined {
  return app.domain ? renderCaddySite({ app: app.name, domain: app.domain, port: app.port, tls: app.tls }) : undefined;
}

/** The env file, unit and site an app's release runs with, and their combined hash (seed 001's config hashes). */
export async function appConfig(deps: OpsDeps, app: App, appUser: string, has: ManifestRelease['has']) {
  const env = await deps.apps.envFile(app);
  const unit = unitFor(app, appUser, has);
  const site = siteFor(app);
  return { env, unit, site, hashes: [contentHash(env), contentHash(unit), site ? contentHash(site) : '-'].join(':') };
}

export function deployJob(deps: OpsDeps, appId: string, version: Version): JobDefinition {
  const { app, server, appUser } = appJobContext(deps, appId);
  let ssh: NodeSSH;
  let jobId = '';
  let lockHeld = false;
  let manifest: Manifest;
  let previous: ManifestRelease | undefined;
  let target: ManifestRelease;
  let reuse = false;
  let serverHashes = '';
  let hashes = '';
  const label = version.pbVersion ? `PocketBase ${version.pbVersion}` : version.fileName;

  return {
    kind: 'deploy',
    serverId: app.serverId,
    appId,
    title: `Deploy ${label} to ${app.name} on ${server.name}`,
    steps: [
      {
        title: 'Check the server and lock the app',
        run: async (ctx) => {
          jobId = ctx.jobId;
          ssh = await deps.pool.get(app.serverId);
          const st = parseKv((await ctx.exec(ssh, stateScript({ app: app.name, sha256: version.sha256, jobId, holder: `skiff@${hostname()}` }), { quiet: true })).stdout);
          if (st.get('lock') === 'held') {
            throw new SkiffError('APP_LOCKED', { message: `Another deployment of ${app.name} is running (job ${st.get('lock_job')}, started ${st.get('lock_age')} s ago by ${st.get('lock_by')}).` });
          }
          lockHeld = true;
          if (st.get('lock') === 'acquired-stale') ctx.warn('took over a stale lock left by a deployment that never finished');
          const arch = st.get('arch') ?? '?';
          if (!archMatches(version.summary.binaryArch as BinaryArch, arch)) {
            throw new SkiffError('VERSION_ARCH_MISMATCH', { message: `${version.fileName} is built for ${version.summary.binaryArch}; ${server.name} is ${arch}.` });
          }
          const free = Number(st.get('free') ?? 0);
          const need = version.size + version.summary.uncompressedBytes * 2;
          if (free < need) {
            throw new SkiffError('DISK_FULL', { message: `${server.name} has ${Math.round(free / 1048576)} MiB free; this release needs about ${Math.round(need / 1048576)} MiB.` });
          }
          manifest = parseManifest(st.get('manifest'), app.name);
          serverHashes = st.get('hashes') ?? '';
          previous = manifest.releases.find((r) => r.id === manifest.current);
          const existing = st.get('existing') || undefined;
          reuse = !!existing;
          const known = existing ? manifest.releases.find((r) => r.id === existing) : undefined;
          target = {
            id: existing ?? releaseId(new Date(), version.sha256),
            sha256: version.sha256, label, deployedAt: new Date().toISOString(),
            migrations: known?.migrations ?? [], snapshot: false,
            has: known?.has ?? { public: version.summary.hasPublic, hooks: version.summary.hasHooks, migrations: version.summary.hasMigrations },
          };
          ctx.log(`${server.name}: ${arch}, ${Math.round(free / 1048576)} MiB free; running ${previous ? previous.id : 'nothing yet'}; this deploy: releases/${target.id}${reuse ? ' (already on the server)' : ''}`);
          return { note: 'locked' };
        },
      },
      {
        title: `Upload ${version.fileName} (${(version.size / 1048576).toFixed(1)} MiB)`,
        run: async (ctx) => {
          if (reuse) return { skipped: true, note: 'already on the server: nothing to upload' };
          const remote = `${appPaths(app.name).uploads}/${version.sha256}.zip.part`;
          const t0 = Date.now();
          await uploadFile(ssh, deps.versions.zipPath(version.sha256), remote, (b, t) => ctx.progress(b, t));
          const secs = (Date.now() - t0) / 1000;
          return { note: `${(version.size / 1048576 / secs).toFixed(1)} MiB/s` };
        },
      },
      {
        title: 'Verify the upload, unpack the release, snapshot the data',
        run: async (ctx) => {
          const out = parseKv((await ctx.exec(ssh, prepareScript({ app: app.name, sha256: version.sha256, releaseId: target.id, binary: app.binary, reuse }), { hideKeyValues: true })).stdout);
          target.has = { public: out.get('has_pb_public') === 'yes', hooks: out.get('has_pb_hooks') === 'yes', migrations: out.get('has_pb_migrations') === 'yes' };
          target.migrations = (out.get('migrations') ?? '').split(',').filter(Boolean);
          target.snapshot = out.get('snapshot') === 'yes';
          return { note: `${reuse ? 'already unpacked' : 'unpacked'}; ${target.snapshot ? 'data snapshot taken' : 'no data yet'}` };
        },
      },
      {
        title: 'Write env, systemd unit and Caddy site (only what changed)',
        run: async (ctx) => {
          const { env, unit, site, hashes: h } = await appConfig(deps, app, appUser, target.has);
          hashes = h;
          // seed 001's config hashes: the server records what the last finished deploy wrote (any
          // config write clears it), so "unchanged" costs no round trip.
          if (serverHashes === hashes) return { skipped: true, note: 'unchanged since the last deploy (by hash)' };
          const res = await ctx.exec(ssh, configScript({ app: app.name, env, unit, site }));
          if (!/changed/.test(res.stdout.replace(/unchanged/g, ''))) return { skipped: true, note: 'all unchanged' };
        },
      },
      {
        title: 'Switch current to the new release, restart, and check /api/health',
        noCancel: true,
        run: async (ctx) => {
          const res = await ctx.exec(ssh, goLiveScript({ app: app.name, releaseId: target.id, port: app.port, healthTimeoutS: HEALTH_TIMEOUT_S }), { check: false });
          if (res.code !== 0) {
            const journal = await ctx.exec(ssh, `sudo -n /usr/local/sbin/skiff-root app-journal ${app.name} 30`, { check: false, quiet: true });
            ctx.warn(`last lines of the app's log:\n${journal.stdout.trim()}`);
            throw new SkiffError('HEALTH_CHECK_FAILED', { detail: res.stderr.trim().slice(-300) });
          }
        },
      },
      {
        title: 'Record the release, prune old ones, unlock',
        noCancel: true,
        run: async (ctx) => {
          const next: Manifest = { app: app.name, current: target.id, releases: [...manifest.releases.filter((r) => r.id !== target.id), target], updatedAt: new Date().toISOString() };
          next.releases = next.releases.filter((r) => releasesToKeep(next, app.keepReleases).includes(r.id));
          const password = app.superuserEmail ? await deps.apps.superuserPassword(app) : null;
          await ctx.exec(ssh, finishScript({
            app: app.name, binary: app.binary, manifest: JSON.stringify(next, null, 2), keep: next.releases.map((r) => r.id), jobId, configHashes: hashes,
            superuser: app.superuserEmail && password ? { email: app.superuserEmail, password } : undefined,
          }));
          lockHeld = false;
          deps.apps.recordReleases(appId, toReleaseInfo(next));
        },
      },
    ],
    recover: {
      title: 'Roll back to the previous release',
      run: async (ctx, failedAt) => {
        if (failedAt < GO_LIVE_STEP || !ssh) {
          ctx.log('the switch never happened: the running release was not touched');
          return;
        }
        if (!previous) {
          ctx.warn('there is no previous release to return to: stopping the app');
          await ctx.exec(ssh, `sudo -n /usr/local/sbin/skiff-root app-service stop ${app.name}`, { check: false });
          return;
        }
        return rollBackTo(ctx, ssh, app, appUser, previous, target);
      },
    },
    finally: async (ctx) => {
      // The job's own connection may be the one that died: unlock over the pool's current one.
      if (lockHeld) await ctx.exec(await deps.pool.get(app.serverId), unlockScript({ app: app.name, jobId }), { check: false });
    },
  };
}

/** Back to `to` after `from` failed: its data too when `from` brought migrations `to` lacks. */
export async function rollBackTo(ctx: StepContext, ssh: NodeSSH, app: App, appUser: string, to: ManifestRelease, from: ManifestRelease): Promise<{ status: 'rolled-back' }> {
  const newMigrations = from.migrations.filter((m) => !to.migrations.includes(m));
  if (newMigrations.length && from.snapshot) {
    ctx.log(`${from.id} brought migrations (${newMigrations.join(', ')}): restoring the data snapshot taken before it`);
    await ctx.exec(ssh, restoreSnapshotScript({ app: app.name, snapshotOf: from.id }));
  }
  await ctx.exec(ssh, configScript({ app: app.name, unit: unitFor(app, appUser, to.has), site: siteFor(app) }));
  const res = await ctx.exec(ssh, goLiveScript({ app: app.name, releaseId: to.id, port: app.port, healthTimeoutS: HEALTH_TIMEOUT_S }), { check: false });
  if (res.code !== 0) throw new SkiffError('HEALTH_CHECK_FAILED', { message: `The previous release ${to.id} did not come back healthy either.`, fix: 'Look at the app\'s log on the server (journalctl -u skiff-APP).' });
  ctx.log(`back on ${to.id}`);
  return { status: 'rolled-back' };
}
