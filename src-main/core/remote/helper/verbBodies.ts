// The bodies of the root helper's verbs, in bash. Arguments arrive already checked by the
// generated `valid_<kind>` calls (build.ts); files are rendered from the templates in
// ../templates by `render`. Rules every body keeps (docs/security.md, "Root helper"):
// - root writes only root-owned places (/etc, /var/lib/skiff, /usr/local/sbin, `shared/`);
// - a folder the deploy user could swap for a link is entered with `enter` (cd -P, then the
//   real path and owner are checked) and worked on relative to it;
// - anything inside pb_data runs as the app's service user, anything in the deploy user's
//   folders as the deploy user (`as_user`), so a planted link gains nobody anything;
// - nothing secret is echoed (env values, passwords).
// Written with `$\{` for bash's `${` (this is a JS template); build.ts turns it back.

export const HELPER_FUNCTIONS = String.raw`
need() { local n=$1; shift; [ $# -eq "$n" ] || die "$verb takes $n argument(s), got $#"; }
say() { printf '%s\n' "$*"; }

# Fills template NAME with key=value pairs; every placeholder must be given.
render() {
  local name=$1 t kv; shift
  t=$(tpl_"$name"; printf x); t=$\{t%x}
  for kv in "$@"; do t=$\{t//"{{$\{kv%%=*}}}"/"$\{kv#*=}"}; done
  case "$t" in *'{{'[A-Za-z]*'}}'*) die "template $name has an unfilled value" ;; esac
  printf '%s' "$t"
}

# Installs TMP at PATH (a root-owned place) unless identical; prints changed or unchanged.
# Either way the file is recorded as Skiff's (recordBodies.ts), so a drift check knows it.
install_if_changed() {
  local tmp=$1 path=$2 mode=$3
  if [ -f "$path" ] && [ ! -L "$path" ] && cmp -s "$tmp" "$path"; then rm -f "$tmp"; record_written "$path" "$mode"; echo unchanged; return 0; fi
  install -m "$mode" -o root -g root "$tmp" "$path.skiff-new"
  mv -f "$path.skiff-new" "$path"
  rm -f "$tmp"
  record_written "$path" "$mode"
  echo changed
}

# The app's service user (same rule as serviceUser() in paths.ts).
svc_user() {
  local u="pb-$1"
  if [ $\{#u} -gt 32 ]; then u="pb-$\{1:0:20}-$(printf '%s' "$1" | sha256sum | cut -c1-8)"; fi
  printf '%s' "$u"
}

# The deploy user: named (the go-live timer runs as root) or the caller through sudo; it must be
# the one setup gave a Skiff sudoers entry.
deploy_user() {
  local u=$\{1:-$\{SUDO_USER:-}}
  [ -n "$u" ] || die "no deploy user: call this through sudo as Skiff's deploy user"
  valid_user "$u"
  [ -f "/etc/sudoers.d/skiff-$u" ] || die "$u is not Skiff's deploy user"
  printf '%s' "$u"
}

# cd into DIR, refusing a link anywhere on the way and any owner but OWNER.
enter() {
  cd -P -- "$1" 2>/dev/null || die "$1 is missing"
  [ "$(pwd -P)" = "$1" ] || die "$1 is not a plain folder (a link points elsewhere)"
  [ "$(stat -c %U .)" = "$2" ] || die "$1 belongs to $(stat -c %U .), not $2"
}

# Runs a command as USER with a clean environment and no way back up.
as_user() { local u=$1; shift; setpriv --reuid="$u" --regid="$u" --init-groups --no-new-privs --reset-env -- "$@"; }

svc_exists() { id -u "$1" >/dev/null 2>&1; }
svc_is_skiffs() { [ "$(getent passwd "$1" | cut -d: -f5)" = "Skiff app $2" ]; }
# The app's service user, which must exist and be Skiff's (one getent: this runs on every app verb).
require_svc() {
  local svc line gecos; svc=$(svc_user "$1")
  line=$(getent passwd "$svc") || die "$1 has no service user yet: deploy it once (or migrate the server) first"
  IFS=: read -r _ _ _ _ gecos _ <<< "$line"
  [ "$gecos" = "Skiff app $1" ] || die "$svc exists but was not created by Skiff for $1"
  printf '%s' "$svc"
}

proc_hidden() { grep -Eq '^proc /proc proc [^ ]*hidepid=(2|invisible)' /proc/mounts; }

ssh_unit() { if systemctl cat ssh.service >/dev/null 2>&1; then echo ssh; else echo sshd; fi; }

verb_version() { echo "skiff-root @VERSION@"; }

# The sources apt is configured with, one "SITE RELEASE" line each.
apt_sources() { apt-get indextargets --no-release-info --format '$(SITE) $(RELEASE)' 2>/dev/null | sort -u; }
# Whether the lists in DIR were refreshed within the hour and hold every configured source's
# release file (apt names them SITE_dists_RELEASE_InRelease with / as _). A new source has none yet.
apt_lists_fresh() {
  local dir=$1 site rel f n=0
  [ -n "$(find "$dir" -maxdepth 0 -mmin -60)" ] || return 1
  while read -r site rel; do
    n=$((n + 1))
    f=$(printf '%s_dists_%s_' "$\{site#*://}" "$rel" | tr '/' '_')
    [ -e "$dir/$\{f}InRelease" ] || [ -e "$dir/$\{f}Release" ] || return 1
  done < <(apt_sources)
  [ "$n" -gt 0 ]
}
# As Ansible's apt module with cache_valid_time: lists refreshed within the hour (a setup run again,
# a provider image minutes old) are kept. Translations of package descriptions are never read on a
# server: 6 MB less to fetch and parse.
verb_apt_update() {
  if apt_lists_fresh /var/lib/apt/lists; then say "package lists were refreshed within the hour: kept"; return 0; fi
  apt-get update -q -o Acquire::Languages=none
}
# Without a security source apt never sees a security fix, and unattended-upgrades has nothing to
# install. Skiff adds the release's own when none is configured (the archive host the server
# already uses when it serves the security suite too, as deb.debian.org does).
verb_apt_security_source() {
  local sources id codename site tmp
  sources=$(apt_sources)
  if grep -q -- '-security$' <<< "$sources"; then echo "security source: already configured ($(grep -- '-security$' <<< "$sources" | head -n 1))"; return 0; fi
  id=$(. /etc/os-release; printf '%s' "$\{ID:-}"); codename=$(. /etc/os-release; printf '%s' "$\{VERSION_CODENAME:-}")
  [[ "$codename" =~ ^[a-z]{2,20}$ ]] || die "cannot tell this system's release name from /etc/os-release"
  case "$id" in
    debian) site=http://security.debian.org/debian-security; if grep -q '^https\?://deb\.debian\.org/' <<< "$sources"; then site=http://deb.debian.org/debian-security; fi
      line="deb $site $codename-security main" ;;
    ubuntu) line="deb http://security.ubuntu.com/ubuntu $codename-security main restricted universe" ;;
    *) die "Skiff knows the security source of Debian and Ubuntu only, not $id" ;;
  esac
  tmp=$(mktemp); printf '# Managed by Skiff: security updates for %s (no security source was configured).\n%s\n' "$codename" "$line" > "$tmp"
  echo "security source $(install_if_changed "$tmp" /etc/apt/sources.list.d/skiff-security.list 0644): $line"
}
verb_apt_upgrade() { apt-get -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold upgrade; }
verb_apt_install() { apt-get install -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"; }

verb_auto_upgrades_show() { if [ -e /etc/apt/apt.conf.d/20auto-upgrades ]; then cat /etc/apt/apt.conf.d/20auto-upgrades; fi; }
verb_auto_upgrades_apply() {
  local tmp; tmp=$(mktemp); render autoUpgrades > "$tmp"
  echo "auto-upgrades $(install_if_changed "$tmp" /etc/apt/apt.conf.d/20auto-upgrades 0644)"
}

verb_proc_hidepid() {
  if ! proc_hidden; then mount -o remount,hidepid=invisible /proc; fi
  if ! grep -Eq '^[^#]*[[:space:]]/proc[[:space:]]+proc[[:space:]]+[^[:space:]]*hidepid=' /etc/fstab; then
    if grep -Eq '^[^#]*[[:space:]]/proc[[:space:]]' /etc/fstab; then
      awk '!/^[[:space:]]*#/ && $2 == "/proc" { $4 = $4 ",hidepid=invisible" } { print }' /etc/fstab > /etc/fstab.skiff-new
      mv -f /etc/fstab.skiff-new /etc/fstab
    else
      printf 'proc /proc proc defaults,hidepid=invisible 0 0\n' >> /etc/fstab
    fi
    echo "/proc hides other users' processes (hidepid=invisible), now and after a reboot"
  else
    echo "/proc already hides other users' processes"
  fi
}

verb_layout_init() {
  local deploy; deploy=$(deploy_user "$1")
  install -d -m 0755 -o root -g root /opt/skiff /etc/skiff
  install -d -m 0700 -o root -g root /etc/skiff/apps
  [ ! -L /opt/skiff/apps ] || die "/opt/skiff/apps is a link"
  install -d -m 0711 -o "$deploy" -g "$deploy" /opt/skiff/apps
  echo "/opt/skiff ready for $deploy"
}

verb_signers_init() {
  local key re='^ssh-ed25519 [A-Za-z0-9+/]{68}( [A-Za-z0-9@._-]{1,64})?$' tmp
  [ ! -s /etc/skiff/helper-signers ] || die "a desktop key is installed already; add another by running Set up as root"
  IFS= read -r key || true
  [[ "$key" =~ $re ]] || die "not an ssh-ed25519 public key"
  install -d -m 0755 -o root -g root /etc/skiff
  tmp=$(mktemp); printf 'skiff-desktop namespaces="skiff-helper" %s\n' "$key" > "$tmp"
  install -m 0644 -o root -g root "$tmp" /etc/skiff/helper-signers; rm -f "$tmp"
  record_written /etc/skiff/helper-signers 0644
  echo "installed the desktop key that may sign helper updates"
}

verb_self_update() {
  local dir b64
  [ -s /etc/skiff/helper-signers ] || die "no desktop key is installed to check updates: run Set up as root"
  dir=$(mktemp -d)
  IFS= read -r b64 || true
  printf '%s' "$b64" | base64 -d > "$dir/helper" 2>/dev/null || { rm -rf "$dir"; die "the new helper is not base64"; }
  cat > "$dir/helper.sig"
  if ! ssh-keygen -Y verify -f /etc/skiff/helper-signers -I skiff-desktop -n skiff-helper -s "$dir/helper.sig" < "$dir/helper" >/dev/null 2>&1; then
    rm -rf "$dir"; die "refused: the new helper is not signed by a desktop key this server trusts"
  fi
  bash -n "$dir/helper" || { rm -rf "$dir"; die "the new helper does not parse"; }
  # A name of its own: two jobs of one desktop may update at once (the same helper, either wins).
  install -m 0755 -o root -g root "$dir/helper" "/usr/local/sbin/skiff-root.skiff-new.$$"
  mv -f "/usr/local/sbin/skiff-root.skiff-new.$$" /usr/local/sbin/skiff-root
  rm -rf "$dir"
  /usr/local/sbin/skiff-root version
}

verb_audit() { bash -c "$AUDIT_SCRIPT"; }

verb_sshd_show() { if [ -e /etc/ssh/sshd_config.d/00-skiff-hardening.conf ]; then cat /etc/ssh/sshd_config.d/00-skiff-hardening.conf; fi; }
verb_sshd_apply() {
  local path=/etc/ssh/sshd_config.d/00-skiff-hardening.conf tmp
  install -d -m 0700 -o root -g root "$STATE" "$STATE/backup"
  rm -f "$STATE/backup/sshd" "$STATE/backup/sshd.absent"
  if [ -e "$path" ]; then cp -p "$path" "$STATE/backup/sshd"; else touch "$STATE/backup/sshd.absent"; fi
  install -d -m 0755 /etc/ssh/sshd_config.d
  local keys=''
  if [ "$1" = yes ]; then keys=$(tpl_hostKeysWithoutEcdsa; printf x); keys=$\{keys%x}; fi
  tmp=$(mktemp); render sshd hostKeys="$keys" > "$tmp"
  echo "sshd drop-in $(install_if_changed "$tmp" "$path" 0644)"
}
sshd_restore() {
  local path=/etc/ssh/sshd_config.d/00-skiff-hardening.conf
  if [ -e "$STATE/backup/sshd.absent" ]; then rm -f "$path"; record_removed "$path"; echo "removed $path (it did not exist before)"
  elif [ -e "$STATE/backup/sshd" ]; then cp -p "$STATE/backup/sshd" "$path"; record_written "$path" 0644; echo "restored the previous $path"
  else echo "no backup of $path to restore"; fi
}
verb_sshd_restore() { sshd_restore; }
verb_sshd_test() { sshd -t && echo "sshd -t: configuration is valid"; }
verb_sshd_effective() { sshd -T; }
verb_ssh_reload() { local unit; unit=$(ssh_unit); systemctl reload "$unit"; echo "reloaded $unit.service"; }
verb_revert_arm() {
  systemctl stop skiff-harden-revert.timer >/dev/null 2>&1 || true
  systemctl reset-failed skiff-harden-revert.service skiff-harden-revert.timer >/dev/null 2>&1 || true
  systemd-run --quiet --collect --unit=skiff-harden-revert --on-active="$1" --timer-property=AccuracySec=1s /usr/local/sbin/skiff-root revert-now
  echo "safety revert armed: the previous sshd config returns in $1 s unless Skiff confirms a new login"
}
verb_revert_disarm() {
  systemctl stop skiff-harden-revert.timer >/dev/null 2>&1 || true
  systemctl reset-failed skiff-harden-revert.service skiff-harden-revert.timer >/dev/null 2>&1 || true
  echo "safety revert disarmed"
}
verb_revert_now() { sshd_restore; systemctl reload "$(ssh_unit)"; }

# Kernel and network settings, unused protocols and devices, the login banner and password aging
# (templates/systemHardening.ts). The sysctl values it replaces are kept for system-restore.
verb_system_harden() {
  local tmp keys
  install -d -m 0700 -o root -g root "$STATE" "$STATE/backup"
  if [ ! -e /etc/sysctl.d/90-skiff-hardening.conf ]; then
    keys=$(tpl_sysctl | sed -n 's/^\([a-z][a-z0-9_.]*\) = .*/\1/p')
    # shellcheck disable=SC2086
    sysctl -e $keys > "$STATE/backup/sysctl.before" 2>/dev/null || true
  fi
  tmp=$(mktemp); tpl_sysctl > "$tmp"; echo "sysctl $(install_if_changed "$tmp" /etc/sysctl.d/90-skiff-hardening.conf 0644)"
  sysctl -q -e -p /etc/sysctl.d/90-skiff-hardening.conf || true
  tmp=$(mktemp); tpl_modprobe > "$tmp"; echo "modules $(install_if_changed "$tmp" /etc/modprobe.d/skiff-hardening.conf 0644)"
  tmp=$(mktemp); tpl_banner > "$tmp"; echo "banner $(install_if_changed "$tmp" /etc/issue 0644)"
  tmp=$(mktemp); tpl_banner > "$tmp"; echo "banner (network) $(install_if_changed "$tmp" /etc/issue.net 0644)"
  tmp=$(mktemp); awk "$LOGIN_DEFS_AWK" /etc/login.defs > "$tmp"; echo "login.defs $(install_if_changed "$tmp" /etc/login.defs 0644)"
  install -d -m 0755 /etc/security/limits.d /etc/systemd/coredump.conf.d
  tmp=$(mktemp); tpl_limits > "$tmp"; echo "core dumps (limits) $(install_if_changed "$tmp" /etc/security/limits.d/skiff-hardening.conf 0644)"
  tmp=$(mktemp); tpl_coredump > "$tmp"; echo "core dumps (systemd) $(install_if_changed "$tmp" /etc/systemd/coredump.conf.d/skiff-hardening.conf 0644)"
  # Root reads these alone: cron's tables and sshd's main config (cron and sshd run as root).
  local f u home
  for f in @ROOT_ONLY@; do
    [ -e "$f" ] && [ ! -L "$f" ] || continue
    if [ -d "$f" ]; then chmod 0700 "$f"; else chmod 0600 "$f"; fi
  done
  # The deploy user's home: no one else needs to read it.
  for f in /etc/sudoers.d/skiff-*; do
    [ -e "$f" ] || continue
    u=$\{f#/etc/sudoers.d/skiff-}; (valid_user "$u") 2>/dev/null || continue
    home=$(getent passwd "$u" | cut -d: -f6)
    if [ -d "$home" ] && [ ! -L "$home" ] && [ "$(stat -c %U "$home")" = "$u" ]; then chmod 0750 "$home"; fi
  done
  echo "root-only: cron tables and sshd_config; deploy user's home 0750"
}
# Puts back the kernel settings system-harden replaced (a failed hardening's recovery).
verb_system_restore() {
  [ -e /etc/sysctl.d/90-skiff-hardening.conf ] || { echo "no system hardening to undo"; return 0; }
  rm -f /etc/sysctl.d/90-skiff-hardening.conf; record_removed /etc/sysctl.d/90-skiff-hardening.conf
  if [ -s "$STATE/backup/sysctl.before" ]; then sysctl -q -e -p "$STATE/backup/sysctl.before" || true; fi
  echo "kernel settings restored"
}

verb_ufw_status() { ufw status verbose; }
verb_ufw_apply() {
  ufw default deny incoming; ufw default allow outgoing
  ufw allow "$1/tcp" comment 'Skiff: SSH'; ufw allow 80/tcp comment 'Skiff: HTTP'; ufw allow 443/tcp comment 'Skiff: HTTPS'
  ufw --force enable
}
verb_ufw_disable() { ufw --force disable; }

verb_fail2ban_show() { if [ -e /etc/fail2ban/jail.d/skiff-sshd.local ]; then cat /etc/fail2ban/jail.d/skiff-sshd.local; fi; }
verb_fail2ban_apply() {
  local tmp
  tmp=$(mktemp); render fail2banFilter > "$tmp"; echo "filter $(install_if_changed "$tmp" /etc/fail2ban/filter.d/skiff-sshd.conf 0644)"
  tmp=$(mktemp); render fail2banJail port="$1" > "$tmp"; echo "jail $(install_if_changed "$tmp" /etc/fail2ban/jail.d/skiff-sshd.local 0644)"
  systemctl enable --quiet fail2ban; systemctl restart fail2ban
  for _ in $(seq 1 50); do fail2ban-client ping >/dev/null 2>&1 && break; sleep 0.2; done
  fail2ban-client status sshd
}
verb_fail2ban_status() { fail2ban-client status sshd; }
verb_fail2ban_unban() { fail2ban-client set sshd unbanip "$1"; }

verb_sudoers_show() { if [ -e "/etc/sudoers.d/skiff-$1" ]; then cat "/etc/sudoers.d/skiff-$1"; fi; }

verb_app_init() {
  local app=$1 deploy svc
  deploy=$(deploy_user)
  svc=$(svc_user "$app")
  if svc_exists "$svc"; then
    svc_is_skiffs "$svc" "$app" || die "the account $svc exists but was not created by Skiff for $app"
  else
    useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin --comment "Skiff app $app" "$svc"
    echo "created the service user $svc (no shell, no password, no sudo)"
  fi
  install -d -m 0700 -o root -g root /etc/skiff/apps
  enter "$APPS" "$deploy"
  if [ ! -e "$app" ] && [ ! -L "$app" ]; then as_user "$deploy" mkdir -m 0750 -- "$app"; fi
  enter "$APPS/$app" "$deploy"
  chown "$deploy:$svc" . && chmod 2750 .
  # The deploy user's parts, made as the deploy user. releases/ inherits the app's group and the
  # setgid bit from the app folder (a chmod by the deploy user, not in that group, would drop it).
  as_user "$deploy" bash -c 'umask 027; mkdir -p releases backups .skiff/uploads; chmod 0700 backups .skiff' skiff-root
  if [ "$(stat -c %G releases)" != "$svc" ]; then
    # A folder of the old layout: its releases become readable to the app through its group.
    chgrp -R -h -P -- "$svc" releases
  fi
  enter "$APPS/$app/releases" "$deploy"; chmod 2750 .; enter "$APPS/$app" "$deploy"
  # shared/ is root's (the service user reads it), pb_data the service user's.
  [ ! -L shared ] || die "$APPS/$app/shared is a link"
  if [ ! -e shared ]; then mkdir -m 0750 shared; fi
  enter "$APPS/$app/shared" "$(stat -c %U shared)"
  chown root:"$svc" . && chmod 0750 .
  if [ -e env ] || [ -L env ]; then rm -f env; echo "removed shared/env of the old layout (the env file now lives in /etc/skiff/apps)"; fi
  [ ! -L pb_data ] || die "$APPS/$app/shared/pb_data is a link"
  if [ ! -e pb_data ]; then mkdir -m 0700 pb_data; fi
  if [ -n "$(find pb_data -xdev ! -user "$svc" -print -quit)" ] || [ -n "$(find pb_data -xdev ! -group "$svc" -print -quit)" ]; then
    chown -R -h -P "$svc:$svc" pb_data
    echo "pb_data now belongs to $svc"
  fi
  chmod 0700 pb_data
  echo "app $app: folders ready, runs as $svc"
}

verb_app_unit() {
  local app=$1 port=$2 binary=$3 svc tmp r
  svc=$(require_svc "$app")
  tmp=$(mktemp)
  unit_text "$app" "$port" "$binary" > "$tmp"
  r=$(install_if_changed "$tmp" "/etc/systemd/system/skiff-$app.service" 0644)
  # One daemon-reload (2 s on a small emulated server): enable would run a second one by itself.
  if [ "$r" = changed ]; then systemctl daemon-reload; systemctl enable --quiet --no-reload "skiff-$app.service"; fi
  echo "unit $r"
}

unit_text() { render unit app="$1" user="$(svc_user "$1")" root="$APPS/$1" binary="$3" port="$2"; }

# APP DOMAIN PORT TLS MB: the Caddy site (same values as renderCaddySite in caddySite.ts).
site_text() {
  local address=$2 tlsline=''
  if [ "$4" = off ]; then address="http://$2"; fi
  if [ "$4" = internal ]; then tlsline=$'\ttls internal\n'; fi
  render site app="$1" address="$address" tls="$tlsline" maxBodyMb="$5" port="$3"
}

verb_app_site() {
  local app=$1 tmp r path=/etc/caddy/skiff/$1.caddy
  tmp=$(mktemp)
  site_text "$@" > "$tmp"
  install -d -m 0755 /etc/caddy/skiff
  if ! grep -qxF 'import /etc/caddy/skiff/*.caddy' /etc/caddy/Caddyfile; then
    printf '\nimport /etc/caddy/skiff/*.caddy\n' >> /etc/caddy/Caddyfile
    record_written /etc/caddy/Caddyfile 0644
  fi
  if [ -e "$path" ]; then cp -p "$path" "$path.skiff-prev"; else rm -f "$path.skiff-prev"; fi
  r=$(install_if_changed "$tmp" "$path" 0644)
  # Caddy's reload refuses a config it cannot load and keeps running the old one, so it is the
  # check; validate runs only to say why (one caddy start fewer: ~1 s on a small emulated server).
  if [ "$r" = changed ] && ! systemctl reload caddy 2>/dev/null; then
    local out
    if ! out=$(caddy validate --adapter caddyfile --config /etc/caddy/Caddyfile 2>&1); then
      printf '%s\n' "$out" | tail -n 5 >&2
      if [ -e "$path.skiff-prev" ]; then mv -f "$path.skiff-prev" "$path"; record_written "$path" 0644; else rm -f "$path"; record_removed "$path"; fi
      die "caddy rejected the site; the previous one is back"
    fi
    die "caddy did not reload (is it running? see: systemctl status caddy)"
  fi
  rm -f "$path.skiff-prev"
  echo "site $r"
}

verb_app_site_remove() {
  record_removed "/etc/caddy/skiff/$1.caddy"
  if [ -e "/etc/caddy/skiff/$1.caddy" ]; then rm -f "/etc/caddy/skiff/$1.caddy"; systemctl reload caddy; echo "site removed"; else echo "no site"; fi
}

env_line_ok() { local re='@ENV_LINE@'; [[ "$1" =~ $re ]]; }

verb_app_env() {
  local app=$1 tmp line n=0
  tmp=$(mktemp)
  while IFS= read -r line || [ -n "$line" ]; do
    n=$((n + 1))
    [ "$n" -le 500 ] || { rm -f "$tmp"; die "more than 500 env lines"; }
    env_line_ok "$line" || { rm -f "$tmp"; die "env line $n is not KEY=\"value\" (the value is not shown)"; }
    printf '%s\n' "$line" >> "$tmp"
  done
  install -d -m 0700 -o root -g root /etc/skiff/apps
  echo "env $(install_if_changed "$tmp" "/etc/skiff/apps/$app.env" 0600)"
}

verb_app_service() {
  case "$1" in
    start|stop|restart) systemctl "$1" "skiff-$2.service" ;;
    status) systemctl status --no-pager "skiff-$2.service" || true ;;
    is-active) systemctl is-active "skiff-$2.service" || true ;;
  esac
}
verb_app_show() { systemctl show "skiff-$1.service" -p ActiveState -p SubState -p MainPID -p ExecMainStartTimestamp -p MemoryCurrent -p NRestarts -p User; }
verb_app_journal() { journalctl -u "skiff-$1.service" -n "$2" --no-pager -o short-iso; }
verb_app_journal_follow() { exec journalctl -u "skiff-$1.service" -f -n 50 --no-pager -o short-iso; }

verb_app_layout() {
  local app=$1 svc; svc=$(svc_user "$app")
  echo "service_user=$svc"
  if svc_exists "$svc"; then echo "service_user_exists=yes"; else echo "service_user_exists=no"; fi
  echo "unit_user=$(systemctl show -p User --value "skiff-$app.service" 2>/dev/null || true)"
  echo "root_owner=$(stat -c %U:%G:%a "$APPS/$app" 2>/dev/null || true)"
  echo "shared_owner=$(stat -c %U:%G:%a "$APPS/$app/shared" 2>/dev/null || true)"
  echo "data_owner=$(stat -c %U:%G:%a "$APPS/$app/shared/pb_data" 2>/dev/null || true)"
  if [ -e "/etc/skiff/apps/$app.env" ]; then echo "env=etc"; elif [ -e "$APPS/$app/shared/env" ]; then echo "env=shared"; else echo "env=none"; fi
}

verb_app_remove() {
  local app=$1 svc; svc=$(svc_user "$app")
  golive_disarm "$app"
  systemctl disable --now --no-reload "skiff-$app.service" >/dev/null 2>&1 || true
  rm -f "/etc/systemd/system/skiff-$app.service"; systemctl daemon-reload
  if [ -e "/etc/caddy/skiff/$app.caddy" ]; then rm -f "/etc/caddy/skiff/$app.caddy"; systemctl reload caddy || true; fi
  # Its backup timer goes too (a schedule of an app that is gone would only fail); its backups stay.
  if [ -e "/etc/systemd/system/skiff-backup-$app.timer" ]; then verb_schedule_remove "$app" >/dev/null; fi
  rm -f "/etc/skiff/apps/$app.env"
  record_removed "/etc/systemd/system/skiff-$app.service"; record_removed "/etc/caddy/skiff/$app.caddy"; record_removed "/etc/skiff/apps/$app.env"
  cd -P /opt/skiff && [ "$(pwd -P)" = /opt/skiff ] || die "/opt/skiff is not a plain folder"
  [ "$(stat -c %U .)" = root ] || die "/opt/skiff is not root's"
  if [ -L "apps/$app" ]; then rm -f "apps/$app"; elif [ -d "apps/$app" ]; then rm -rf --one-file-system -- "apps/$app"; fi
  if svc_exists "$svc" && svc_is_skiffs "$svc" "$app"; then userdel "$svc" 2>/dev/null || true; fi
  echo "removed the unit, site, env file, backup schedule, folder and service user of $app (its backups stay in /var/lib/skiff/backups/$app)"
}

verb_data_snapshot() {
  local svc; svc=$(require_svc "$1")
  cd /
  as_user "$svc" bash -c "$SNAPSHOT_AS_SERVICE" snapshot "$APPS/$1/shared/pb_data"
}

data_restore() {
  local app=$1 svc aside
  svc=$(require_svc "$app")
  enter "$APPS/$app/shared" root
  systemctl stop "skiff-$app.service"
  aside="pb_data.before-restore-$(date +%Y%m%d-%H%M%S)"
  if [ -d pb_data ]; then mv -T pb_data "$aside"; fi
  mkdir -m 0700 pb_data && chown "$svc:$svc" pb_data
  if ! as_user "$svc" bash -c 'cd -- "$1" && zstd -q -d -c | tar -xf - --no-same-owner --no-same-permissions' restore "$APPS/$app/shared/pb_data"; then
    rm -rf -- pb_data
    if [ -d "$aside" ]; then mv -T "$aside" pb_data; fi
    die "the snapshot could not be unpacked; the data is as it was"
  fi
  echo "restored the data snapshot (the data it replaced is in shared/$aside)"
}
verb_data_restore() { data_restore "$1"; }

pb_generation() {
  local re='([0-9]+)\.([0-9]+)\.[0-9]+'
  [[ "$1" =~ $re ]] || { echo unknown; return 0; }
  if [ "$\{BASH_REMATCH[1]}" -eq 0 ] && [ "$\{BASH_REMATCH[2]}" -lt 23 ]; then echo admin; else echo superuser; fi
}

verb_superuser_apply() {
  local app=$1 binary=$2 svc email password version gen bin out data re='^[^-[:space:][:cntrl:]][^[:space:][:cntrl:]]{0,253}$'
  svc=$(require_svc "$app")
  proc_hidden || die "other users could read the password in the process list: run Set up again (it hides processes with hidepid)"
  IFS= read -r email || true
  IFS= read -r password || true
  [[ "$email" =~ $re ]] || die "the superuser e-mail is empty, has spaces or starts with -"
  [ -n "$password" ] || die "no superuser password was given"
  case "$password" in -*) die "the superuser password starts with -" ;; esac
  bin="$APPS/$app/current/$binary"; data="$APPS/$app/shared/pb_data"
  cd /
  version=$(as_user "$svc" "$bin" --version 2>&1 | head -n 1) || die "$binary --version failed: $version"
  gen=$(pb_generation "$version")
  # PocketBase exits 0 even when a command fails: only a "Successfully …" line means it worked.
  # --dir goes before "--": after it, it would be read as one more argument.
  case "$gen" in
    superuser) out=$(as_user "$svc" "$bin" superuser upsert --dir="$data" -- "$email" "$password" 2>&1 || true) ;;
    admin)
      out=$(as_user "$svc" "$bin" admin update --dir="$data" -- "$email" "$password" 2>&1 || true)
      case "$out" in Successfully*) ;; *) out=$(as_user "$svc" "$bin" admin create --dir="$data" -- "$email" "$password" 2>&1 || true) ;; esac ;;
    *) die "cannot tell the PocketBase CLI from '$version'" ;;
  esac
  case "$out" in Successfully*) ;; *) die "PocketBase did not set the superuser ($gen): $(printf '%s' "$out" | head -c 300)" ;; esac
  echo "superuser $email set through \"$gen\" ($version)"
}

# systemd keeps a transient unit's file under /run/systemd/transient while it is loaded: with
# neither there, there is nothing to stop (two systemctl calls saved on every go-live).
golive_disarm() {
  [ -e "/run/systemd/transient/skiff-golive-$1.timer" ] || [ -e "/run/systemd/transient/skiff-golive-$1.service" ] || return 0
  systemctl stop "skiff-golive-$1.timer" >/dev/null 2>&1 || true
  systemctl reset-failed "skiff-golive-$1.service" "skiff-golive-$1.timer" >/dev/null 2>&1 || true
}
# The guard's orders live in a root-owned file, so the timer and an explicit revert do the same.
verb_golive_arm() {
  local app=$1 user=$2 prev=$3 snap=$4 secs=$5
  deploy_user "$user" >/dev/null
  golive_disarm "$app"
  [ -d "$STATE/golive" ] || install -d -m 0700 -o root -g root "$STATE" "$STATE/golive"
  printf '%s %s %s\n' "$user" "$prev" "$snap" > "$STATE/golive/$app"
  systemd-run --quiet --collect --unit="skiff-golive-$app" --on-active="$secs" --timer-property=AccuracySec=1s /usr/local/sbin/skiff-root golive-revert "$app"
  echo "go-live guard armed: unless confirmed within $secs s, $app goes back to $prev by itself"
}
# The go-live in one call (one sudo where it took three): arm the guard, switch current as the deploy
# user, restart, wait for a 200 on /api/health, disarm. Unhealthy: exit 4, the guard stays armed.
verb_golive() {
  local app=$1 user=$2 rel=$3 prev=$4 snap=$5 secs=$6 port=$7 timeout=$8
  [ -d "$APPS/$app/releases/$rel" ] || { echo "releases/$rel is gone" >&2; exit 5; }
  verb_golive_arm "$app" "$user" "$prev" "$snap" "$secs"
  as_user "$user" ln -sfn "releases/$rel" "$APPS/$app/.current.tmp"
  as_user "$user" mv -T "$APPS/$app/.current.tmp" "$APPS/$app/current"
  echo "current -> releases/$rel"
  systemctl restart "skiff-$app.service"
  skiff_health_wait "skiff-$app.service" "$port" "$timeout"
  verb_golive_confirm "$app"
}
# While its timer is loaded the guard has not fired: stopping the timer is all it takes (a
# reset-failed costs a systemctl more); otherwise clear whatever a run left behind.
verb_golive_confirm() {
  if [ -e "/run/systemd/transient/skiff-golive-$1.timer" ]; then systemctl stop "skiff-golive-$1.timer" >/dev/null 2>&1 || true; else golive_disarm "$1"; fi
  rm -f "$STATE/golive/$1"; echo "go-live guard off"
}
verb_golive_revert() {
  local app=$1 user to snap
  [ -f "$STATE/golive/$app" ] || { echo "no go-live of $app waits for confirmation"; return 0; }
  read -r user to snap < "$STATE/golive/$app" || true
  valid_user "$user"; valid_releaseOrNone "$to"; valid_releaseOrNone "$snap"
  deploy_user "$user" >/dev/null
  golive_disarm "$app"
  if [ "$snap" != none ]; then
    # The code goes back even when the data cannot: a failed restore leaves the data as it was.
    if ! (as_user "$user" cat -- "$APPS/$app/backups/$snap.tar.zst" | data_restore "$app"); then
      echo "skiff-root: could not restore the data snapshot $snap" >&2
    fi
  fi
  if [ "$to" = none ]; then
    systemctl stop "skiff-$app.service"
  else
    as_user "$user" bash -c 'cd -- "$1" && [ -d "releases/$2" ] && ln -sfn "releases/$2" .current.tmp && mv -T .current.tmp current' revert "$APPS/$app" "$to"
    systemctl restart "skiff-$app.service"
  fi
  as_user "$user" bash -c 'printf "%s %s %s\n" "$(date +%s)" "$2" "$3" > "$1/.skiff/golive-reverted"' revert "$APPS/$app" "$to" "$snap"
  rm -f "$STATE/golive/$app"
  logger -t skiff-root "go-live of $app was not confirmed: back on $to"
  echo "the go-live of $app was not confirmed: back on $to"
}
`;

/** Runs as the app's service user: prints a tar.zst of pb_data (SQLite through its online backup), or nothing when there is no data. */
export const SNAPSHOT_AS_SERVICE = String.raw`set -euo pipefail
cd -- "$1" 2>/dev/null || exit 0
shopt -s nullglob dotglob
set -- *
[ $# -gt 0 ] || exit 0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Each database through SQLite's online backup (consistent while the app writes), the rest as it
# is, in one tar; the live database files are left out by name (an --exclude would drop the backups too).
for db in ./*.db; do sqlite3 "$db" ".backup '$tmp/$db'"; done
for f in "$@"; do shift; case "$f" in *.db|*.db-wal|*.db-shm) ;; *) set -- "$@" "./$f" ;; esac; done
tar -cf - "$@" -C "$tmp" . | zstd -q -T0 -c
`;
