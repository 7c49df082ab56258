// The remote scripts of app jobs (deploy, rollback, delete, reconcile), run as the deploy user:
// one `bash -s` per phase, every value through `sh`, root only through `helperCall`. Each script
// prints `key=value` lines that readBack.ts checks before Skiff believes them.
import { sh, shellQuote, type ShellText } from '../quote';
import { helperCall } from '../helper/verbs';
import { withSecretLinesStatus, withSecretStdin } from './secretStdin';
import { healthWait } from './healthWait';
import { appPaths, PATHS } from '../paths';
import { assembleScript, pruneStoreScript, storeHold, storeMissingScript, storeQueryScript, takeAndAssembleScript, type StoreUpload } from './storeScripts';
import type { ReleaseEntry } from '../../versions/inspectZip';

/** The layout version app-init writes; an app folder without it is (re)initialised first. */
export const APP_LAYOUT_VERSION = '2';

export interface LockHolder {
  jobId: string;
  /** This desktop installation (a random id in the settings), so its own locks are recognised. */
  installation: string;
  /** user@host, for people. */
  who: string;
}

/**
 * Reports what the server has and takes the app's lock (mkdir is atomic): the helper's version,
 * the lock's holder when it is taken, the real `current`, the releases on disk, the manifest, the
 * recorded config hashes, the go-live guard, the CPU and free disk. An app folder of an older layout
 * (or none) is initialised first by the helper, when the helper is the one this Skiff expects.
 * `unchanged`: the version and config the job would put live; when they already serve (and nothing
 * else is in flight) the script says `noop=yes` and takes no lock, so a redeploy is this one trip.
 * Builtins wherever they do (read, parameter expansion, $EPOCHSECONDS): a process costs ~40 ms on
 * a slow server, and this runs before every app job.
 */
export function appStateScript(o: { app: string; helperVersion: string; holder: LockHolder; takeOver?: string; storeKeys?: readonly string[]; unchanged?: { sha256: string; hashes: string } }): ShellText {
  const p = appPaths(o.app);
  // Taking over: a lock of this desktop's job that no longer runs, or this job's own (re-reading).
  const note = o.takeOver === o.holder.jobId ? sh`:` : sh`echo "took over the lock left by job ${o.takeOver ?? ''}"`;
  const takeOver = o.takeOver
    ? sh`holder=; { read -r holder _ < ${p.lock + '/holder'}; } 2>/dev/null || true
if [ "$holder" = ${o.takeOver} ]; then rm -rf ${p.lock}; ${note}; fi`
    : sh`:`;
  const noop = o.unchanged
    ? sh`[ "$helper" = ${'skiff-root ' + o.helperVersion} ] && [ "$layout" = ${APP_LAYOUT_VERSION} ] && [ ! -d ${p.lock} ] && [ "$guard" = inactive ] && [ "$hashes" = ${o.unchanged.hashes} ] && [ -n "$current_sha" ] && [ "$current_sha" = ${o.unchanged.sha256} ]`
    : sh`false`;
  return sh`ROOT=${p.root}
umask 027
helper=; l=
{ read -r l; read -r l; } < ${PATHS.rootHelper} 2>/dev/null || true
case "$l" in '# skiff-root '*) helper=\${l#'# '} ;; esac
[ -n "$helper" ] || helper=$(${helperCall('version', [])} 2>/dev/null || true)
echo "helper=$helper"
if [ -s ${PATHS.helperSigners} ]; then echo signers=yes; else echo signers=no; fi
layout=; { read -r -n 20 layout < ${p.meta + '/layout'}; } 2>/dev/null || true
if [ "$helper" = ${'skiff-root ' + o.helperVersion} ] && [ "$layout" != ${APP_LAYOUT_VERSION} ]; then
  ${helperCall('app-init', [o.app])}
  printf '%s\n' ${APP_LAYOUT_VERSION} > ${p.meta}/layout
  layout=${APP_LAYOUT_VERSION}
fi
echo "layout=$layout"
current=$(readlink "$ROOT/current" 2>/dev/null || true)
current_sha=
if [ -n "$current" ]; then { read -r -n 64 current_sha < "$ROOT/$current/.skiff-sha256"; } 2>/dev/null || true; fi
hashes=; { read -r -n 200 hashes < ${p.meta + '/config-hashes'}; } 2>/dev/null || true
# A transient timer's unit file exists while systemd has it loaded (armed).
if [ -e ${`/run/systemd/transient/skiff-golive-${o.app}.timer`} ]; then guard=active; else guard=inactive; fi
noop=no
if ${noop}; then
  noop=yes
  echo noop=yes
  echo lock=skipped
else
now=$EPOCHSECONDS
${takeOver}
if [ ! -d ${p.meta} ]; then echo lock=none
elif mkdir ${p.lock} 2>/dev/null; then
  printf '%s %s %s %s\n' ${o.holder.jobId} "$now" ${o.holder.installation} ${o.holder.who} > ${p.lock}/holder
  echo lock=acquired
else
  echo lock=held
  echo "lock_holder=$(head -c 300 ${p.lock}/holder 2>/dev/null | head -n 1 || true)"
  echo "lock_now=$now"
fi
fi
arch=; { read -r arch < /proc/sys/kernel/arch; } 2>/dev/null || arch=$(uname -m)
echo "arch=$arch"
free=$(df -B1 --output=avail /opt/skiff 2>/dev/null || true)
echo "free=\${free##*[!0-9]}"
echo "current=$current"
for d in "$ROOT"/releases/*/; do
  [ -d "$d" ] || continue
  sha=-; { read -r -n 64 sha < "$d.skiff-sha256"; } 2>/dev/null || true
  d=\${d%/}
  echo "release=\${sha:--} \${d##*/}"
done
echo "manifest=$(base64 -w0 ${p.manifest} 2>/dev/null || true)"
echo "hashes=$hashes"
echo "guard=$guard"
reverted=; { read -r -n 200 reverted < ${p.meta + '/golive-reverted'}; } 2>/dev/null || true
echo "reverted=$reverted"
${o.storeKeys ? sh`if [ "$noop" = no ]; then
${storeQueryScript(o.storeKeys, o.holder.jobId)}
fi` : sh`:`}
`;
}

