// The remote scripts of a deploy and a rollback, rendered from typed inputs: each phase is one
// `bash -s` (one round trip), every value goes through the quoting helper, and each script prints
// `key=value` lines that parseKv reads back. Run as the app user; root only through the helper.
import { raw, sh, type ShellText } from '../quote';
import { appPaths } from '../templates/app';
import { PATHS } from '../templates/hardening';

/** A stale lock (a desktop that died mid-deploy) is taken over after this long. */
export const LOCK_STALE_S = 2 * 60 * 60;

export function parseKv(out: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of out.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0 && /^[a-z_]+$/.test(line.slice(0, i))) m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

const helper = (verb: string, ...args: (string | number)[]): ShellText => sh`sudo -n ${raw(PATHS.rootHelper)} ${verb} ${args}`;

/** Takes the app's remote lock (mkdir is atomic) and reports what the server has. */
export function stateScript(o: { app: string; sha256: string; jobId: string; holder: string }): string {
  const p = appPaths(o.app);
  return sh`ROOT=${p.root}; SHA=${o.sha256}
mkdir -p "$ROOT/releases" "$ROOT/shared/pb_data" "$ROOT/backups" "$ROOT/.skiff/uploads"
chmod 750 "$ROOT"
now=$(date +%s)
take_lock() { mkdir "$ROOT/.skiff/lock" 2>/dev/null && printf '%s %s %s\\n' ${o.jobId} "$now" ${o.holder} > "$ROOT/.skiff/lock/holder"; }
if take_lock; then echo lock=acquired
else
  read -r held_job held_at held_by < "$ROOT/.skiff/lock/holder" || true
  age=$(( now - held_at ))
  if [ "$age" -gt ${LOCK_STALE_S} ]; then rm -rf "$ROOT/.skiff/lock"; take_lock && echo lock=acquired-stale
  else echo "lock=held"; echo "lock_job=$held_job"; echo "lock_by=$held_by"; echo "lock_age=$age"; exit 0; fi
fi
echo "arch=$(uname -m)"
echo "free=$(df -P -B1 "$ROOT" | awk 'NR==2{print $4}')"
existing=""
for f in "$ROOT"/releases/*/.skiff-sha256; do [ -e "$f" ] && [ "$(cat "$f")" = "$SHA" ] && existing=$(basename "$(dirname "$f")"); done
echo "existing=$existing"
cur=$(readlink "$ROOT/current" 2>/dev/null || true); echo "current=$(basename "$cur" 2>/dev/null || true)"
echo "manifest=$(base64 -w0 "$ROOT/.skiff/manifest.json" 2>/dev/null || true)"
echo "hashes=$(cat "$ROOT/.skiff/config-hashes" 2>/dev/null || true)"
`.text;
}

/** Verifies the upload's sha256, unpacks it into releases/<id> (atomically, via a temp dir), reports its folders. */
export function unpackScript(o: { app: string; sha256: string; releaseId: string; binary: string; reuse: boolean }): string {
  const p = appPaths(o.app);
  const unpack = o.reuse ? '' : sh`part="$ROOT/.skiff/uploads/$SHA.zip.part"
( echo "$SHA  $part" | sha256sum -c --status ) & hash_pid=$!
rm -rf "$REL.tmp"; mkdir -p "$REL.tmp"
unzip -q "$part" -d "$REL.tmp"
if ! wait "$hash_pid"; then rm -rf "$REL.tmp" "$part"; echo "the uploaded file does not match the version's sha256" >&2; exit 3; fi
chmod 755 "$REL.tmp"/${o.binary}
printf '%s\\n' "$SHA" > "$REL.tmp/.skiff-sha256"
mv -T "$REL.tmp" "$REL"; rm -f "$part"
echo "verified sha256 and unpacked $(find "$REL" -type f | wc -l) files into releases/$(basename "$REL")"
`.text;
  return sh`ROOT=${p.root}; SHA=${o.sha256}; REL=${p.releases}/${o.releaseId}
${raw(unpack)}test -x "$REL"/${o.binary} || { echo "releases/$(basename "$REL") has no executable ${o.binary}" >&2; exit 3; }
for d in pb_public pb_hooks pb_migrations; do [ -d "$REL/$d" ] && echo "has_$d=yes"; done
echo "migrations=$(ls "$REL/pb_migrations" 2>/dev/null | tr '\\n' ',' )"
`.text;
}

/**
 * One round trip before the switch: the data snapshot runs in the background while the upload's
 * sha256 is checked and the zip unpacked side by side (two CPUs, three jobs, one wait).
 */
export function prepareScript(o: { app: string; sha256: string; releaseId: string; binary: string; reuse: boolean }): string {
  const p = appPaths(o.app);
  return sh`SNAPLOG=${p.meta}/snapshot.log
( ${raw(snapshotScript({ app: o.app, releaseId: o.releaseId }))} ) > "$SNAPLOG" 2>&1 &
snap_pid=$!
${raw(unpackScript(o))}
if ! wait "$snap_pid"; then cat "$SNAPLOG" >&2; echo "the data snapshot failed" >&2; exit 6; fi
cat "$SNAPLOG"
`.text;
}

