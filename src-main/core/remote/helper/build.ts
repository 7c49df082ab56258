// Assembles Skiff's root helper (/usr/local/sbin/skiff-root) from its parts: argument validators
// and the dispatcher generated from the verb table (verbs.ts), the templates of every file it
// writes (../templates), and the verb bodies (verbBodies.ts). Versioned by a hash of its content.
import { createHash } from 'node:crypto';
import { AUTO_UPGRADES } from '../templates/autoUpgrades';
import { SITE_TEMPLATE } from '../templates/caddySite';
import { ENV_LINE } from '../templates/envFile';
import { FILTER, JAIL_TEMPLATE } from '../templates/fail2ban';
import { HOST_KEYS_WITHOUT_ECDSA, SSHD_TEMPLATE } from '../templates/sshd';
import { COREDUMP_HARDENING, LIMITS_HARDENING, LOGIN_BANNER, MODPROBE_HARDENING, ROOT_ONLY, SYSCTL_HARDENING, loginDefsAwk } from '../templates/systemHardening';
import { UNIT_TEMPLATE } from '../templates/systemdUnit';
import { ARG_KINDS, bashValidator, type ArgKindName } from './args';
import { AUDIT_SCRIPT } from './audit';
import { BACKUP_DB_AS_SERVICE, BACKUP_FILES_AS_SERVICE, BACKUP_FUNCTIONS } from './backupBodies';
import { RECORD_FUNCTIONS } from './recordBodies';
import { STATUS_FUNCTIONS } from './statusBodies';
import { SCHEDULE_FUNCTIONS } from './scheduleBodies';
import { BACKUP_SERVICE_TEMPLATE, BACKUP_TIMER_TEMPLATE } from '../templates/backupSchedule';
import { HELPER_FUNCTIONS, SNAPSHOT_AS_SERVICE } from './verbBodies';
import { HEALTH_WAIT_FUNCTION } from '../scripts/healthWait';
import { VERBS, type VerbSpec } from './verbs';

/** Every file the helper can write, by the name its `render` knows it. */
export const HELPER_TEMPLATES: Record<string, string> = {
  unit: UNIT_TEMPLATE,
  site: SITE_TEMPLATE,
  sshd: SSHD_TEMPLATE,
  hostKeysWithoutEcdsa: HOST_KEYS_WITHOUT_ECDSA,
  sysctl: SYSCTL_HARDENING,
  modprobe: MODPROBE_HARDENING,
  banner: LOGIN_BANNER,
  limits: LIMITS_HARDENING,
  coredump: COREDUMP_HARDENING,
  fail2banJail: JAIL_TEMPLATE,
  fail2banFilter: FILTER,
  autoUpgrades: AUTO_UPGRADES,
  backupService: BACKUP_SERVICE_TEMPLATE,
  backupTimer: BACKUP_TIMER_TEMPLATE,
};

// Line 2 names the version, so a script can read it without running the helper through sudo.
const HEADER = `#!/bin/bash
# skiff-root @VERSION@
# Managed by Skiff: the only command Skiff's deploy user may run as root (/etc/sudoers.d/skiff-*).
# Every verb takes checked arguments and renders the files it writes from its own templates; the
# only verb that installs content it is given (self-update) needs a signature from a desktop key in
# /etc/skiff/helper-signers. See Skiff's docs/security.md. Do not edit: Skiff replaces this file.
set -euo pipefail
umask 022
shopt -u patsub_replacement 2>/dev/null || true
export DEBIAN_FRONTEND=noninteractive LC_ALL=C PATH=/usr/sbin:/usr/bin:/sbin:/bin
STATE=/var/lib/skiff
APPS=/opt/skiff/apps
verb=""
die() { echo "skiff-root: $*" >&2; exit 64; }
`;

/** A heredoc can hold any text but a line equal to its terminator. */
function heredoc(name: string, text: string): string {
  const end = 'SKIFF_END_OF_TEXT';
  if (text.split('\n').includes(end)) throw new Error(`${name} contains the heredoc terminator`);
  return `${name}() { cat <<'${end}'\n${text}${text.endsWith('\n') ? '' : '\n'}${end}\n}`;
}