/**
 * A fleet's preflight of one app, read-only (no lock taken, nothing created): CPU, free disk, what
 * serves, whether another job holds the app's lock, and which of the version's files the server's
 * content store lacks.
 */
export function preflightScript(o: { app: string; storeKeys: readonly string[] }): ShellText {
  const p = appPaths(o.app);
  return sh`echo "arch=$(uname -m)"
echo "free=$(df -P -B1 /opt/skiff 2>/dev/null | awk 'NR==2{print $4}')"
echo "current=$(readlink ${p.current} 2>/dev/null || true)"
if [ -d ${p.lock} ]; then echo lock=held; echo "lock_holder=$(head -c 300 ${p.lock + '/holder'} 2>/dev/null | head -n 1 || true)"; else echo lock=free; fi
${storeMissingScript(o.storeKeys)}`;
}

export interface UnpackInput {
  app: string;
  /** The job: its hold on the store files it counts on (storeQueryScript) ends once the release is built. */
  jobId: string;
  sha256: string;
  releaseId: string;
  binary: string;
  /** The release's entries by content: it is built from the server's content store. */
  entries: readonly ReleaseEntry[];
  /** What this job uploaded into the store (none when the store had every file). */
  upload?: StoreUpload;
  /** The release is already on the server (same sha256): only the snapshot is taken. */
  reuse: boolean;
  /** Take a data snapshot named after the release (before it goes live). */
  snapshot: boolean;
  /** Env file, unit and site, in the same trip, when their inputs changed. */
  config?: AppConfigInput;
}

/**
 * Takes this job's upload into the content store (checked file by file) and builds releases/<id>
 * from the store as hard links, through a temp folder removed on any failure. The data snapshot
 * runs beside it (as the service user, through the helper), so both cost one round trip.
 */
