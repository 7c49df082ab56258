// The root helper's backup schedule, in bash (docs/backups.md, "Schedules"). What the desktop
// sends for a target arrives on stdin as key=value lines; each key has its own pattern and
// anything else is refused. The target file (/etc/skiff/backup/APP.target, root 0600) keeps
// exactly those checked lines; secrets (restic's password, the S3 secret, the SFTP key) never
// appear in an argv: restic gets them through its environment and files under APP.d (0700).
// Written with `$\{` for bash's `${` (a JS template); build.ts turns it back.
import { ON_CALENDAR } from '../templates/backupSchedule';

/**
 * Keys a target may set: each with its ERE (no single quotes) and a length limit. The limits are
 * checked apart from the patterns: a bounded repetition like {4,16384} makes glibc's regex
 * compiler build an automaton that exhausts memory (the helper was OOM-killed on a CA certificate).
 */
export const TARGET_KEYS: Record<string, { re: string; max: number }> = {
  kind: { re: '^(s3|sftp)$', max: 4 },
  s3_url: { re: '^https?://[A-Za-z0-9.-]+(:[0-9]+)?/[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$', max: 400 },
  s3_key_id: { re: '^[A-Za-z0-9_+/=-]+$', max: 128 },
  s3_secret: { re: '^[A-Za-z0-9+/=]+$', max: 1024 },
  ca_cert: { re: '^[A-Za-z0-9+/=]+$', max: 22000 },
  sftp_host: { re: '^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$', max: 253 },
  sftp_port: { re: '^[0-9]+$', max: 5 },
  sftp_user: { re: '^[a-z_][a-z0-9_.-]*$', max: 32 },
  sftp_path: { re: '^/[A-Za-z0-9._/-]+$', max: 200 },
  sftp_key: { re: '^[A-Za-z0-9+/=]+$', max: 22000 },
  sftp_known_hosts: { re: '^[A-Za-z0-9+/=]+$', max: 22000 },
  password: { re: '^[A-Za-z0-9+/=]+$', max: 1400 },
  keep_last: { re: '^[0-9]+$', max: 4 },
  keep_daily: { re: '^[0-9]+$', max: 4 },
  keep_weekly: { re: '^[0-9]+$', max: 4 },
};

/** The same check in TypeScript (the helper's `target_line_ok`). */
export function targetValueOk(key: string, value: string): boolean {
  const k = TARGET_KEYS[key];
  return !!k && value.length > 0 && value.length <= k.max && new RegExp(k.re).test(value);
}

const calendarCase = Object.entries(ON_CALENDAR).map(([k, v]) => `    ${k}) printf '%s' '${v}' ;;`).join('\n');
const keyCase = Object.entries(TARGET_KEYS).map(([k, { re, max }]) => `    ${k}) re='${re}'; max=${max} ;;`).join('\n');

