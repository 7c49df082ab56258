// The server's audit trail (written by the helper, root-owned) read back and merged with this
// desktop's job history, so two people sharing a server see each other's deploys with who and when.
// Trail lines come from the server: each field is checked against its pattern, the rest dropped.
import type { NodeSSH } from 'node-ssh';
import type { App, Job, TrailEntry } from '../../../src-shared/domain';
import { SkiffError } from '../../../src-shared/errors';
import { helperCall } from '../remote/helper/verbs';
import { runScript } from '../ssh/exec';

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}$/;
const FIELD = /^[A-Za-z0-9._@:+ ()/,-]{0,300}$/;

/** One helper trail line: when, installation, who, job, kind, verb, target, args, outcome (tab-separated). */
export function parseTrailLine(line: string, myInstallation: string): TrailEntry | undefined {
  const f = line.split('\t');
  if (f.length !== 9 || !TIME.test(f[0]) || !f.slice(1).every((x) => FIELD.test(x))) return undefined;
  const [at, installation, who, jobId, jobKind, verb, target, args, outcome] = f;
  // "+0000" → "+00:00": an ISO time every Date parses.
  return { at: `${at.slice(0, -2)}:${at.slice(-2)}`, source: 'server', installation, who, jobId, jobKind, verb, target, args, outcome, mine: installation === myInstallation };
}

export async function readServerTrail(ssh: NodeSSH, lines: number, myInstallation: string): Promise<TrailEntry[]> {
  const res = await runScript(ssh, helperCall('trail-read', [lines]).text);
  if (res.code !== 0) {
    if (/unknown verb/.test(res.stderr)) throw new SkiffError('SETUP_REQUIRED', { message: "Skiff's helper on this server is from an older Skiff and keeps no audit trail yet.", fix: 'Deploy any app or run "Set up": the helper is updated, and the trail starts.' });
    throw new SkiffError('REMOTE_COMMAND_FAILED', { detail: `exit ${res.code}: ${res.stderr.trim().slice(-300)}` });
  }
  return res.stdout.split('\n').map((l) => parseTrailLine(l, myInstallation)).filter((e): e is TrailEntry => !!e);
}

/**
 * The server's lines, plus each local job of this server that left none there (a read-only job,
 * one that failed before changing anything, or one from before the trail existed), newest first.
 * For an app: its lines and its jobs only.
 */
export function mergeTrail(server: TrailEntry[], local: Job[], o: { installation: string; who: string; app?: App; appNames: Map<string, string> }): TrailEntry[] {
  const onServer = new Set(server.map((e) => e.jobId));
  const mine = local
    .filter((j) => !onServer.has(j.id) && (!o.app || j.appId === o.app.id))
    .map((j): TrailEntry => ({
      at: j.startedAt ?? j.createdAt, source: 'local', installation: o.installation, who: o.who, jobId: j.id, jobKind: j.kind, verb: '', target: j.appId ? (o.appNames.get(j.appId) ?? 'app') : 'server', args: j.title, outcome: j.status, mine: true,
    }));
  const theirs = o.app ? server.filter((e) => e.target === o.app!.name) : server;
  return [...theirs, ...mine].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
}