export function unpackScript(o: UnpackInput): ShellText {
  const p = appPaths(o.app);
  const rel = `${p.releases}/${o.releaseId}`;
  const snap = `${p.backups}/${o.releaseId}.tar.zst`;
  const snapshot = o.snapshot
    ? sh`( ${helperCall('data-snapshot', [o.app])} > ${snap + '.part'} ) 2> ${p.meta + '/snapshot.log'} &
snap_pid=$!`
    : sh`snap_pid=`;
  const tmp = `${rel}.tmp`;
  const build = o.upload
    ? takeAndAssembleScript({ upload: o.upload, dest: tmp, entries: o.entries })
    : sh`echo "every file is in the server's store already"
trap ${`rm -rf ${shellQuote(tmp)}`} EXIT
${assembleScript({ dest: tmp, entries: o.entries })}`;
  const unpack = o.reuse
    ? sh`echo "releases/${o.releaseId} is already on the server"`
    : sh`rm -rf ${tmp}
${build}
printf '%s\n' ${o.sha256} > ${tmp + '/.skiff-sha256'}
mv -T ${tmp} ${rel}
trap - EXIT
echo "built releases/${o.releaseId} from the store"`;
  const waitSnapshot = o.snapshot
    ? sh`if ! wait "$snap_pid"; then cat ${p.meta + '/snapshot.log'} >&2; rm -f ${snap + '.part'}; echo "the data snapshot failed" >&2; exit 6; fi
if [ -s ${snap + '.part'} ]; then mv -f ${snap + '.part'} ${snap}; echo snapshot=yes; echo "data snapshot: backups/${o.releaseId}.tar.zst ($(du -h ${snap} | cut -f1))"; else rm -f ${snap + '.part'}; echo snapshot=none; echo "no data yet: nothing to snapshot"; fi`
    : sh`echo snapshot=skipped`;
  return sh`umask 027
${snapshot}
${unpack}
rm -rf ${storeHold(o.jobId)}
test -x ${rel + '/' + o.binary} || { echo "releases/${o.releaseId} has no executable ${o.binary}" >&2; exit 3; }
for m in ${rel}/pb_migrations/*; do [ -f "$m" ] && echo "migration=$(basename "$m")"; done
${waitSnapshot}
${o.config ? configScript({ ...o.config, meta: p.meta }) : sh`:`}
`;
}

export interface AppConfigInput {
  app: string;
  port: number;
  binary: string;
  /** Env file lines (secrets included): sent on stdin of the helper, never in an argv. */
  env: string;
  site?: { domain: string; tls: 'auto' | 'internal' | 'off'; maxBodyMb: number };
}

/** Env file, unit and site through the helper, which renders them and writes only what changed. */
export function configScript(o: AppConfigInput & { meta: string }): ShellText {
  const site = o.site ? helperCall('app-site', [o.app, o.site.domain, o.port, o.site.tls, o.site.maxBodyMb]) : helperCall('app-site-remove', [o.app]);
  // Whatever happens next, the recorded hashes no longer describe the server until a job finishes.
  return sh`rm -f ${o.meta + '/config-hashes'}
${withSecretStdin(o.env, helperCall('app-env', [o.app]))}
${helperCall('app-unit', [o.app, o.port, o.binary])}
${site}
`;
}

export interface GoLiveInput {
  app: string;
  deployUser: string;
  releaseId: string;
  /** What to go back to if the new release is not confirmed in time. */
  previous: string | 'none';
  /** The snapshot to put back with it (when the new release brought migrations), or none. */
  restoreSnapshot: string | 'none';
  /** A rollback "with its data": this release's snapshot is restored before the switch. */
  restoreBefore?: string;
  port: number;
  healthTimeoutS: number;
  guardS: number;
  /** After a healthy start: the manifest to record, the config hashes, the releases to keep. */
  record: { manifest: string; configHashes: string; keep: string[] };
  /** Then, in the same trip: the PocketBase superuser (a failure exits 7, the release stays live). */
  superuser?: { binary: string; email: string; password: string };
  /** And the job's lock, released last (the deploy's third and last trip). */
  unlockJob?: string;
}

/**
 * The point of no return, in one helper call: it arms the server's go-live guard (a timer that
 * switches back by itself unless confirmed: a desktop that dies here never leaves the app down),
 * switches `current` atomically as the deploy user, restarts, waits for /api/health and disarms.
 * Healthy: the release is recorded and old ones pruned in the same round trip. Unhealthy: exit 4,
 * the guard stays armed until the desktop rolls back.
 */
export function goLiveScript(o: GoLiveInput): ShellText {
  const p = appPaths(o.app);
  const restore = o.restoreBefore ? restoreDataScript(o.app, o.restoreBefore) : sh`:`;
  return sh`cd ${p.root}
${restore}
rm -f .skiff/golive-reverted
${helperCall('golive', [o.app, o.deployUser, o.releaseId, o.previous, o.restoreSnapshot, o.guardS, o.port, o.healthTimeoutS])}
${recordScript({ app: o.app, ...o.record })}
skiff_rc=0
${o.superuser ? withSecretLinesStatus([o.superuser.email, o.superuser.password], helperCall('superuser-apply', [o.app, o.superuser.binary])) : sh`:`}
${o.unlockJob ? unlockScript({ app: o.app, jobId: o.unlockJob }) : sh`:`}
if [ "$skiff_rc" -ne 0 ]; then echo "the superuser could not be set (exit $skiff_rc)" >&2; exit 7; fi
`;
}

/** Writes the manifest and config hashes, and prunes releases (and their snapshots) not kept. */
/** Replaces the app's manifest.json atomically. */
export function writeManifestScript(o: { app: string; manifest: string }): ShellText {
  const p = appPaths(o.app);
  return sh`printf '%s' ${o.manifest} > ${p.manifest + '.tmp'} && mv -f ${p.manifest + '.tmp'} ${p.manifest}`;
}

