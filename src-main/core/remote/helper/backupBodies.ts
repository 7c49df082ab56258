// The root helper's backup verbs, in bash (docs/backups.md). A backup on a server is a folder
// /var/lib/skiff/backups/APP/ID (root, 0700) holding manifest.json and compressed parts:
//   data/NAME.db.zst        each SQLite database of pb_data, through SQLite's online backup
//   data/files.tar.zst      the rest of pb_data (stored files), without PocketBase's own backups
//   release/pb_hooks.tar.zst, release/pb_migrations.tar.zst   from the release that served
// The service user reads its data and release and hands streams to root, which writes only its
// own folder. A backup that arrives from elsewhere (`backup-receive`) is hostile until
// `backup_verify` has checked every part against the manifest; unpacking into pb_data runs as the
// service user. Written with `$\{` for bash's `${` (a JS template); build.ts turns it back.

/** One part line of manifest.json as the helper writes it and as it reads it back. */
export const MANIFEST_PART_RE = '^    \\{"name": "([^"]+)", "bytes": ([0-9]+), "sha256": "([0-9a-f]{64})"\\},?$';
/** The names a part may have: anything else in a backup is refused. */
export const BACKUP_PART_RE = '^(data/[A-Za-z0-9_-]{1,64}\\.db\\.zst|data/files\\.tar\\.zst|release/pb_hooks\\.tar\\.zst|release/pb_migrations\\.tar\\.zst)$';
export const BACKUP_FORMAT = 'skiff-backup/1';

