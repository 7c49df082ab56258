// Every verb of Skiff's root helper, with the kinds of its arguments and what it reads on stdin.
// This table is the only way TypeScript can call the helper (`helperCall`), and the helper's
// dispatcher is generated from it (build.ts), so a verb exists on both sides or on neither.
import { SkiffError } from '../../../../src-shared/errors';
import { PATHS } from '../paths';
import { sh, type ShellText } from '../quote';
import { argIsValid, ARG_KINDS, type ArgKindName, type ArgValue } from './args';

export interface VerbSpec {
  args: readonly ArgKindName[];
  /** Further arguments, all of one kind (apt-install's packages). */
  rest?: ArgKindName;
  /** What the verb reads on stdin, if anything (documented in docs/security.md). */
  stdin?: string;
  /** One line for docs/security.md: what this verb can change as root. */
  does: string;
  /** Changes nothing: no line in the server's audit trail. */
  reads?: boolean;
}

function v<const A extends readonly ArgKindName[], const R extends ArgKindName | undefined = undefined>(args: A, does: string, more: { rest?: R; stdin?: string; reads?: boolean } = {}): { args: A; does: string; rest: R; stdin?: string; reads?: boolean } {
  return { args, does, rest: more.rest as R, stdin: more.stdin, reads: more.reads };
}
const reads = { reads: true } as const;

