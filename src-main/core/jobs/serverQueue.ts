// Who may run when on one server. A server job (setup, harden, audit…) runs alone. App jobs run
// side by side, one per app (the app's remote lock guards the same rule across desktops), at most
// APP_JOBS_PER_SERVER at once (each holds a channel of the server's one SSH connection, and sshd
// allows 10). First come, first served: a waiting server job holds back app jobs queued after it,
// and a job never overtakes an earlier one of its own app.

export const APP_JOBS_PER_SERVER = 4;

export interface QueueKey { serverId: string; appId?: string }

interface Waiter { appId?: string; grant: () => void }

interface ServerState {
  serverJob: boolean;
  apps: Set<string>;
  waiting: Waiter[];
}

export class ServerQueue {
  private readonly servers = new Map<string, ServerState>();

  constructor(private readonly appJobsPerServer = APP_JOBS_PER_SERVER) {}

  /** Resolves when the job may start, with the function to call once it has ended. */
  acquire(key: QueueKey): Promise<() => void> {
    const s = this.state(key.serverId);
    return new Promise((resolve) => {
      s.waiting.push({
        appId: key.appId,
        grant: () => resolve(() => this.release(key)),
      });
      this.dispatch(key.serverId);
    });
  }

  /** How many jobs run or wait on the server (for tests). */
  size(serverId: string): number {
    const s = this.servers.get(serverId);
    return s ? s.apps.size + (s.serverJob ? 1 : 0) + s.waiting.length : 0;
  }

  private state(serverId: string): ServerState {
    let s = this.servers.get(serverId);
    if (!s) this.servers.set(serverId, (s = { serverJob: false, apps: new Set(), waiting: [] }));
    return s;
  }

  private release(key: QueueKey): void {
    const s = this.state(key.serverId);
    if (key.appId === undefined) s.serverJob = false;
    else s.apps.delete(key.appId);
    this.dispatch(key.serverId);
  }

  /** Starts, in order, every waiting job the rules let through. */
  private dispatch(serverId: string): void {
    const s = this.state(serverId);
    const heldBack = new Set<string>();
    for (let i = 0; i < s.waiting.length; i++) {
      const w = s.waiting[i];
      if (s.serverJob) break;
      if (w.appId === undefined) {
        // A server job waits for every running job, and nothing queued after it goes first.
        if (s.apps.size === 0) {
          s.serverJob = true;
          s.waiting.splice(i--, 1);
          w.grant();
        }
        break;
      }
      if (heldBack.has(w.appId) || s.apps.has(w.appId) || s.apps.size >= this.appJobsPerServer) {
        heldBack.add(w.appId);
        continue;
      }
      s.apps.add(w.appId);
      s.waiting.splice(i--, 1);
      w.grant();
    }
    if (!s.serverJob && s.apps.size === 0 && s.waiting.length === 0) this.servers.delete(serverId);
  }
}