/** A text the helper hands to `bash -c`: read by a builtin, not by `$(cat …)`, which forked on every call. */
function textVariable(name: string, text: string): string {
  return `IFS= read -r -d '' ${name} <<'SKIFF_END_OF_TEXT' || true\n${text}\nSKIFF_END_OF_TEXT`;
}

export function verbFunction(verb: string): string {
  return `verb_${verb.replace(/-/g, '_')}`;
}

function dispatchArm(verb: string, spec: VerbSpec): string {
  // `"$\{10}"`, not `"$10"`: bash reads the latter as "$1" followed by a 0.
  const checks = spec.args.map((kind, i) => `valid_${kind} "\${${i + 1}}"`);
  const count = spec.rest
    ? `[ $# -ge ${spec.args.length + 1} ] || die "${verb} needs at least ${spec.args.length + 1} argument(s)"; for a in "$@"; do valid_${spec.rest} "$a"; done`
    : `need ${spec.args.length} "$@"`;
  const trail = spec.reads ? [] : ['trail_on "$@"'];
  return `  ${verb}) ${[count, ...checks, ...trail, `${verbFunction(verb)} "$@"`].join('; ')} ;;`;
}

/** Everything but the dispatcher: the helper's functions, which tests source to compare with TypeScript. */
function library(): string {
  const kinds = Object.keys(ARG_KINDS) as ArgKindName[];
  const bodies = (HELPER_FUNCTIONS + RECORD_FUNCTIONS + STATUS_FUNCTIONS + BACKUP_FUNCTIONS + SCHEDULE_FUNCTIONS).replaceAll('$\\{', '${').replace('@ENV_LINE@', ENV_LINE).replace('@ROOT_ONLY@', ROOT_ONLY.join(' '));
  return [
    HEADER,
    kinds.map(bashValidator).join('\n'),
    Object.entries(HELPER_TEMPLATES).map(([name, text]) => heredoc(`tpl_${name}`, text)).join('\n'),
    textVariable('AUDIT_SCRIPT', AUDIT_SCRIPT),
    textVariable('LOGIN_DEFS_AWK', loginDefsAwk()),
    textVariable('SNAPSHOT_AS_SERVICE', SNAPSHOT_AS_SERVICE),
    textVariable('BACKUP_DB_AS_SERVICE', BACKUP_DB_AS_SERVICE),
    textVariable('BACKUP_FILES_AS_SERVICE', BACKUP_FILES_AS_SERVICE),
    HEALTH_WAIT_FUNCTION.text,
    bodies,
  ].join('\n');
}

function assemble(): string {
  return [
    library(),
    // The job that asks, for the trail and the record (optional: timers and old desktops send none).
    'if [[ "${1:-}" == --job=* ]]; then valid_jobContext "$1"; job_context "$1"; shift; fi',
    `VERBS_ON_APP=' ${Object.entries(VERBS).filter(([, spec]) => spec.args[0] === 'app').map(([verb]) => verb).join(' ')} '`,
    '[ $# -gt 0 ] || die "usage: skiff-root [--job=ID,KIND,INSTALLATION,WHO] <verb> [args]"',
    'verb=$1; shift',
    'case "$verb" in',
    ...Object.entries(VERBS).map(([verb, spec]) => dispatchArm(verb, spec)),
    '  *) die "unknown verb: $verb" ;;',
    'esac',
    '',
  ].join('\n');
}

function build(): { script: string; version: string } {
  const body = assemble();
  const version = createHash('sha256').update(body).digest('hex').slice(0, 16);
  return { script: body.replaceAll('@VERSION@', version), version };
}

export const ROOT_HELPER = build();

/** The helper's functions without its dispatcher (for tests that call them one by one). */
export const HELPER_LIBRARY = library().replaceAll('@VERSION@', ROOT_HELPER.version);
