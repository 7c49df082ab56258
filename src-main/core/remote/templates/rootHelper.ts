// Skiff's root helper, installed at /usr/local/sbin/skiff-root by setup. The app user's sudoers
// entry allows this one command and nothing else, so every privileged thing Skiff does is a named
// verb here with its arguments checked: that is the "scope" of Skiff's sudo.
// The bash below must not use `${…}` (this is a JS template): write $1, "$var" instead.
import { createHash } from 'node:crypto';
import { PATHS, renderAutoUpgrades } from './hardening';

/** Read-only security facts, one section each; the audit parses them. Also run inline as root before the helper exists. */
export const AUDIT_SCRIPT = String.raw`
section() { printf '\n==%s==\n' "$1"; }
section whoami; id -un
section sshd; sshd -T 2>&1 || echo "SKIFF-ERROR: sshd -T failed"
section ufw; if command -v ufw >/dev/null; then ufw status verbose 2>&1 || true; else echo "SKIFF-MISSING"; fi
section listening; ss -ltnH 2>/dev/null | awk '{print $4}' || true
section fail2ban
if command -v fail2ban-client >/dev/null; then
  if systemctl is-active --quiet fail2ban; then fail2ban-client status sshd 2>&1 || echo "SKIFF-NOJAIL"; else echo "SKIFF-INACTIVE"; fi
else echo "SKIFF-MISSING"; fi
section updates; apt-get -s -o Debug::NoLocking=1 upgrade 2>/dev/null | grep '^Inst' || true
section unattended
if dpkg-query -W -f='$''{Status}' unattended-upgrades 2>/dev/null | grep -q 'install ok installed'; then apt-config dump 2>/dev/null | grep -E '^APT::Periodic::(Unattended-Upgrade|Update-Package-Lists) ' || true; else echo "SKIFF-MISSING"; fi
section reboot; if [ -e /var/run/reboot-required ]; then echo yes; cat /var/run/reboot-required.pkgs 2>/dev/null || true; else echo no; fi
section sudoers
for f in /etc/sudoers.d/skiff-*; do [ -e "$f" ] && { echo "# $f"; cat "$f"; }; done
echo "# sudo group: $(getent group sudo | cut -d: -f4)"
section end
`;

