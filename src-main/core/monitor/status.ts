// Reads the helper's `status` output (statusBodies.ts) into a ServerStatus, and turns two of them
// into rates (CPU %). Everything in it comes from the server, and the app fields from the app's own
// unit and port: each value is checked against its shape, and a line that does not fit is dropped.
import type { AppRunState, AppStatus, ServerStatus } from '../../../src-shared/domain';
import { ARG_KINDS } from '../remote/helper/args';
import { kvOne, parseKv, splitSections } from '../remote/readBack';

const APP = new RegExp(ARG_KINDS.app.pattern);
const RELEASE = new RegExp(ARG_KINDS.release.pattern);
const UINT = /^\d{1,20}$/;

const num = (v: string | undefined): number | undefined => (v !== undefined && UINT.test(v) ? Number(v) : undefined);

/** systemd's ActiveState/SubState and the health answer, as the state a user reads. */
export function appRunState(active: string, sub: string, health: number | null): AppRunState {
  if (active === 'active') return health === 200 ? 'running' : 'starting';
  if (active === 'activating' || active === 'reloading') return 'starting';
  if (active === 'failed' || (active === 'inactive' && sub === 'failed')) return 'failed';
  if (active === 'deactivating' || active === 'inactive') return 'stopped';
  return 'unreachable';
}

function appLine(line: string): AppStatus | undefined {
  const fields = line.split('\t');
  if (fields.length !== 11) return undefined;
  const [app, active, sub, pid, since, mem, cpu, restarts, health, release, data] = fields;
  if (!APP.test(app ?? '') || !/^[a-z-]{1,20}$/.test(active ?? '') || !/^[a-z-]{0,30}$/.test(sub ?? '')) return undefined;
  const code = num(health);
  const h = code !== undefined && code >= 100 && code <= 599 ? code : null;
  const t = Date.parse(since ?? '');
  return {
    app,
    state: appRunState(active, sub, h),
    ...(Number.isFinite(t) ? { since: new Date(t).toISOString() } : {}),
    health: h,
    ...(RELEASE.test(release ?? '') ? { release } : {}),
    ...(num(pid) ? { pid: num(pid) } : {}),
    // systemd prints [not set] (or 2^64-1) for a unit without accounting.
    ...(num(mem) !== undefined && num(mem)! < 2 ** 60 ? { memoryBytes: num(mem) } : {}),
    ...(num(cpu) !== undefined && num(cpu)! < 2 ** 62 ? { cpuNs: num(cpu) } : {}),
    restarts: num(restarts) ?? 0,
    ...(num(data) !== undefined ? { dataBytes: num(data) } : {}),
  };
}

export function parseStatus(raw: string, at = new Date()): ServerStatus | undefined {
  const s = splitSections(raw);
  if (!s.has('end')) return undefined; // cut off: no half-read state
  const kv = parseKv(s.get('server') ?? '');
  const get = (k: string) => kvOne(kv, k);
  const nums = (k: string) => (get(k) ?? '').split(' ').map(Number).filter((n) => Number.isFinite(n) && n >= 0);
  const load = nums('load');
  const updates = num(get('updates'));
  return {
    at: at.toISOString(),
    uptimeSeconds: num(get('uptime')) ?? 0,
    load: [load[0] ?? 0, load[1] ?? 0, load[2] ?? 0],
    cpus: num(get('cpus')) ?? 1,
    cpuJiffies: nums('cpu').slice(0, 10),
    memory: { totalBytes: num(get('mem_total')) ?? 0, availableBytes: num(get('mem_available')) ?? 0 },
    disk: { totalBytes: num(get('disk_total')) ?? 0, usedBytes: num(get('disk_used')) ?? 0 },
    rebootRequired: get('reboot') === 'yes',
    pendingUpdates: updates ?? null,
    apps: (s.get('apps') ?? '').split('\n').filter(Boolean).map(appLine).filter((a): a is AppStatus => !!a),
  };
}

/** The server's CPU use between two polls, 0–100 (idle and iowait count as idle). */
export function serverCpuPercent(prev: ServerStatus, next: ServerStatus): number | undefined {
  const total = (j: number[]) => j.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (j: number[]) => (j[3] ?? 0) + (j[4] ?? 0);
  const dt = total(next.cpuJiffies) - total(prev.cpuJiffies);
  if (!(dt > 0)) return undefined;
  return Math.min(100, Math.max(0, (100 * (dt - (idle(next.cpuJiffies) - idle(prev.cpuJiffies)))) / dt));
}

/** An app's CPU use between two polls, as % of one core (a restart in between gives nothing). */
export function appCpuPercent(prev: AppStatus | undefined, next: AppStatus, seconds: number): number | undefined {
  if (!prev || prev.pid !== next.pid || prev.cpuNs === undefined || next.cpuNs === undefined || seconds <= 0) return undefined;
  const d = next.cpuNs - prev.cpuNs;
  return d >= 0 ? (100 * d) / (seconds * 1e9) : undefined;
}