/** A consistent copy of the app's data (SQLite online backup, then the rest) before the switch. */
export function snapshotScript(o: { app: string; releaseId: string }): string {
  const p = appPaths(o.app);
  return sh`DATA=${p.data}; OUT=${p.backups}/${o.releaseId}.tar.zst
if [ -z "$(ls -A "$DATA" 2>/dev/null)" ]; then echo "snapshot=none"; echo "no data yet: nothing to snapshot"; exit 0; fi
tmp=$(mktemp -d ${p.meta}/snap.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
tar -C "$DATA" --exclude='*.db' --exclude='*.db-wal' --exclude='*.db-shm' -cf - . | tar -C "$tmp" -xf -
for db in "$DATA"/*.db; do [ -e "$db" ] && sqlite3 "$db" ".backup '$tmp/$(basename "$db")'"; done
tar -C "$tmp" -cf - . | zstd -q -T0 -o "$OUT.part" && mv -f "$OUT.part" "$OUT"
echo "snapshot=yes"; echo "data snapshot: backups/$(basename "$OUT") ($(du -h "$OUT" | cut -f1))"
`.text;
}

/** Env file (app user's own; left alone when undefined), unit and site (through the helper), each only when it changed. */
export function configScript(o: { app: string; env?: string; unit: string; site?: string }): string {
  const p = appPaths(o.app);
  const site = o.site !== undefined ? sh`printf '%s' ${o.site} | ${helper('site-install', o.app)}`.text : `echo "site none (no domain)"`;
  const env = o.env !== undefined
    ? sh`if ! cmp -s <(printf '%s' ${o.env}) ${p.env} 2>/dev/null; then printf '%s' ${o.env} > ${p.env + '.tmp'} && mv -f ${p.env + '.tmp'} ${p.env}; echo "env changed"; else echo "env unchanged"; fi`.text
    : '';
  // Whatever happens next, the recorded hashes no longer describe the server until a deploy finishes.
  return sh`umask 077
rm -f ${p.meta + '/config-hashes'}
${raw(env)}
printf '%s' ${o.unit} | ${helper('unit-install', o.app)}
${raw(site)}
`.text;
}

/** Switch `current` atomically (symlink aside + rename), restart, and wait for /api/health. */
export function goLiveScript(o: { app: string; releaseId: string; port: number; healthTimeoutS: number }): string {
  const p = appPaths(o.app);
  return sh`cd ${p.root}
ln -sfn ${'releases/' + o.releaseId} .current.tmp && mv -T .current.tmp current
echo "current -> releases/${raw(o.releaseId)}"
${helper('app-service', 'restart', o.app)}
${raw(healthWait(o.port, o.healthTimeoutS))}
`.text;
}

export function healthWait(port: number, timeoutS: number): string {
  return sh`start=$(date +%s%N)
while :; do
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 ${`http://127.0.0.1:${port}/api/health`} || true)
  if [ "$code" = 200 ]; then echo "healthy: /api/health answered 200 after $(( ($(date +%s%N) - start) / 1000000 )) ms"; exit 0; fi
  if [ $(( ($(date +%s%N) - start) / 1000000000 )) -ge ${timeoutS} ]; then break; fi
  sleep 0.25
done
echo "unhealthy: /api/health answered \${code:-nothing} for ${timeoutS} s" >&2
exit 4`.text;
}

/** Superuser, manifest, pruning and unlock: the end of a successful deploy or rollback. */
export function finishScript(o: { app: string; binary: string; manifest: string; keep: string[]; superuser?: { email: string; password: string }; jobId: string; configHashes?: string }): string {
  const p = appPaths(o.app);
  const su = o.superuser
    ? sh`${p.current}/${o.binary} superuser upsert ${o.superuser.email} ${o.superuser.password} --dir=${p.data} | sed 's/^/superuser: /'`.text
    : 'true';
  return sh`ROOT=${p.root}
${raw(su)}
printf '%s' ${o.manifest} > "$ROOT/.skiff/manifest.json.tmp" && mv -f "$ROOT/.skiff/manifest.json.tmp" "$ROOT/.skiff/manifest.json"
${raw(o.configHashes ? sh`printf '%s' ${o.configHashes} > "$ROOT/.skiff/config-hashes"`.text : '')}
keep=(${o.keep})
for d in "$ROOT"/releases/*/; do
  [ -d "$d" ] || continue
  id=$(basename "$d"); kept=no
  for k in "\${keep[@]}"; do [ "$k" = "$id" ] && kept=yes; done
  if [ "$kept" = no ]; then rm -rf "$d" "$ROOT/backups/$id.tar.zst"; echo "pruned release $id"; fi
done
holder=$(cut -d' ' -f1 "$ROOT/.skiff/lock/holder" 2>/dev/null || true)
[ "$holder" = ${o.jobId} ] && rm -rf "$ROOT/.skiff/lock"
echo "released the lock"
`.text;
}

/** Releases the lock if this job holds it (failure paths). */
export function unlockScript(o: { app: string; jobId: string }): string {
  const p = appPaths(o.app);
  return sh`holder=$(cut -d' ' -f1 ${p.lock + '/holder'} 2>/dev/null || true)
if [ "$holder" = ${o.jobId} ]; then rm -rf ${p.lock}; echo "released the lock"; fi
`.text;
}

/** Puts a data snapshot back (service stopped first; the data it replaces is kept aside). */
export function restoreSnapshotScript(o: { app: string; snapshotOf: string }): string {
  const p = appPaths(o.app);
  return sh`SNAP=${p.backups}/${o.snapshotOf}.tar.zst; DATA=${p.data}
[ -e "$SNAP" ] || { echo "no data snapshot for release ${raw(o.snapshotOf)}" >&2; exit 5; }
${helper('app-service', 'stop', o.app)}
aside="$DATA.before-restore-$(date +%Y%m%d-%H%M%S)"
mv "$DATA" "$aside" && mkdir -p "$DATA"
zstd -q -d -c "$SNAP" | tar -C "$DATA" -xf -
echo "restored data from backups/$(basename "$SNAP") (previous data kept in $(basename "$aside"))"
`.text;
}