export const BACKUP_FUNCTIONS = String.raw`
BACKUPS=$STATE/backups
BACKUP_PART_RE='${BACKUP_PART_RE}'
MANIFEST_PART_RE='${MANIFEST_PART_RE}'

backup_home() { install -d -m 0700 -o root -g root "$STATE" "$BACKUPS" "$BACKUPS/$1"; printf '%s' "$BACKUPS/$1"; }
backup_of() {
  local d="$BACKUPS/$1/$2"
  [ -d "$d" ] && [ ! -L "$d" ] || die "there is no backup $2 of $1 on this server"
  printf '%s' "$d"
}

# Dies unless FOLDER has at least BYTES free.
need_space() {
  local avail; avail=$(df -B1 --output=avail "$1" | tail -n 1 | tr -d ' ')
  [ "$avail" -ge "$2" ] || die "not enough free disk: this needs about $(( $2 / 1048576 )) MB in $1 and $(( avail / 1048576 )) MB are free. Free some space (old backups or releases) and try again"
}

# The x.y.z PocketBase version a binary reports, run as the service user (or "unknown").
pb_version_of() {
  local out re='([0-9]+\.[0-9]+\.[0-9]+[A-Za-z0-9.+-]*)'
  [ -f "$2" ] || { printf unknown; return 0; }
  out=$(cd / && as_user "$1" "$2" --version 2>/dev/null | head -n 1) || true
  if [[ "$out" =~ $re ]]; then printf '%s' "$\{BASH_REMATCH[1]}"; else printf unknown; fi
}

# The release current points at, checked (or "none").
current_release() {
  local rel re='^releases/([0-9]{8}-[0-9]{6}-[0-9a-f]{8})$'
  rel=$(readlink "$APPS/$1/current" 2>/dev/null || true)
  if [[ "$rel" =~ $re ]]; then printf '%s' "$\{BASH_REMATCH[1]}"; else printf none; fi
}

# Checks a backup folder: a Skiff manifest, every part it lists present with its size and sha256,
# and nothing else. Prints nothing; dies naming the first problem.
backup_verify() {
  local d=$1 line n b s listed=0 found
  [ -f "$d/manifest.json" ] && [ ! -L "$d/manifest.json" ] || die "the backup has no manifest.json: it is not a Skiff backup"
  grep -qx '  "format": "${BACKUP_FORMAT}",' "$d/manifest.json" || die "the backup's manifest is not of format ${BACKUP_FORMAT}"
  while IFS= read -r line; do
    [[ "$line" =~ $MANIFEST_PART_RE ]] || continue
    n=$\{BASH_REMATCH[1]}; b=$\{BASH_REMATCH[2]}; s=$\{BASH_REMATCH[3]}
    [[ "$n" =~ $BACKUP_PART_RE ]] || die "the manifest lists $n, which is not a part of a Skiff backup"
    [ -f "$d/$n" ] && [ ! -L "$d/$n" ] || die "part $n is missing: the backup is damaged"
    [ "$(stat -c %s "$d/$n")" = "$b" ] || die "part $n has the wrong size: the backup is damaged"
    [ "$(sha256sum < "$d/$n" | cut -c1-64)" = "$s" ] || die "part $n does not match its sha256: the backup is damaged"
    listed=$((listed + 1))
  done < "$d/manifest.json"
  found=$(cd "$d" && find . -mindepth 1 ! -type d ! -path ./manifest.json | wc -l)
  [ "$found" -eq "$listed" ] || die "the backup holds files its manifest does not list"
}

# Unpacks backup folder D into pb_data folder TARGET as service user SVC.
backup_unpack() {
  local d=$1 svc=$2 target=$3 p n
  if [ -f "$d/data/files.tar.zst" ]; then
    zstd -q -d -c < "$d/data/files.tar.zst" | as_user "$svc" tar -C "$target" -xf - --no-same-owner --no-same-permissions || return 1
  fi
  for p in "$d"/data/*.db.zst; do
    [ -e "$p" ] || continue
    n=$(basename "$p" .zst)
    rm -f "$target/$n-wal" "$target/$n-shm"
    zstd -q -d -c < "$p" | as_user "$svc" bash -c 'umask 077; cat > "$1"' unpack "$target/$n" || return 1
  done
}

verb_backup_create() {
  local app=$1 id=$2 kind=$3 binary=$4 svc home work data rel pbv size db d p sep=''
  svc=$(require_svc "$app")
  data="$APPS/$app/shared/pb_data"
  [ -d "$data" ] || die "$app has no data folder yet: deploy it first"
  home=$(backup_home "$app")
  [ ! -e "$home/$id" ] || die "backup $id of $app exists already"
  size=$(du -sb --exclude=./backups -- "$data" | cut -f1)
  # Room for the compressed parts and one database copy at a time.
  need_space "$home" $(( size + 64 * 1048576 ))
  work="$home/.$id.part"
  rm -rf -- "$work"
  install -d -m 0700 "$work" "$work/data" "$work/release"
  trap "$(printf 'rm -rf -- %q' "$work")" EXIT
  rel=$(current_release "$app")
  if [ "$rel" = none ]; then pbv=unknown; else pbv=$(pb_version_of "$svc" "$APPS/$app/releases/$rel/$binary"); fi
  cd /
  for db in $(as_user "$svc" bash -c 'cd -- "$1" && for f in *.db; do if [ -f "$f" ]; then printf "%s\n" "$f"; fi; done' list "$data"); do
    [[ "$db" =~ ^[A-Za-z0-9_-]{1,64}\.db$ ]] || { echo "skipped $db: not a database name Skiff backs up" >&2; continue; }
    # --rsyncable: a small change to a database changes little of its compressed part, so an
    # off-server copy (restic) sends little more than the change.
    as_user "$svc" bash -c "$BACKUP_DB_AS_SERVICE" db "$data/$db" | nice -n 10 zstd -q -3 -T0 --rsyncable -c > "$work/data/$db.zst"
    echo "  $db: $(stat -c %s "$work/data/$db.zst") bytes compressed"
  done
  as_user "$svc" bash -c "$BACKUP_FILES_AS_SERVICE" files "$data" | nice -n 10 zstd -q -3 -T0 -c > "$work/data/files.tar.zst"
  if [ "$rel" != none ]; then
    for d in pb_hooks pb_migrations; do
      if as_user "$svc" test -d "$APPS/$app/releases/$rel/$d"; then
        as_user "$svc" tar -C "$APPS/$app/releases/$rel" -cf - "$d" | zstd -q -3 -c > "$work/release/$d.tar.zst"
      fi
    done
  fi
  {
    printf '{\n  "format": "${BACKUP_FORMAT}",\n  "app": "%s",\n  "id": "%s",\n  "kind": "%s",\n' "$app" "$id" "$kind"
    printf '  "created": "%s",\n  "release": "%s",\n  "pocketbase": "%s",\n  "dataBytes": %s,\n  "parts": [\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$rel" "$pbv" "$size"
    for p in $(cd "$work" && find data release -type f | sort); do
      printf '%s    {"name": "%s", "bytes": %s, "sha256": "%s"}' "$sep" "$p" "$(stat -c %s "$work/$p")" "$(sha256sum < "$work/$p" | cut -c1-64)"
      sep=$',\n'
    done
    printf '\n  ]\n}\n'
  } > "$work/manifest.json"
  backup_verify "$work"
  mv -T "$work" "$home/$id"
  trap - EXIT
  echo "backup=$id"
  echo "manifest=$(base64 -w0 "$home/$id/manifest.json")"
}

# The backup as one deterministic tar (manifest first) on stdout: the desktop checks every part
# against the manifest as it arrives.
verb_backup_read() {
  local d; d=$(backup_of "$1" "$2")
  cd "$d"
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --mode=u=rwX,go= --format=ustar -cf - manifest.json data release
}

verb_backup_list() {
  local app=$1 d
  [ -d "$BACKUPS/$app" ] || return 0
  for d in "$BACKUPS/$app"/*/; do
    d=$\{d%/}
    [ -f "$d/manifest.json" ] || continue
    echo "backup=$(basename "$d") $(du -sb "$d" | cut -f1) $(base64 -w0 "$d/manifest.json")"
  done
}

verb_backup_delete() {
  local d; d=$(backup_of "$1" "$2")
  rm -rf -- "$d"
  echo "deleted backup $2 of $1 from the server"
}

# Takes a backup tar on stdin (from the desktop), checks its members and parts, and keeps it.
verb_backup_receive() {
  local app=$1 id=$2 home in work names n
  home=$(backup_home "$app")
  in="$home/.$id.incoming"; work="$home/.$id.part"
  if [ -e "$home/$id" ]; then
    cat > /dev/null
    backup_verify "$home/$id"
    echo "backup $id is on the server already"
    return 0
  fi
  trap "$(printf 'rm -rf -- %q %q' "$in" "$work")" EXIT
  cat > "$in" || die "the backup could not be written on the server (is the disk full?)"
  names=$(tar -tf "$in" 2>/dev/null) || die "the backup is not a readable tar archive: it is damaged"
  while IFS= read -r n; do
    case "$n" in manifest.json | data/ | release/) ;; *) [[ "$n" =~ $BACKUP_PART_RE ]] || die "the backup holds $n, which is not a part of a Skiff backup" ;; esac
  done <<< "$names"
  [ -z "$(sort <<< "$names" | uniq -d)" ] || die "the backup names a file twice"
  if tar -tvf "$in" | cut -c1 | grep -qv '^[-d]$'; then die "the backup holds something that is not a plain file (a link or a device)"; fi
  install -d -m 0700 "$work"
  tar -C "$work" -xf "$in" --no-same-owner --no-same-permissions
  install -d -m 0700 "$work/data" "$work/release"
  backup_verify "$work"
  rm -f -- "$in"
  mv -T "$work" "$home/$id"
  trap - EXIT
  echo "received backup $id: every part matches its manifest"
}

# Read-only: checks a backup and says what the app would run it with.
verb_backup_check() {
  local app=$1 id=$2 binary=$3 rel=$4 d svc
  d=$(backup_of "$app" "$id")
  backup_verify "$d"
  svc=$(require_svc "$app")
  [ "$rel" != none ] || rel=$(current_release "$app")
  echo "manifest=$(base64 -w0 "$d/manifest.json")"
  echo "target_release=$rel"
  if [ "$rel" = none ]; then echo "target_pocketbase=unknown"; else echo "target_pocketbase=$(pb_version_of "$svc" "$APPS/$app/releases/$rel/$binary")"; fi
}

# Stops the app and swaps the backup in for pb_data; the data it replaces waits in
# shared/pb_data.replaced until backup-restore-done (healthy) or backup-restore-undo (not).
verb_backup_restore() {
  local app=$1 id=$2 svc d
  svc=$(require_svc "$app")
  d=$(backup_of "$app" "$id")
  backup_verify "$d"
  enter "$APPS/$app/shared" root
  [ ! -e pb_data.replaced ] || die "an earlier restore of $app did not finish (shared/pb_data.replaced is still there): Skiff undoes it first"
  systemctl stop "skiff-$app.service"
  if [ -d pb_data ]; then mv -T pb_data pb_data.replaced; fi
  install -d -m 0700 -o "$svc" -g "$svc" pb_data
  if ! backup_unpack "$d" "$svc" "$APPS/$app/shared/pb_data"; then
    rm -rf -- pb_data
    if [ -d pb_data.replaced ]; then mv -T pb_data.replaced pb_data; fi
    die "backup $id could not be unpacked; the data is as it was (the app is stopped)"
  fi
  echo "restored backup $id into $app's pb_data; the data it replaced waits in shared/pb_data.replaced"
}

verb_backup_restore_undo() {
  enter "$APPS/$1/shared" root
  [ -d pb_data.replaced ] || { echo "no replaced data to put back"; return 0; }
  systemctl stop "skiff-$1.service"
  rm -rf -- pb_data
  mv -T pb_data.replaced pb_data
  echo "put $1's previous data back"
}

verb_backup_restore_done() {
  enter "$APPS/$1/shared" root
  rm -rf -- pb_data.replaced
  echo "the restored data serves: dropped the data it replaced"
}

free_port() {
  local p
  for p in $(shuf -i 20000-29999 -n 30); do
    if [ -z "$(ss -ltnH "sport = :$p")" ]; then printf '%s' "$p"; return 0; fi
  done
  die "no free loopback port for the drill"
}

# The restore drill: unpack into a scratch folder, check each database's integrity, run the
# release's binary on it on a loopback port (no hooks, no migrations: nothing it could send),
# ask /api/health, count the records of each collection, and clean up.
verb_backup_drill() {
  local app=$1 id=$2 binary=$3 svc d rel bin scratch port pid code start db name n re='"release": "([0-9]{8}-[0-9]{6}-[0-9a-f]{8})"'
  svc=$(require_svc "$app")
  d=$(backup_of "$app" "$id")
  backup_verify "$d"
  echo "every part matches the manifest"
  rel=none
  if [[ "$(cat "$d/manifest.json")" =~ $re ]] && [ -d "$APPS/$app/releases/$\{BASH_REMATCH[1]}" ]; then rel=$\{BASH_REMATCH[1]}; fi
  [ "$rel" != none ] || rel=$(current_release "$app")
  [ "$rel" != none ] || die "$app has no release on this server to run the drill with"
  bin="$APPS/$app/releases/$rel/$binary"
  echo "release=$rel"
  # The scratch folder stays root's (its log too); only the data and an empty folder are the app's.
  scratch=$(mktemp -d /var/tmp/skiff-drill.XXXXXX)
  chmod 0711 "$scratch"
  # Globals, not locals: the EXIT trap runs after this function has returned.
  DRILL_SCRATCH=$scratch; DRILL_PID=''
  trap 'drill_cleanup' EXIT
  install -d -m 0700 -o "$svc" -g "$svc" "$scratch/pb_data" "$scratch/empty"
  backup_unpack "$d" "$svc" "$scratch/pb_data" || die "the backup could not be unpacked"
  cd /
  for db in "$scratch"/pb_data/*.db; do
    [ -e "$db" ] || continue
    n=$(as_user "$svc" sqlite3 "$db" 'PRAGMA integrity_check' 2>&1 | head -n 1 || true)
    [ "$n" = ok ] || die "$(basename "$db") fails SQLite's integrity check: $n"
    echo "integrity=$(basename "$db") ok"
  done
  port=$(free_port)
  as_user "$svc" "$bin" serve --http="127.0.0.1:$port" --dir="$scratch/pb_data" --hooksDir="$scratch/empty" --migrationsDir="$scratch/empty" --publicDir="$scratch/empty" --automigrate=false --hooksWatch=false > "$scratch/serve.log" 2>&1 &
  pid=$!; DRILL_PID=$pid
  start=$(date +%s%N)
  while :; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/api/health" || true)
    [ "$code" = 200 ] && break
    if ! kill -0 "$pid" 2>/dev/null || [ $(( ($(date +%s%N) - start) / 1000000000 )) -ge 30 ]; then
      echo "the release's binary said:" >&2; tail -n 20 "$scratch/serve.log" >&2 || true
      die "the restored data did not come up healthy: /api/health answered $\{code:-nothing}"
    fi
    sleep 0.25
  done
  echo "health=200 after $(( ($(date +%s%N) - start) / 1000000 )) ms"
  if as_user "$svc" sqlite3 "$scratch/pb_data/data.db" "SELECT 1 FROM sqlite_master WHERE name='_collections'" 2>/dev/null | grep -q 1; then
    while IFS= read -r name; do
      [[ "$name" =~ ^[A-Za-z0-9_]{1,100}$ ]] || { echo "skipped a collection with an odd name" >&2; continue; }
      n=$(as_user "$svc" sqlite3 "$scratch/pb_data/data.db" "SELECT count(*) FROM \"$name\"" 2>/dev/null || echo '?')
      echo "collection=$name $n"
    done < <(as_user "$svc" sqlite3 "$scratch/pb_data/data.db" "SELECT name FROM _collections WHERE type <> 'view' ORDER BY name")
  fi
  drill_cleanup
  trap - EXIT
  echo "drill=ok"
}

drill_cleanup() {
  if [ -n "$\{DRILL_PID:-}" ]; then kill "$DRILL_PID" 2>/dev/null || true; wait "$DRILL_PID" 2>/dev/null || true; fi
  if [ -n "$\{DRILL_SCRATCH:-}" ]; then rm -rf -- "$DRILL_SCRATCH"; fi
  DRILL_PID=''; DRILL_SCRATCH=''
}
`;

/** Runs as the service user: prints a consistent copy of one SQLite database (its online backup). */
export const BACKUP_DB_AS_SERVICE = String.raw`set -euo pipefail
t=$(mktemp -p /var/tmp skiff-backup.XXXXXX)
trap 'rm -f "$t"' EXIT
sqlite3 -bail -cmd '.timeout 10000' "$1" ".backup '$t'"
cat -- "$t"
`;

/** Runs as the service user: prints a tar of pb_data without its databases and PocketBase's own backups. */
export const BACKUP_FILES_AS_SERVICE = String.raw`set -uo pipefail
cd -- "$1" || exit 1
# A file PocketBase writes while tar reads it is not an error (exit 1): its next backup has it.
tar --warning=no-file-changed --exclude='./*.db' --exclude='./*.db-wal' --exclude='./*.db-shm' --exclude='./*.db-journal' --exclude=./backups -cf - .
rc=$?
[ "$rc" -le 1 ]
`;