export const VERBS = {
  version: v([], 'prints the helper version', reads),
  // packages and system
  'apt-update': v([], 'refreshes package lists'),
  'apt-security-source': v([], "adds the release's security repository to apt's sources when none is configured (/etc/apt/sources.list.d/skiff-security.list)"),
  'apt-upgrade': v([], 'upgrades installed packages (keeping changed config files)'),
  'apt-install': v([], 'installs packages from a fixed list', { rest: 'package' }),
  'auto-upgrades-show': v([], 'prints /etc/apt/apt.conf.d/20auto-upgrades', reads),
  'auto-upgrades-apply': v([], 'writes /etc/apt/apt.conf.d/20auto-upgrades from its template'),
  'proc-hidepid': v([], 'mounts /proc with hidepid=invisible (and records it in /etc/fstab) so users see only their own processes'),
  'layout-init': v(['user'], 'creates /opt/skiff (root) and /opt/skiff/apps (deploy user, 0711) and /etc/skiff/apps (root, 0700)'),
  'signers-init': v([], 'installs the desktop key allowed to sign helper updates, only when none is installed yet', { stdin: 'one ssh-ed25519 public key line' }),
  'self-update': v([], 'replaces this helper with a new one signed by an installed desktop key', { stdin: 'base64 of the new helper, then an SSH signature' }),
  audit: v([], 'reads security state (sshd -T, ufw, fail2ban, listening ports, updates, sudoers, apps); changes nothing', reads),
  // ssh hardening
  'sshd-show': v([], 'prints the current Skiff sshd drop-in', reads),
  'sshd-apply': v(['yesNo'], 'writes the sshd drop-in from its template, without the ECDSA host key when asked (the previous file is kept for restore)'),
  'sshd-restore': v([], 'puts the previous sshd drop-in back'),
  'sshd-test': v([], 'runs sshd -t', reads),
  'sshd-effective': v([], 'prints sshd -T', reads),
  'ssh-reload': v([], 'reloads sshd'),
  'revert-arm': v(['seconds'], 'arms a timer that restores the previous sshd drop-in unless disarmed'),
  'revert-disarm': v([], 'disarms that timer'),
  'revert-now': v([], 'restores the previous sshd drop-in and reloads sshd (run by the timer)'),
  'system-harden': v([], 'writes kernel and network settings (/etc/sysctl.d/90-skiff-hardening.conf), turns off unused protocols and devices (/etc/modprobe.d/skiff-hardening.conf), the login banner (/etc/issue, /etc/issue.net) and password aging (/etc/login.defs)'),
  'system-restore': v([], 'removes the kernel settings system-harden wrote and puts back the values it replaced'),
  'ufw-status': v([], 'prints ufw status', reads),
  'ufw-apply': v(['port'], 'ufw: deny incoming, allow outgoing, allow the SSH port, 80 and 443; enable'),
  'ufw-disable': v([], 'disables ufw'),
  'fail2ban-show': v([], 'prints the Skiff fail2ban jail', reads),
  'fail2ban-apply': v(['port'], 'writes the Skiff sshd jail and filter from templates, restarts fail2ban'),
  'fail2ban-status': v([], 'prints the sshd jail status', reads),
  'fail2ban-unban': v(['ip'], 'lifts a ban of one address'),
  'sudoers-show': v(['user'], 'prints /etc/sudoers.d/skiff-USER', reads),
  // apps
  'app-init': v(['app'], "creates the app's service user and folders with their owners (and moves an app of the old layout to them)"),
  'app-unit': v(['app', 'appPort', 'binary'], "writes the app's systemd unit from its template (sandboxed, runs as the service user)"),
  'app-site': v(['app', 'domain', 'appPort', 'tls', 'megabytes'], "writes the app's Caddy site from its template; Caddy must accept the whole config"),
  'app-site-remove': v(['app'], "removes the app's Caddy site"),
  'app-env': v(['app'], "writes /etc/skiff/apps/APP.env (root-owned, 0600) from checked KEY=\"value\" lines", { stdin: 'env file lines' }),
  'app-service': v(['serviceAction', 'app'], "starts, stops or restarts the app's service, or reports its state"),
  'app-show': v(['app'], "prints the app's service state (systemctl show)", reads),
  'app-journal': v(['app', 'lines'], "prints the last lines of the app's journal", reads),
  'app-journal-follow': v(['app'], "follows the app's journal", reads),
  'app-remove': v(['app'], "stops and removes the app's unit, site, env file, backup schedule, folder and service user (its backups stay)"),
  'app-layout': v(['app'], "prints who owns the app's folders and who its service runs as; changes nothing", reads),
  'data-snapshot': v(['app'], "writes a consistent snapshot of the app's pb_data to stdout (read as the service user)", reads),
  'data-restore': v(['app'], "stops the app and replaces its pb_data with a snapshot (written as the service user; the old data is kept aside)", { stdin: 'a snapshot (tar.zst)' }),
  // backups (docs/backups.md): kept in /var/lib/skiff/backups/APP/ID, root-only
  'backup-create': v(['app', 'backupId', 'backupKind', 'binary'], "takes a consistent backup of the app's pb_data (SQLite's online backup, read as the service user) and its release's hooks and migrations into /var/lib/skiff/backups/APP/ID"),
  'backup-read': v(['app', 'backupId'], 'writes one backup to stdout as a tar (manifest first)', reads),
  'backup-list': v(['app'], "lists the app's backups on this server with their manifests", reads),
  'backup-delete': v(['app', 'backupId'], 'deletes one backup from this server'),
  'backup-receive': v(['app', 'backupId'], 'keeps a backup sent by the desktop, after checking that it holds only backup parts, each matching its manifest', { stdin: 'a backup tar' }),
  'backup-check': v(['app', 'backupId', 'binary', 'releaseOrNone'], 'checks every part of a backup against its manifest and prints the PocketBase version the app would run it with; changes nothing', reads),
  'backup-restore': v(['app', 'backupId'], "stops the app and puts a checked backup in place of its pb_data (unpacked as the service user; the old data waits in shared/pb_data.replaced)"),
  'backup-restore-undo': v(['app'], 'stops the app and puts shared/pb_data.replaced back as its pb_data'),
  'backup-restore-done': v(['app'], 'removes shared/pb_data.replaced once the restored data serves'),
  'backup-drill': v(['app', 'backupId', 'binary'], "unpacks a backup into a scratch folder, checks its databases, runs the release's binary on it on a loopback port (no hooks), reads /api/health and record counts, and removes it all"),
  'schedule-apply': v(['app', 'binary', 'every', 'count', 'yesNo'], "writes the app's backup timer and service from templates (with or without a drill after each backup), and its off-server target (checked key=value lines, root 0600); installs restic when a target is set", { stdin: 'target settings, key=value lines (secrets base64)' }),
  'schedule-remove': v(['app'], "removes the app's backup timer, service and target (its backups stay)"),
  'schedule-status': v(['app'], "prints the app's backup schedule and the outcome of its last scheduled run; changes nothing", reads),
  'schedule-run': v(['app'], "runs the app's scheduled backup now (as the timer would) and prints the outcome"),
  'backup-scheduled': v(['app'], 'takes a scheduled backup, keeps the newest N here, pushes it to the target with restic and applies retention there (run by the timer)'),
  'backup-push': v(['app', 'backupId'], "pushes one backup to the app's off-server target with restic and applies retention there"),
  'backup-remote-list': v(['app'], "lists the app's backups on its off-server target; changes nothing", reads),
  'superuser-apply': v(['app', 'binary'], "creates or updates the PocketBase superuser, running the app's binary as its service user", { stdin: 'e-mail and password, one per line' }),
  'golive-arm': v(['app', 'user', 'releaseOrNone', 'releaseOrNone', 'seconds'], 'arms a timer that switches the app back to the previous release (restoring a data snapshot if named) unless confirmed'),
  golive: v(['app', 'user', 'release', 'releaseOrNone', 'releaseOrNone', 'seconds', 'appPort', 'seconds'], 'the go-live in one call: arms that timer, switches current to the release as the deploy user, restarts the app, waits for a 200 on /api/health, and disarms the timer (unhealthy: exit 4, the timer stays armed)'),
  'golive-confirm': v(['app'], 'disarms that timer: the new release is healthy'),
  // operations (docs/operations.md)
  status: v([], "prints the server's load, CPU counters, memory, disk, uptime, pending updates and reboot flag, and each app's service state, memory, CPU time, restarts, health answer, release and data size; changes nothing", reads),
  // the record and the trail (docs/drift.md)
  'trail-read': v(['lines'], "prints the last lines of the server's audit trail (/var/lib/skiff/trail.log and its rotated parts); changes nothing", reads),
  drift: v([], 'compares the server with what Skiff recorded writing, and reads sshd -T, ufw, fail2ban, Skiff\'s units, sudoers and dpkg --verify; changes nothing', reads),
  'drift-adopt': v(['recordedPath'], 'records a file Skiff wrote, as it is now, as the expected state (adopt)'),
  'sshd-comment-out': v(['sshdConfPath', 'lines'], "comments out one line that sets a hardened SSH keyword in a file sshd reads before Skiff's drop-in (a copy of the file is kept)"),
  'caddy-import': v([], "adds the import of Skiff's sites to /etc/caddy/Caddyfile if it is gone, and reloads Caddy"),
  'unit-enable-start': v(['skiffUnit'], 'enables and starts one of Skiff\'s installed units (skiff-*.service or .timer)'),
  'sshd-sources': v([], 'prints where each SSH setting Skiff hardens is set, in the order sshd reads its files; changes nothing', reads),
  'golive-revert': v(['app'], 'does now what the armed timer would: switches back (as the deploy user), restores the named snapshot, restarts; run by the timer, or by Skiff finishing an interrupted deploy'),
} as const satisfies Record<string, VerbSpec>;

