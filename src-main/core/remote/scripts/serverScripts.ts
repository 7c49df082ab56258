// The remote scripts of server jobs (setup, hardening, facts, layout checks). Setup's first steps
// run as root or through sudo before the helper exists (the "bootstrap"): they write the helper,
// the desktop's signing key, the deploy user, its key and its sudoers entry. Everything after that
// goes through the helper.
import { PATHS_SYSTEM } from '../templates/systemHardening';
import { PATHS } from '../paths';
import { sh, joinSh, type ShellText } from '../quote';
import { helperCall } from '../helper/verbs';
import { renderSudoers } from '../templates/sudoers';

/** Who Skiff is on the server, how it becomes root, the helper's version, the port sshd accepted us on. */
export const PROBE_SCRIPT = sh`echo "user=$(id -un)"
echo "uid=$(id -u)"
if [ "$(id -u)" != 0 ] && sudo -n true 2>/dev/null; then echo sudo=yes; fi
if [ -x ${PATHS.rootHelper} ]; then
  if [ "$(id -u)" = 0 ]; then v=$(${helperCall('version', [], 'root')} 2>/dev/null || true); else v=$(${helperCall('version', [])} 2>/dev/null || true); fi
  echo "helper=$v"
fi
if [ -s ${PATHS.helperSigners} ]; then echo "signers=$(grep -c . ${PATHS.helperSigners})"; fi
echo "sshport=$(echo "$SSH_CONNECTION" | awk '{print $4}')"
echo "client=$(echo "$SSH_CONNECTION" | awk '{print $1}')"
if [ -f /etc/debian_version ]; then echo debian=yes; fi
echo "arch=$(uname -m)"`;

/** "Test connection": OS, kernel, uptime, CPUs, memory and disk (parsed by servers/facts.ts). */
export const FACTS_SCRIPT = sh`. /etc/os-release 2>/dev/null || true
echo "hostname=$(hostname)"
echo "os=\${PRETTY_NAME:-$(uname -s)}"
echo "kernel=$(uname -r)"
echo "arch=$(uname -m)"
echo "uptime=$(cut -d' ' -f1 /proc/uptime)"
echo "cpus=$(nproc)"
echo "memTotalKb=$(awk '/^MemTotal:/{print $2}' /proc/meminfo)"
echo "memAvailableKb=$(awk '/^MemAvailable:/{print $2}' /proc/meminfo)"
df -P -B1 / | awk 'NR==2{print "diskTotal="$2; print "diskUsed="$3; print "diskAvailable="$4; print "diskMount="$6}'`;

/** Ports something listens on (`ss -ltnH`), for port allocation. */
export const LISTENING_SCRIPT = sh`ss -ltnH`;

/** The server's CPU (`uname -m`), for official release downloads. */
export const ARCH_SCRIPT = sh`uname -m`;

/**
 * A shell line that writes `content` to `path` exactly (base64 survives any byte) through a temp
 * file renamed into place, optionally checked first (e.g. `visudo -cf`), so a bad file never lands.
 */
export function writeFileScript(path: string, content: string, mode: string, validate?: 'visudo'): ShellText {
  const tmp = `${path}.skiff-new`;
  const check = validate === 'visudo' ? sh` && { visudo -cf ${tmp} >/dev/null || { rm -f ${tmp}; false; }; }` : sh``;
  return sh`printf '%s' ${Buffer.from(content, 'utf8').toString('base64')} | base64 -d > ${tmp} && chmod ${mode} ${tmp} && chown root:root ${tmp}${check} && mv -f ${tmp} ${path}`;
}

/** Bootstrap (as root): the helper itself, and this desktop's key among those that may sign its updates. */
export function installHelperScript(helper: string, signersLine: string): ShellText {
  return sh`install -d -m 0755 -o root -g root /etc/skiff
touch ${PATHS.helperSigners} && chmod 0644 ${PATHS.helperSigners}
grep -qxF ${signersLine} ${PATHS.helperSigners} || printf '%s\\n' ${signersLine} >> ${PATHS.helperSigners}
${writeFileScript(PATHS.rootHelper, helper, '0755')}
${PATHS.rootHelper} version`;
}

/** Through an older helper (no signatures yet): its self-update took the new script as is. */
export function legacySelfUpdateScript(helper: string): ShellText {
  return sh`printf '%s' ${Buffer.from(helper).toString('base64')} | base64 -d | sudo -n ${PATHS.rootHelper} self-update`;
}

export function signerPresentScript(line: string): ShellText {
  return sh`grep -qxF ${line} ${PATHS.helperSigners}`;
}

export function signersInitScript(publicKey: string): ShellText {
  return sh`printf '%s\\n' ${publicKey} | ${helperCall('signers-init', [])}`;
}

/** Marker in a deploy user's GECOS: an account Skiff made (and may therefore reuse). */
export const DEPLOY_USER_COMMENT = 'Skiff deploy user';

