// One pooled SSH connection per server: reused by every operation, kept alive, reopened on the
// next use after it drops. Concurrent callers share one connect attempt.
import type { NodeSSH } from 'node-ssh';
import type { ConnectionStatus } from '../../../src-shared/domain';
import { SkiffError } from '../../../src-shared/errors';
import { connectSsh, type ConnectOptions } from './connect';

export type ResolveConnectOptions = (serverId: string) => Promise<ConnectOptions>;

export class ConnectionPool {
  private readonly open = new Map<string, NodeSSH>();
  private readonly pending = new Map<string, Promise<NodeSSH>>();

  constructor(
    private readonly resolveOptions: ResolveConnectOptions,
    private readonly onStatus: (s: ConnectionStatus) => void = () => {},
  ) {}

  /** The server's live connection, opening (or reopening) it when needed. */
  async get(serverId: string): Promise<NodeSSH> {
    const live = this.open.get(serverId);
    if (live?.isConnected()) return live;
    if (live) this.forget(serverId, live);
    const inflight = this.pending.get(serverId);
    if (inflight) return inflight;
    const attempt = this.connect(serverId).finally(() => this.pending.delete(serverId));
    this.pending.set(serverId, attempt);
    return attempt;
  }

  isConnected(serverId: string): boolean {
    return this.open.get(serverId)?.isConnected() ?? false;
  }

  /** Closes the server's connection (credentials or host key changed, server removed). */
  drop(serverId: string): void {
    const live = this.open.get(serverId);
    if (live) {
      this.forget(serverId, live);
      live.dispose();
    }
  }

  closeAll(): void {
    for (const id of [...this.open.keys()]) this.drop(id);
  }

  private async connect(serverId: string): Promise<NodeSSH> {
    this.onStatus({ serverId, state: 'connecting' });
    try {
      const ssh = await connectSsh(await this.resolveOptions(serverId));
      const client = ssh.connection!;
      // After 'ready' ssh2 emits errors (keepalive timeout, reset) that would crash the process
      // without a listener; a dropped connection is simply forgotten and reopened on next use.
      client.on('error', () => this.forget(serverId, ssh));
      client.on('close', () => this.forget(serverId, ssh));
      this.open.set(serverId, ssh);
      this.onStatus({ serverId, state: 'connected' });
      return ssh;
    } catch (err) {
      const e = err instanceof SkiffError ? err : new SkiffError('INTERNAL', { detail: String(err) });
      this.onStatus({ serverId, state: 'error', error: e.message });
      throw e;
    }
  }

  private forget(serverId: string, ssh: NodeSSH): void {
    if (this.open.get(serverId) !== ssh) return;
    this.open.delete(serverId);
    this.onStatus({ serverId, state: 'idle' });
  }
}