export type Verb = keyof typeof VERBS;
type ArgTuple<A extends readonly unknown[]> = { -readonly [I in keyof A]: A[I] extends ArgKindName ? ArgValue<A[I]> : never };
/** The arguments of a verb, typed by kind (string or number), in order. */
export type HelperArgs<V extends Verb> = (typeof VERBS)[V]['rest'] extends ArgKindName
  ? [...ArgTuple<(typeof VERBS)[V]['args']>, ...string[]]
  : ArgTuple<(typeof VERBS)[V]['args']>;

/** How a call reaches root: through sudo (the deploy user) or directly (setup as root). */
export type Via = 'sudo' | 'root';

/**
 * Renders one helper call. Arguments are checked against their kinds here, so a bad value fails
 * in Skiff with a clear error instead of on the server (which checks again).
 */
export function helperCall<V extends Verb>(verb: V, args: HelperArgs<V>, via: Via = 'sudo'): ShellText {
  const spec: VerbSpec = VERBS[verb];
  const values = args as unknown as (string | number)[];
  if (values.length < spec.args.length || (!spec.rest && values.length !== spec.args.length)) {
    throw new Error(`skiff-root ${verb} takes ${spec.args.length} argument(s), got ${values.length}`);
  }
  values.forEach((value, i) => {
    const kind = spec.args[i] ?? spec.rest!;
    if (!argIsValid(kind, value)) {
      throw new SkiffError('INVALID_INPUT', { message: `Skiff refused to send "${String(value).slice(0, 80)}" to the server: it is not ${ARG_KINDS[kind].what}.` });
    }
  });
  const words = [verb, ...values];
  const job = jobWord(verb, spec);
  return via === 'root' ? sh`${PATHS.rootHelper}${job} ${words}` : sh`sudo -n ${PATHS.rootHelper}${job} ${words}`;
}

/**
 * A changing verb names the job that calls it, for the server's trail: the job runner sets
 * SKIFF_JOB at the top of each script it runs (runner.ts); outside a job the word is left out.
 * self-update goes without: it is what makes an older helper understand the word.
 */
function jobWord(verb: Verb, spec: VerbSpec): ShellText {
  return spec.reads || verb === 'self-update' ? sh`` : sh` \${SKIFF_JOB:+"$SKIFF_JOB"}`;
}

/** The script line that names the job for the helper calls after it (see jobWord). */
export function jobContextLine(job: { id: string; kind: string; installation: string; who: string }): ShellText {
  const word = `--job=${job.id},${job.kind},${job.installation},${job.who.replace(/[^A-Za-z0-9._@-]/g, '_').slice(0, 96)}`;
  if (!argIsValid('jobContext', word)) throw new Error(`not a job context: ${word}`);
  return sh`SKIFF_JOB=${word}`;
}

/** A job's script, preceded by the line that names the job to the helper calls in it. */
export function scriptOfJob(job: { id: string; kind: string; installation: string; who: string }, script: string): string {
  return `${jobContextLine(job).text}\n${script}`;
}