/** Whether the account exists, and whether Skiff made it. */
export function deployUserCheckScript(user: string): ShellText {
  return sh`if ent=$(getent passwd ${user}); then echo exists=yes; echo "comment=$(printf '%s' "$ent" | cut -d: -f5)"; echo "uid=$(printf '%s' "$ent" | cut -d: -f3)"; else echo exists=no; fi
echo "uid_min=$(awk '$1 == "UID_MIN" {print $2}' /etc/login.defs 2>/dev/null || echo 1000)"`;
}

export function createDeployUserScript(user: string): ShellText {
  return sh`useradd --create-home --shell /bin/bash --user-group --comment ${DEPLOY_USER_COMMENT} ${user} && echo "created ${user}"`;
}

/** authorized_keys of `user`, in the home folder the system says it has. */
export function authorizedKeysCheckScript(user: string, keys: string[]): ShellText {
  const home = sh`"$(getent passwd ${user} | cut -d: -f6)"`;
  return joinSh([sh`home=${home}`, ...keys.map((k) => sh`grep -qxF ${k} "$home/.ssh/authorized_keys" 2>/dev/null || exit 1`)]);
}

export function authorizeKeysScript(user: string, keys: string[], asRoot: boolean): ShellText {
  return sh`umask 077
home="$(getent passwd ${user} | cut -d: -f6)"
[ -n "$home" ] && [ -d "$home" ] || { echo "${user} has no home folder" >&2; exit 1; }
install -d -m 700 "$home/.ssh"
touch "$home/.ssh/authorized_keys"
${joinSh(keys.map((k) => sh`grep -qxF ${k} "$home/.ssh/authorized_keys" || printf '%s\\n' ${k} >> "$home/.ssh/authorized_keys"`))}
chmod 600 "$home/.ssh/authorized_keys"
${asRoot ? sh`chown -R ${user}:${user} "$home/.ssh"` : sh`:`}
echo "authorized ${keys.length} key(s)"`;
}

export function sudoersReadScript(user: string): ShellText {
  return sh`cat ${PATHS.sudoers(user)} 2>/dev/null || true`;
}

export function sudoersWriteScript(user: string): ShellText {
  return writeFileScript(PATHS.sudoers(user), renderSudoers(user), '0440', 'visudo');
}

/** How many packages an upgrade would change. */
export const PENDING_UPGRADES_SCRIPT = sh`apt-get -s -o Debug::NoLocking=1 upgrade | grep -c '^Inst' || true`;

export function missingPackagesScript(packages: readonly string[]): ShellText {
  return sh`for p in ${packages}; do dpkg-query -W -f='$''{Status}\\n' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"; done`;
}

/** Whether /proc hides other users' processes, now and in fstab. */
export const HIDEPID_CHECK_SCRIPT = sh`grep -Eq '^proc /proc proc [^ ]*hidepid=(2|invisible)' /proc/mounts && grep -Eq '^[^#]*[[:space:]]/proc[[:space:]]+proc[[:space:]]+[^[:space:]]*hidepid=' /etc/fstab && echo hidden=yes || echo hidden=no`;

export function layoutCheckScript(user: string): ShellText {
  return sh`stat -c '%U:%G %a' /opt/skiff /opt/skiff/apps 2>/dev/null || true
[ "$(stat -c %U /opt/skiff/apps 2>/dev/null)" = ${user} ] || echo not-owned`;
}

/** Apps of this server as systemd knows them, and the user each runs as (any user may read this). */
export const APP_UNITS_SCRIPT = sh`for u in /etc/systemd/system/skiff-*.service; do
  [ -e "$u" ] || continue
  n=$(basename "$u" .service)
  echo "unit=\${n#skiff-} $(systemctl show -p User --value "$n" 2>/dev/null)"
done`;

/** The files hardening manages, as they are now (the deploy user can read them). */
export const HARDENING_FILES_SCRIPT = sh`echo "==jail=="; cat ${PATHS.fail2banJail} 2>/dev/null || true
echo "==filter=="; cat ${PATHS.fail2banFilter} 2>/dev/null || true
echo "==sysctl=="; cat ${PATHS_SYSTEM.sysctl} 2>/dev/null || true
echo "==modprobe=="; cat ${PATHS_SYSTEM.modprobe} 2>/dev/null || true
echo "==issue=="; cat ${PATHS_SYSTEM.issue} 2>/dev/null || true
echo "==issuenet=="; cat ${PATHS_SYSTEM.issueNet} 2>/dev/null || true
echo "==limits=="; cat ${PATHS_SYSTEM.limits} 2>/dev/null || true
echo "==coredump=="; cat ${PATHS_SYSTEM.coredump} 2>/dev/null || true`;

/** A command's output with its errors folded in (sshd -t, ufw status), its exit code kept. */
export function withStderr(command: ShellText): ShellText {
  return sh`${command} 2>&1`;
}

/** Only the exit code of a command matters (a status check). */
export function quietly(command: ShellText): ShellText {
  return sh`${command} >/dev/null 2>&1`;
}
