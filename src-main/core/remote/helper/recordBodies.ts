// The helper's memory of what it did (docs/drift.md): the record of every file it writes, the
// audit trail of every verb that changes something, and the read-only drift check that compares
// the server with both. All of it lives in /var/lib/skiff (root, 0700), read back through verbs.
// Written with `$\{` for bash's `${` (this is a JS template); build.ts turns it back.

/** Where each keyword Skiff's sshd drop-in sets is set: shared by the drift check and the audit script. */
export const SSHD_SOURCES_FUNCTION = String.raw`# FILE:LINE:text for each keyword Skiff's drop-in sets, in sshd's reading order: sshd_config up to
# its Include line, the included drop-ins in name order, then the rest of sshd_config.
SSHD_HARDENED_KEYS='^[[:space:]]*(PermitRootLogin|PasswordAuthentication|KbdInteractiveAuthentication|ChallengeResponseAuthentication|PubkeyAuthentication|PermitEmptyPasswords|MaxAuthTries|X11Forwarding)[[:space:]]'
sshd_settings_sources() {
  local keys=$SSHD_HARDENED_KEYS
  local main=/etc/ssh/sshd_config inc
  [ -f "$main" ] || return 0
  inc=$(grep -niE '^[[:space:]]*Include[[:space:]]+/etc/ssh/sshd_config\.d/\*\.conf' "$main" | head -n 1 | cut -d: -f1 || true)
  if [ -n "$inc" ]; then
    head -n "$inc" "$main" | grep -nE -i "$keys" | sed "s|^|$main:|" || true
    echo "@include $main:$inc"
    for f in /etc/ssh/sshd_config.d/*.conf; do [ ! -f "$f" ] || grep -nE -i "$keys" -- "$f" | sed "s|^|$f:|" || true; done
    awk -v from="$inc" 'NR > from' "$main" | grep -nE -i "$keys" | awk -F: -v o="$inc" -v m="$main" '{ n = $1 + o; sub(/^[0-9]+:/, ""); print m ":" n ":" $0 }' || true
  else
    grep -nE -i "$keys" "$main" | sed "s|^|$main:|" || true
  fi
}
`.replaceAll('$\\{', '${');