export const ROOT_HELPER_SCRIPT = String.raw`#!/bin/bash
# Managed by Skiff: the only command Skiff's app user may run as root (see /etc/sudoers.d/skiff-*).
# Each verb does one named thing with checked arguments. Do not edit: Skiff rewrites this file.
set -euo pipefail
umask 022
export DEBIAN_FRONTEND=noninteractive LC_ALL=C
STATE=/var/lib/skiff
die() { echo "skiff-root: $*" >&2; exit 64; }

config_path() {
  case "$1" in
    sshd) echo ${PATHS.sshdDropIn} ;;
    fail2ban) echo ${PATHS.fail2banJail} ;;
    auto-upgrades) echo ${PATHS.autoUpgrades} ;;
    *) die "unknown config: $1" ;;
  esac
}

ssh_unit() {
  if systemctl cat ssh.service >/dev/null 2>&1; then echo ssh; else echo sshd; fi
}

valid_app() { [[ "$1" =~ ^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$ ]] || die "not an app name: $1"; }

# Installs stdin at $2 if it differs; prints "changed" or "unchanged". Keeps the old file for restore.
install_if_changed() {
  local tmp=$1 path=$2
  if [ -e "$path" ] && cmp -s "$tmp" "$path"; then rm -f "$tmp"; echo unchanged; return; fi
  if [ -e "$path" ]; then cp -p "$path" "$path.skiff-prev"; else rm -f "$path.skiff-prev"; fi
  install -m 0644 -o root -g root "$tmp" "$path"; rm -f "$tmp"; echo changed
}

valid_port() { [[ "$1" =~ ^[0-9]{1,5}$ ]] && [ "$1" -ge 1 ] && [ "$1" -le 65535 ] || die "not a port: $1"; }

config_restore() {
  local name=$1 path; path=$(config_path "$name")
  if [ -e "$STATE/backup/$name.absent" ]; then rm -f "$path"; echo "removed $path (it did not exist before)";
  elif [ -e "$STATE/backup/$name" ]; then cp -p "$STATE/backup/$name" "$path"; echo "restored the previous $path";
  else echo "no backup of $path to restore"; fi
}

[ $# -gt 0 ] || die "usage: skiff-root <verb> [args]"
verb=$1; shift
case "$verb" in
  version) echo "skiff-root @VERSION@" ;;
  apt-update) apt-get update -q ;;
  apt-upgrade) apt-get -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold upgrade ;;
  apt-install)
    for p in "$@"; do
      case "$p" in ufw|fail2ban|python3-systemd|caddy|unzip|curl|sqlite3|unattended-upgrades|zstd) ;; *) die "package not allowed: $p" ;; esac
    done
    apt-get install -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@" ;;
  config-show) path=$(config_path "$1"); if [ -e "$path" ]; then cat "$path"; fi ;;
  config-write)
    # New content on stdin; the previous file (or its absence) is kept for config-restore.
    name=$1; path=$(config_path "$name"); mkdir -p "$STATE/backup"; chmod 700 "$STATE"
    rm -f "$STATE/backup/$name" "$STATE/backup/$name.absent"
    if [ -e "$path" ]; then cp -p "$path" "$STATE/backup/$name"; else touch "$STATE/backup/$name.absent"; fi
    mkdir -p "$(dirname "$path")"
    cat > "$path.skiff-new"; chmod 644 "$path.skiff-new"; mv -f "$path.skiff-new" "$path"
    echo "wrote $path" ;;
  config-restore) config_restore "$1" ;;
  sshd-test) sshd -t && echo "sshd -t: configuration is valid" ;;
  sshd-effective) sshd -T ;;
  ssh-reload) unit=$(ssh_unit); systemctl reload "$unit"; echo "reloaded $unit.service" ;;
  ufw-status) ufw status verbose ;;
  ufw-apply)
    port=$1; valid_port "$port"
    ufw default deny incoming; ufw default allow outgoing
    ufw allow "$port/tcp" comment 'Skiff: SSH'; ufw allow 80/tcp comment 'Skiff: HTTP'; ufw allow 443/tcp comment 'Skiff: HTTPS'
    ufw --force enable ;;
  ufw-disable) ufw --force disable ;;
  fail2ban-restart)
    systemctl enable --quiet fail2ban; systemctl restart fail2ban
    for _ in $(seq 1 50); do fail2ban-client ping >/dev/null 2>&1 && break; sleep 0.2; done
    fail2ban-client status sshd ;;
  fail2ban-status) fail2ban-client status sshd ;;
  fail2ban-unban)
    [[ "$1" =~ ^[0-9a-fA-F.:]+$ ]] || die "not an IP address: $1"
    fail2ban-client set sshd unbanip "$1" ;;
  revert-arm)
    # If Skiff loses the server mid-hardening, this puts the old sshd config back by itself.
    secs=$1; [[ "$secs" =~ ^[0-9]{1,4}$ ]] || die "bad delay: $secs"
    systemctl stop skiff-harden-revert.timer >/dev/null 2>&1 || true
    systemctl reset-failed skiff-harden-revert.service >/dev/null 2>&1 || true
    systemd-run --quiet --unit=skiff-harden-revert --on-active="$secs" ${PATHS.rootHelper} revert-now
    echo "safety revert armed: the previous sshd config returns in $secs s unless Skiff confirms a new login" ;;
  revert-disarm)
    systemctl stop skiff-harden-revert.timer >/dev/null 2>&1 || true
    systemctl reset-failed skiff-harden-revert.service >/dev/null 2>&1 || true
    echo "safety revert disarmed" ;;
  revert-now) config_restore sshd; systemctl reload "$(ssh_unit)" ;;
  sudoers-show)
    [[ "$1" =~ ^[a-z_][a-z0-9_.-]*$ ]] || die "not a user name: $1"
    if [ -e "/etc/sudoers.d/skiff-$1" ]; then cat "/etc/sudoers.d/skiff-$1"; fi ;;
  layout-init)
    user=$1; [ -e "/etc/sudoers.d/skiff-$user" ] || die "$user is not Skiff's app user"
    install -d -m 0755 -o root -g root /opt/skiff
    install -d -m 0750 -o "$user" -g "$user" /opt/skiff/apps
    echo "/opt/skiff ready for $user" ;;
  unit-install)
    # The app's systemd unit (stdin); reloads systemd and enables the unit when it changed.
    app=$1; valid_app "$app"; tmp=$(mktemp); cat > "$tmp"
    grep -q '^# Managed by Skiff: PocketBase app' "$tmp" || { rm -f "$tmp"; die "not a Skiff unit"; }
    r=$(install_if_changed "$tmp" "/etc/systemd/system/skiff-$app.service")
    if [ "$r" = changed ]; then systemctl daemon-reload; systemctl enable --quiet "skiff-$app.service"; fi
    echo "unit $r" ;;
  site-install)
    # The app's Caddy site (stdin); validated with the whole Caddyfile before Caddy reloads, else restored.
    app=$1; valid_app "$app"; tmp=$(mktemp); cat > "$tmp"
    grep -q '^# Managed by Skiff: app' "$tmp" || { rm -f "$tmp"; die "not a Skiff site"; }
    install -d -m 0755 /etc/caddy/skiff
    grep -qxF 'import /etc/caddy/skiff/*.caddy' /etc/caddy/Caddyfile || printf '\nimport /etc/caddy/skiff/*.caddy\n' >> /etc/caddy/Caddyfile
    path=/etc/caddy/skiff/$app.caddy
    r=$(install_if_changed "$tmp" "$path")
    if [ "$r" = changed ]; then
      if ! caddy validate --adapter caddyfile --config /etc/caddy/Caddyfile >/tmp/skiff-caddy-validate.log 2>&1; then
        cat /tmp/skiff-caddy-validate.log >&2
        if [ -e "$path.skiff-prev" ]; then mv -f "$path.skiff-prev" "$path"; else rm -f "$path"; fi
        die "caddy rejected the site; the previous one is back"
      fi
      systemctl reload caddy
    fi
    echo "site $r" ;;
  site-remove) app=$1; valid_app "$app"; rm -f "/etc/caddy/skiff/$app.caddy"; systemctl reload caddy; echo "site removed" ;;
  app-service)
    act=$1; app=$2; valid_app "$app"
    case "$act" in start|stop|restart|enable|disable) systemctl "$act" "skiff-$app.service" ;; status) systemctl status --no-pager "skiff-$app.service" || true ;; is-active) systemctl is-active "skiff-$app.service" || true ;; *) die "bad action: $act" ;; esac ;;
  app-show)
    app=$1; valid_app "$app"
    systemctl show "skiff-$app.service" -p ActiveState -p SubState -p MainPID -p ExecMainStartTimestamp -p MemoryCurrent -p NRestarts ;;
  app-journal)
    app=$1; valid_app "$app"; n=$2; [[ "$n" =~ ^[0-9]{1,6}$ ]] || die "bad line count: $n"
    journalctl -u "skiff-$app.service" -n "$n" --no-pager -o short-iso ;;
  app-journal-follow) app=$1; valid_app "$app"; exec journalctl -u "skiff-$app.service" -f -n 50 --no-pager -o short-iso ;;
  app-remove)
    app=$1; valid_app "$app"
    systemctl disable --now "skiff-$app.service" >/dev/null 2>&1 || true
    rm -f "/etc/systemd/system/skiff-$app.service"; systemctl daemon-reload
    rm -f "/etc/caddy/skiff/$app.caddy"; systemctl reload caddy || true
    echo "removed unit and site of $app" ;;
  self-update)
    # A newer Skiff brings a newer helper (stdin). Whoever may run this verb can change what runs
    # as root: Skiff treats the app user's key as root-equivalent (docs/security.md).
    tmp=$(mktemp); cat > "$tmp"; bash -n "$tmp" || { rm -f "$tmp"; die "the new helper does not parse"; }
    install -m 0755 -o root -g root "$tmp" ${PATHS.rootHelper}; rm -f "$tmp"
    ${PATHS.rootHelper} version ;;
  audit)
    bash -s <<'SKIFF_AUDIT'
${AUDIT_SCRIPT}
SKIFF_AUDIT
    ;;
  *) die "unknown command: $verb" ;;
esac
`;

function build(): { script: string; version: string } {
  const body = ROOT_HELPER_SCRIPT;
  const version = createHash('sha256').update(body).digest('hex').slice(0, 16);
  return { script: body.replace('@VERSION@', version), version };
}

export const ROOT_HELPER = build();

/** Content of the auto-upgrades file, re-exported for setup. */
export const AUTO_UPGRADES = renderAutoUpgrades();