export function recordScript(o: { app: string; manifest: string; configHashes: string; keep: string[] }): ShellText {
  const p = appPaths(o.app);
  return sh`${writeManifestScript(o)}
printf '%s' ${o.configHashes} > ${p.meta + '/config-hashes'}
keep=(${o.keep})
for d in ${p.releases}/*/; do
  [ -d "$d" ] || continue
  id=\${d%/}; id=\${id##*/}; kept=no
  for k in "\${keep[@]}"; do if [ "$k" = "$id" ]; then kept=yes; fi; done
  if [ "$kept" = no ]; then rm -rf -- "$d" ${p.backups}/"$id".tar.zst; echo "pruned release $id"; fi
done
${pruneStoreScript()}`;
}

/** Puts back the data snapshot taken just before `snapshotOf` went live (the helper stops the app first). */
function restoreDataScript(app: string, snapshotOf: string): ShellText {
  const file = `${appPaths(app).backups}/${snapshotOf}.tar.zst`;
  return sh`[ -e ${file} ] || { echo "there is no data snapshot taken before ${snapshotOf}" >&2; exit 5; }
echo "restoring data from backups/${snapshotOf}.tar.zst (taken just before ${snapshotOf} went live)"
${helperCall('data-restore', [app])} < ${file}`;
}

/** Back to a kept release (the desktop's own rollback): guard off, data if asked, switch, restart, health. */
export function rollBackScript(o: { app: string; to: string; restoreSnapshot?: string; port: number; healthTimeoutS: number }): ShellText {
  const p = appPaths(o.app);
  const restore = o.restoreSnapshot ? restoreDataScript(o.app, o.restoreSnapshot) : sh`:`;
  return sh`cd ${p.root}
${helperCall('golive-confirm', [o.app])} >/dev/null
${restore}
[ -d ${'releases/' + o.to} ] || { echo "releases/${o.to} is gone" >&2; exit 5; }
ln -sfn ${'releases/' + o.to} .current.tmp && mv -T .current.tmp current
echo "current -> releases/${o.to}"
${helperCall('app-service', ['restart', o.app])}
${healthWait(o.app, o.port, o.healthTimeoutS)}
`;
}

/** Stops the app (nothing healthy to go back to). */
export function stopAppScript(app: string): ShellText {
  return sh`${helperCall('golive-confirm', [app])} >/dev/null
${helperCall('app-service', ['stop', app])}`;
}

/** Releases the lock if this job holds it. */
export function unlockScript(o: { app: string; jobId: string }): ShellText {
  const p = appPaths(o.app);
  return sh`if [ "$(cut -d' ' -f1 ${p.lock + '/holder'} 2>/dev/null || true)" = ${o.jobId} ]; then rm -rf ${p.lock}; echo "released the lock"; fi`;
}

/** Breaks whatever lock the app has (the user's explicit "break lock"). */
export function breakLockScript(app: string): ShellText {
  const p = appPaths(app);
  return sh`if [ -d ${p.lock} ]; then echo "lock_holder=$(head -c 300 ${p.lock}/holder 2>/dev/null | head -n 1 || true)"; rm -rf ${p.lock}; echo broke=yes; else echo broke=no; fi`;
}

/** Removes everything of the app (unit, site, env, folder, service user) through the helper. */
export function removeAppScript(app: string): ShellText {
  return helperCall('app-remove', [app]);
}

/**
 * An app of the old layout (running as the deploy user) onto its own service user in one round
 * trip: folders and data handed over, env file, unit and site rendered by the helper, then one
 * restart and the health check. The old process keeps serving until that restart.
 */
export function migrateAppScript(o: AppConfigInput & { configHashes: string; healthTimeoutS: number }): ShellText {
  const p = appPaths(o.app);
  return sh`${helperCall('app-init', [o.app])}
printf '%s\\n' ${APP_LAYOUT_VERSION} > ${p.meta}/layout
${configScript({ ...o, meta: p.meta })}
${helperCall('app-service', ['restart', o.app])}
${healthWait(o.app, o.port, o.healthTimeoutS)}
printf '%s' ${o.configHashes} > ${p.meta + '/config-hashes'}`;
}

/** The app's manifest, read back (readBack.ts checks it). */
export function manifestScript(app: string): ShellText {
  return sh`echo "manifest=$(base64 -w0 ${appPaths(app).manifest} 2>/dev/null || true)"`;
}