export const RECORD_FUNCTIONS = String.raw`
WRITTEN=$STATE/written
TRAIL=$STATE/trail.log
TRAIL_MAX=1048576 TRAIL_CHECK_EVERY=16
# Who asked, from the dispatcher's --job=ID,KIND,INSTALLATION,WHO word (checked by valid_jobContext).
JOB_ID=- JOB_KIND=- JOB_INST=- JOB_WHO= TRAIL_ARGS=
job_context() { IFS=, read -r JOB_ID JOB_KIND JOB_INST JOB_WHO <<< "$\{1#--job=}"; }
job_who() { printf '%s' "$\{JOB_WHO:-$\{SUDO_USER:-root}@$\{HOSTNAME:-server}}"; }

# The trail: one tab-separated line per changing verb, written when the verb ends (an EXIT trap,
# so a failure is recorded with its exit code). Appends of one short line are atomic (O_APPEND).
trail_on() { TRAIL_ARGS="$*"; trap 'trail_write $?' EXIT; }
trail_write() {
  local code=$1 outcome=ok target=server size
  [ "$code" -eq 0 ] || outcome="failed (exit $code)"
  case "$\{VERBS_ON_APP:-}" in *" $verb "*) target=$\{TRAIL_ARGS%% *} ;; esac
  [ -d "$STATE" ] || install -d -m 0700 -o root -g root "$STATE"
  umask 077  # the helper is ending: the trail is root's alone (0600)
  printf '%(%Y-%m-%dT%H:%M:%S%z)T\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' -1 "$JOB_INST" "$(job_who)" "$JOB_ID" "$JOB_KIND" "$verb" "$target" "$TRAIL_ARGS" "$outcome" >> "$TRAIL"
  # Rotate by size: trail.log, .1, .2, .3 (at most ~4 MiB). Checked on one write in 16: stat forks.
  if [ $((RANDOM % TRAIL_CHECK_EVERY)) -eq 0 ]; then
    size=$(stat -c %s "$TRAIL" 2>/dev/null || echo 0)
    if [ "$size" -gt "$TRAIL_MAX" ]; then
      (flock 9; [ "$(stat -c %s "$TRAIL")" -gt "$TRAIL_MAX" ] || exit 0
        rm -f "$TRAIL.3"; for n in 2 1; do [ ! -e "$TRAIL.$n" ] || mv -f "$TRAIL.$n" "$TRAIL.$((n + 1))"; done
        mv -f "$TRAIL" "$TRAIL.1") 9> "$STATE/.trail.lock"
    fi
  fi
}
verb_trail_read() {
  local f
  for f in "$TRAIL.3" "$TRAIL.2" "$TRAIL.1" "$TRAIL"; do [ ! -f "$f" ] || cat -- "$f"; done | tail -n "$1"
}

# The record: WRITTEN/index has one line per file Skiff installed (path, sha256, mode, owner, the
# verb and job that wrote it, the helper version, when); WRITTEN/objects/SHA keeps its content, so a
# drift check can show what changed. Two jobs may write at once: the index is rewritten under flock.
record_written() {
  local path=$1 mode=$2 sum line
  sum=$(sha256sum < "$path"); sum=$\{sum%% *}
  [ -d "$WRITTEN/objects" ] || install -d -m 0700 -o root -g root "$STATE" "$WRITTEN" "$WRITTEN/objects"
  [ -e "$WRITTEN/objects/$sum" ] || install -m 0600 -o root -g root "$path" "$WRITTEN/objects/$sum"
  if [ -f "$WRITTEN/index" ] && grep -qF -- "$path	$sum	$mode	" "$WRITTEN/index"; then return 0; fi
  printf -v line '%s\t%s\t%s\troot:root\t%s\t%s\t%s\t%s\t%s\t%(%Y-%m-%dT%H:%M:%S%z)T' "$path" "$sum" "$mode" "$verb" "$JOB_ID" "$JOB_KIND" "$JOB_INST" "@VERSION@" -1
  (umask 077; flock 9; { awk -F'\t' -v p="$path" '$1 != p' "$WRITTEN/index" 2>/dev/null || true; printf '%s\n' "$line"; } > "$WRITTEN/index.new"
    mv -f "$WRITTEN/index.new" "$WRITTEN/index") 9> "$WRITTEN/.lock"
}
record_removed() {
  [ -f "$WRITTEN/index" ] || return 0
  (umask 077; flock 9; awk -F'\t' -v p="$1" '$1 != p' "$WRITTEN/index" > "$WRITTEN/index.new"; mv -f "$WRITTEN/index.new" "$WRITTEN/index") 9> "$WRITTEN/.lock"
}

# Adopt: the file as it is now becomes what Skiff expects (recorded as written by "adopt").
verb_drift_adopt() {
  local path=$1 mode
  [ -f "$WRITTEN/index" ] && awk -F'\t' -v p="$path" '$1 == p { found = 1 } END { exit !found }' "$WRITTEN/index" || die "$path is not a file Skiff wrote"
  [ -f "$path" ] && [ ! -L "$path" ] || die "$path is missing or not a plain file: re-apply it instead"
  mode=$(stat -c %a "$path"); mode=$(printf '%04d' "$mode")
  record_written "$path" "$mode"
  echo "adopted $path as it is now"
}

# Files a drift check shows only as a hash: they hold secrets (env values, backup target keys).
drift_secret() { case "$1" in /etc/skiff/helper-signers) return 1 ;; /etc/skiff/*) return 0 ;; esac; return 1; }

# Re-apply for what a drift check found: Caddy's import line, and a Skiff unit enabled and started.
verb_caddy_import() {
  if grep -qxF 'import /etc/caddy/skiff/*.caddy' /etc/caddy/Caddyfile; then echo "Caddyfile imports Skiff's sites"; record_written /etc/caddy/Caddyfile 0644; return 0; fi
  printf '\nimport /etc/caddy/skiff/*.caddy\n' >> /etc/caddy/Caddyfile
  record_written /etc/caddy/Caddyfile 0644
  systemctl reload caddy
  echo "Caddyfile imports Skiff's sites again"
}
verb_unit_enable_start() {
  [ -f "/etc/systemd/system/$1" ] || die "$1 is not installed"
  systemctl enable --now --quiet "$1"
  echo "$1: $(systemctl is-enabled "$1"), $(systemctl is-active "$1")"
}
drift_section() { printf '\n==%s==\n' "$1"; }
# The drift check: read-only, one call, a fixed number of processes whatever the number of apps
# (one sha256sum over every recorded file, one systemctl for every unit). Sections are parsed by
# core/drift/parse.ts.
verb_drift() {
  local path sum mode owner wverb wjob wkind winst wver wat cur state f i
  local -a paths=() sums=() rest=() present=() units=()
  local -A recorded=() pkgmd5=() owned=() now=() sent=()
  # Conffiles of the packages Skiff configures: a recorded file now equal to its package's own
  # copy was replaced by a package update (apt's "install the maintainer's version").
  while read -r f sum _; do [ -n "$sum" ] && pkgmd5[$f]=$sum; done < <(dpkg-query -W -f='$\{Conffiles}\n' openssh-server caddy fail2ban ufw unattended-upgrades 2>/dev/null || true)
  while IFS= read -r f; do [ -z "$f" ] || owned[$f]=1; done < <(dpkg-query -L openssh-server openssh-client caddy fail2ban ufw unattended-upgrades 2>/dev/null || true)
  if [ -f "$WRITTEN/index" ]; then
    while IFS=$'\t' read -r path sum mode owner wverb wjob wkind winst wver wat; do
      paths+=("$path"); sums+=("$sum"); rest+=("$mode	$wverb	$wjob	$wkind	$winst	$wat"); recorded[$path]=1
      [ ! -f "$path" ] || present+=("$path")
    done < "$WRITTEN/index"
  fi
  if [ $\{#present[@]} -gt 0 ]; then
    while read -r sum f; do now[$\{f#\*}]=$sum; done < <(sha256sum -- "$\{present[@]}" 2>/dev/null || true)
  fi
  drift_section written
  for i in "$\{!paths[@]}"; do
    path=$\{paths[$i]}; sum=$\{sums[$i]}; cur=$\{now[$path]:--}
    if [ ! -e "$path" ]; then state=missing
    elif [ "$cur" = "$sum" ]; then state=same
    elif [ -n "$\{pkgmd5[$path]:-}" ] && [ "$(md5sum < "$path" | cut -d' ' -f1)" = "$\{pkgmd5[$path]}" ]; then state=package
    else state=edited; fi
    printf '%s\t%s\t%s\t%s\t%s\n' "$path" "$state" "$sum" "$cur" "$\{rest[$i]}"
  done
  # The recorded content (the desktop keeps a copy) and, for a changed file, what it holds now;
  # never for files that hold secrets.
  for i in "$\{!paths[@]}"; do
    path=$\{paths[$i]}; sum=$\{sums[$i]}
    ! drift_secret "$path" || continue
    if [ -z "$\{sent[$sum]:-}" ] && [ -f "$WRITTEN/objects/$sum" ]; then sent[$sum]=1; drift_section "object $sum"; base64 -w0 < "$WRITTEN/objects/$sum"; echo; fi
    if [ -f "$path" ] && [ "$\{now[$path]:-}" != "$sum" ]; then drift_section "now $path"; head -c 65536 -- "$path" | base64 -w0; echo; fi
  done
  # Files in the places Skiff writes that it never wrote (and no package shipped).
  drift_section unknown
  for f in /etc/ssh/sshd_config.d/*.conf /etc/caddy/skiff/* /etc/fail2ban/jail.d/* /etc/fail2ban/jail.local /etc/skiff/apps/* /etc/systemd/system/*.service /etc/systemd/system/*.timer; do
    [ -f "$f" ] && [ ! -L "$f" ] || continue
    [ -z "$\{recorded[$f]:-}" ] && [ -z "$\{owned[$f]:-}" ] || continue
    printf '%s\n' "$f"
  done
  # Where each hardened keyword is set, in the order sshd reads it (first value wins).
  drift_section sshd-files
  sshd_settings_sources
  drift_section sshd; sshd -T 2>&1 || echo "SKIFF-ERROR: sshd -T failed"
  drift_section ufw; if command -v ufw >/dev/null; then ufw status verbose 2>&1 || true; else echo SKIFF-MISSING; fi
  drift_section fail2ban
  if systemctl is-active --quiet fail2ban 2>/dev/null; then fail2ban-client status 2>&1 | sed -n 's/.*Jail list:[[:space:]]*//p'; else echo SKIFF-INACTIVE; fi
  drift_section units
  for f in /etc/systemd/system/skiff-*.service /etc/systemd/system/skiff-*.timer; do
    [ -e "$f" ] || continue
    case "$f" in */skiff-backup-*.service) continue ;; esac  # started by its timer: never enabled or active by itself
    units+=("$\{f##*/}")
  done
  if [ $\{#units[@]} -gt 0 ]; then systemctl show -p Id -p UnitFileState -p ActiveState -- "$\{units[@]}" 2>/dev/null || true; fi
  drift_section sudoers
  for f in /etc/sudoers.d/skiff-*; do [ ! -e "$f" ] || { echo "# $f"; cat -- "$f"; }; done
  drift_section dpkg
  dpkg --verify openssh-server ufw fail2ban caddy 2>/dev/null || true
  drift_section end
}

verb_sshd_sources() { sshd_settings_sources; }

# Resolves a conflict the hardening preview named: comments out one line, in a file sshd reads
# before Skiff's drop-in, that sets a keyword the drop-in sets (a copy of the file is kept first).
verb_sshd_comment_out() {
  local path=$1 n=$2 line
  [ "$path" != /etc/ssh/sshd_config.d/00-skiff-hardening.conf ] || die "that is Skiff's own drop-in"
  [ -f "$path" ] && [ ! -L "$path" ] || die "$path is not a plain file"
  line=$(sed -n "$\{n}p" "$path")
  [[ "$line" =~ $SSHD_HARDENED_KEYS ]] || die "line $n of $path does not set a setting Skiff hardens"
  install -d -m 0700 -o root -g root "$STATE" "$STATE/backup"
  cp -p -- "$path" "$STATE/backup/sshd-conflict.$\{path//\//_}.$(date +%Y%m%d%H%M%S)"
  sed -i "$\{n}s/^/# Commented out by Skiff (it overrode SSH hardening): /" "$path"
  echo "commented out line $n of $path: $line"
}

${SSHD_SOURCES_FUNCTION}
`;