export const SCHEDULE_FUNCTIONS = String.raw`
SCHED=/etc/skiff/backup

schedule_calendar() {
  case "$1" in
${calendarCase}
  esac
}

# Checks one target line (key=value); prints nothing, dies naming the key (never the value).
target_line_ok() {
  local key=$\{1%%=*} value=$\{1#*=} re max
  [ "$key" != "$1" ] || die "a target line is not key=value"
  case "$key" in
${keyCase}
    *) die "unknown target setting: $key" ;;
  esac
  [ -n "$value" ] && [ "$\{#value}" -le "$max" ] && [[ "$value" =~ $re ]] || die "target setting $key is not valid (the value is not shown)"
}

# Reads a checked key=value file into variables T_<key> (nothing is sourced or evaluated).
read_target() {
  local line
  T_kind=''; T_s3_url=''; T_s3_key_id=''; T_s3_secret=''; T_ca_cert=''; T_sftp_host=''; T_sftp_port=22; T_sftp_user=''; T_sftp_path=''
  T_sftp_key=''; T_sftp_known_hosts=''; T_password=''; T_keep_last=7; T_keep_daily=7; T_keep_weekly=4
  [ -f "$1" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    [ -n "$line" ] || continue
    target_line_ok "$line"
    printf -v "T_$\{line%%=*}" '%s' "$\{line#*=}"
  done < "$1"
}

read_schedule() {
  local line key value
  S_binary=''; S_keep=''; S_every=''; S_drill=no
  [ -f "$SCHED/$1.conf" ] || die "$1 has no backup schedule on this server"
  while IFS='=' read -r key value; do
    case "$key" in
      binary) valid_binary "$value"; S_binary=$value ;;
      keep) valid_count "$value"; S_keep=$value ;;
      every) valid_every "$value"; S_every=$value ;;
      drill) valid_yesNo "$value"; S_drill=$value ;;
    esac
  done < "$SCHED/$1.conf"
}

verb_schedule_apply() {
  local app=$1 binary=$2 every=$3 keep=$4 drill=$5 tmp line n=0 d
  require_svc "$app" >/dev/null
  install -d -m 0700 -o root -g root "$SCHED"
  tmp=$(mktemp)
  while IFS= read -r line || [ -n "$line" ]; do
    [ -n "$line" ] || continue
    n=$((n + 1)); [ "$n" -le 40 ] || { rm -f "$tmp"; die "more than 40 target lines"; }
    target_line_ok "$line"
    printf '%s\n' "$line" >> "$tmp"
  done
  d="$SCHED/$app.d"
  rm -rf -- "$d"
  if [ -s "$tmp" ]; then
    read_target "$tmp"
    [ -n "$T_password" ] || { rm -f "$tmp"; die "a target needs a repository password"; }
    case "$T_kind" in
      s3) [ -n "$T_s3_url" ] && [ -n "$T_s3_key_id" ] && [ -n "$T_s3_secret" ] || { rm -f "$tmp"; die "an S3 target needs its URL, key id and secret"; } ;;
      sftp) [ -n "$T_sftp_host" ] && [ -n "$T_sftp_user" ] && [ -n "$T_sftp_path" ] && [ -n "$T_sftp_key" ] && [ -n "$T_sftp_known_hosts" ] || { rm -f "$tmp"; die "an SFTP target needs its host, user, path, key and host key"; } ;;
      *) rm -f "$tmp"; die "a target needs kind=s3 or kind=sftp" ;;
    esac
    install -d -m 0700 -o root -g root "$d"
    if [ -n "$T_ca_cert" ]; then printf '%s' "$T_ca_cert" | base64 -d > "$d/ca.pem"; fi
    if [ "$T_kind" = sftp ]; then
      (umask 077; printf '%s' "$T_sftp_key" | base64 -d > "$d/id"; printf '%s' "$T_sftp_known_hosts" | base64 -d > "$d/known_hosts")
    fi
    command -v restic >/dev/null || verb_apt_install restic >/dev/null
    echo "target: $T_kind"
  else
    echo "target: none (backups stay on this server)"
  fi
  echo "target file $(install_if_changed "$tmp" "$SCHED/$app.target" 0600)"
  printf 'binary=%s\nkeep=%s\nevery=%s\ndrill=%s\n' "$binary" "$keep" "$every" "$drill" > "$SCHED/$app.conf"
  chmod 0600 "$SCHED/$app.conf"
  tmp=$(mktemp); render backupService app="$app" > "$tmp"; install_if_changed "$tmp" "/etc/systemd/system/skiff-backup-$app.service" 0644 >/dev/null
  tmp=$(mktemp); render backupTimer app="$app" every="$every" calendar="$(schedule_calendar "$every")" > "$tmp"; install_if_changed "$tmp" "/etc/systemd/system/skiff-backup-$app.timer" 0644 >/dev/null
  systemctl daemon-reload
  systemctl enable --now --no-reload "skiff-backup-$app.timer" >/dev/null 2>&1
  echo "schedule: $every, keeping the last $keep scheduled backups on this server$([ "$drill" = yes ] && echo ', each verified by a restore drill')"
}

verb_schedule_remove() {
  local app=$1
  systemctl disable --now --no-reload "skiff-backup-$app.timer" >/dev/null 2>&1 || true
  rm -f "/etc/systemd/system/skiff-backup-$app.timer" "/etc/systemd/system/skiff-backup-$app.service" "$SCHED/$app.conf" "$SCHED/$app.target"
  record_removed "/etc/systemd/system/skiff-backup-$app.timer"; record_removed "/etc/systemd/system/skiff-backup-$app.service"; record_removed "$SCHED/$app.target"
  rm -rf -- "$SCHED/$app.d"
  systemctl daemon-reload
  echo "no backup schedule for $app any more (its backups stay)"
}

verb_schedule_status() {
  local app=$1 f="$BACKUPS/$1/.last-run" line
  if [ -f "$SCHED/$app.conf" ]; then
    read_schedule "$app"
    read_target "$SCHED/$app.target"
    echo "schedule=$S_every $S_keep $\{T_kind:-none}"
    echo "next=$(systemctl show -p NextElapseUSecRealtime --value "skiff-backup-$app.timer" 2>/dev/null || true)"
  else
    echo "schedule=none"
  fi
  if [ -f "$f" ]; then while IFS= read -r line; do echo "last_$line"; done < "$f"; fi
}

verb_schedule_run() {
  systemctl start "skiff-backup-$1.service" || true
  verb_schedule_status "$1"
}

# Sets restic's environment and options for the app's target (secrets via env and files, not argv).
restic_env() {
  local d="$SCHED/$1.d"
  export RESTIC_PASSWORD XDG_CACHE_HOME=/var/cache/skiff-restic HOME=/root
  RESTIC_PASSWORD=$(printf '%s' "$T_password" | base64 -d)
  RESTIC_OPTS=()
  if [ -f "$d/ca.pem" ]; then RESTIC_OPTS+=(--cacert "$d/ca.pem"); fi
  case "$T_kind" in
    s3)
      export AWS_ACCESS_KEY_ID="$T_s3_key_id" AWS_SECRET_ACCESS_KEY
      AWS_SECRET_ACCESS_KEY=$(printf '%s' "$T_s3_secret" | base64 -d)
      RESTIC_OPTS+=(-r "s3:$T_s3_url") ;;
    sftp)
      RESTIC_OPTS+=(-r "sftp:$T_sftp_user@$T_sftp_host:$T_sftp_path" -o "sftp.command=ssh -F /dev/null -i $d/id -p $T_sftp_port -o UserKnownHostsFile=$d/known_hosts -o StrictHostKeyChecking=yes -o BatchMode=yes -o IdentitiesOnly=yes $T_sftp_user@$T_sftp_host -s sftp") ;;
  esac
}

# Pushes backup ID of APP to the target (restic: encrypted, deduplicated), then applies retention
# there; prints added=<bytes restic stored>.
verb_backup_push() {
  local app=$1 id=$2 out added
  read_target "$SCHED/$app.target"
  [ -n "$T_kind" ] || die "$app has no off-server target"
  backup_of "$app" "$id" >/dev/null
  restic_env "$app"
  if ! restic "$\{RESTIC_OPTS[@]}" cat config >/dev/null 2>&1; then restic "$\{RESTIC_OPTS[@]}" init >/dev/null; fi
  # A stable path, so restic finds the previous snapshot as its parent.
  rm -rf -- "$BACKUPS/$app/.push"
  cp -al "$BACKUPS/$app/$id" "$BACKUPS/$app/.push"
  out=$(cd "$BACKUPS/$app/.push" && restic "$\{RESTIC_OPTS[@]}" backup --json --host "skiff-$app" --tag skiff --tag "app-$app" --tag "id-$id" .)
  rm -rf -- "$BACKUPS/$app/.push"
  added=$(printf '%s' "$out" | grep -o '"data_added":[0-9]*' | tail -n 1 | cut -d: -f2)
  [ -n "$added" ] || die "restic reported no summary for the push"
  restic "$\{RESTIC_OPTS[@]}" forget --host "skiff-$app" --tag "app-$app" --keep-last "$T_keep_last" --keep-daily "$T_keep_daily" --keep-weekly "$T_keep_weekly" --prune >/dev/null
  echo "added=$added"
}

# What the timer runs: a backup (kind scheduled), local retention, the push. Its outcome goes to
# BACKUPS/APP/.last-run for the desktop to read, and a failure also fails the unit. The backup and
# the push run as child processes of this helper: inside an "if", bash ignores "set -e" in
# functions, so a failure in the middle would go unnoticed.
verb_backup_scheduled() {
  local app=$1 id rc=0 err='' pushed=no added='' home old out drill=no detail=''
  read_schedule "$app"
  read_target "$SCHED/$app.target"
  home=$(backup_home "$app")
  id="$(date -u +%Y%m%d-%H%M%S)-$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"
  if ! "$0" backup-create "$app" "$id" scheduled "$S_binary" >/dev/null 2>"$home/.run.log"; then
    rc=1; err=$(grep 'skiff-root: ' "$home/.run.log" | tail -n 1 || true); err=$\{err:-$(tail -n 1 "$home/.run.log")}
  fi
  if [ "$rc" -eq 0 ]; then
    # Keep the newest N scheduled backups here; other kinds are the desktop's to prune.
    for old in $(grep -l '"kind": "scheduled"' "$home"/*/manifest.json 2>/dev/null | xargs -r -n1 dirname | sort -r | tail -n +"$((S_keep + 1))"); do
      rm -rf -- "$old"
    done
    if [ -n "$T_kind" ]; then
      if out=$("$0" backup-push "$app" "$id" 2>"$home/.push.log"); then
        pushed=yes; added=$(printf '%s' "$out" | grep -o 'added=[0-9]*' | cut -d= -f2)
      else
        pushed=failed; rc=1; err="the push to the $T_kind target failed: $(grep -v '^$' "$home/.push.log" | tail -n 1)"
      fi
    fi
    if [ "$S_drill" = yes ]; then
      if out=$("$0" backup-drill "$app" "$id" "$S_binary" 2>"$home/.drill.log"); then
        drill=ok; detail=$(printf '%s\n' "$out" | grep -E '^(health|collection)=' | tr '\n' ' ')
      else
        drill=failed; rc=1; detail=$(grep 'skiff-root: ' "$home/.drill.log" | tail -n 1 | sed 's/.*skiff-root: //'); err="the restore drill failed: $detail"
      fi
    fi
  fi
  {
    echo "at=$(date +%s)"
    if [ "$rc" -eq 0 ]; then echo "status=ok"; else echo "status=failed"; fi
    echo "backup=$id"
    echo "pushed=$pushed"
    echo "added=$\{added:-0}"
    echo "drill=$drill"
    echo "drill_detail=$(printf '%s' "$detail" | tr -cd '[:print:]' | cut -c1-500)"
    echo "error=$(printf '%s' "$err" | tr '\n' ' ' | sed 's/skiff-root: //g' | cut -c1-300)"
  } > "$home/.last-run.tmp"
  mv -f "$home/.last-run.tmp" "$home/.last-run"
  logger -t skiff-root "scheduled backup of $app: $([ "$rc" -eq 0 ] && echo ok || echo "failed: $err")"
  [ "$rc" -eq 0 ] || die "scheduled backup of $app failed: $err"
  echo "scheduled backup $id of $app done (pushed: $pushed)"
}

# The target's snapshots of the app (id-<backup id> tags), read-only.
verb_backup_remote_list() {
  local app=$1
  [ -f "$SCHED/$app.target" ] || return 0
  read_target "$SCHED/$app.target"
  [ -n "$T_kind" ] || return 0
  restic_env "$app"
  restic "$\{RESTIC_OPTS[@]}" snapshots --json --host "skiff-$app" --tag "app-$app" | grep -o '"id-[0-9]\{8\}-[0-9]\{6\}-[0-9a-f]\{6\}"' | tr -d '"' | sed 's/^id-/remote=/'
}
`;
