// Servers as a user manages them: add, edit, remove, trust a host key, test the connection,
// import from ssh_config. Secrets go to the vault before anything is saved, so a failing keychain
// loses nothing and leaves no half-saved server.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { UpdateServerInput } from '../../../src-shared/contract';
import { addServerInput } from '../../../src-shared/contract';
import type { HostKeyScan, Server, SshConfigHost } from '../../../src-shared/domain';
import { SkiffError } from '../../../src-shared/errors';
import type { NodeSSH } from 'node-ssh';
import { connectSsh, scanHostKey, type ConnectOptions } from '../ssh/connect';
import { agentPublicKeys } from '../ssh/agent';
import { runScript } from '../ssh/exec';
import type { ConnectionPool } from '../ssh/pool';
import { publicKeyLine, decryptPrivateKey } from '../ssh/keys';
import type { ServerStore } from '../store/serverStore';
import { secretKey, type Vault } from '../vault/vault';
import { allSecretAccounts, CredentialLoader, resolveAuthInput, type ResolvedAuth } from './credentials';
import { parseFacts } from './facts';
import { FACTS_SCRIPT } from '../remote/scripts/serverScripts';
import { BAN } from '../remote/templates/fail2ban';
import { replacePasswordWithKey } from './firstContact';
import { parseSshConfig } from './sshConfig';
import { readSshConfigText } from './sshConfigIncludes';

type AddInput = ReturnType<typeof addServerInput.parse>;
type UpdateInput = Omit<UpdateServerInput, 'port'> & { port?: number };

export interface ServerServiceOptions {
  /** SSH handshake timeout (tests shorten it). */
  readyTimeoutMs?: number;
  onChanged?: (serverId: string) => void;
}

export class ServerService {
  readonly credentials: CredentialLoader;

  constructor(
    private readonly store: ServerStore,
    private readonly vault: Vault,
    private readonly pool: ConnectionPool,
    private readonly opts: ServerServiceOptions = {},
  ) {
    this.credentials = new CredentialLoader(vault, undefined, (id, blob) => this.pinAgentKey(id, blob));
  }

  list(): Server[] {
    return this.store.list();
  }

  get(id: string): Server {
    return this.store.get(id);
  }

  /** What the pool needs to open this server's connection. */
  async connectOptions(id: string): Promise<ConnectOptions> {
    const server = this.store.get(id);
    if (!server.hostKey) throw new SkiffError('HOST_KEY_UNTRUSTED');
    return {
      host: server.host,
      port: server.port,
      user: server.user,
      fingerprint: server.hostKey.fingerprint,
      credentials: await this.credentials.load(server),
      readyTimeoutMs: this.opts.readyTimeoutMs,
      banHint: server.hardening ? { clientIp: server.hardening.clientIp, banTime: BAN.banTimeText, maxRetry: BAN.maxRetry, findTime: BAN.findTimeText } : undefined,
    };
  }

  /** The agent key this server accepted: from now on the only one offered to it. */
  private pinAgentKey(id: string, blob: string): void {
    const server = this.store.list().find((s) => s.id === id);
    if (!server || server.auth.kind !== 'agent' || server.auth.pinnedKey) return;
    this.store.save({ ...server, auth: { kind: 'agent', pinnedKey: blob } });
  }

  async add(input: AddInput, resolveOpts: { allowMissingPassphrase?: boolean } = {}): Promise<Server> {
    if (this.store.findByName(input.name)) {
      throw new SkiffError('DUPLICATE_NAME', { message: `A server named "${input.name}" already exists.` });
    }
    const id = randomUUID();
    const resolved = await resolveAuthInput(id, input.auth, resolveOpts);
    await this.storeSecrets(resolved);
    const now = new Date().toISOString();
    const server: Server = { id, name: input.name, host: input.host, port: input.port, user: input.user, auth: resolved.auth, tags: input.tags?.length ? input.tags : undefined, createdAt: now, updatedAt: now };
    try {
      this.store.save(server);
    } catch (e) {
      await this.deleteSecrets(id, []);
      throw e;
    }
    this.changed(id);
    return server;
  }

  async update(input: UpdateInput): Promise<Server> {
    const current = this.store.get(input.id);
    if (input.name && input.name !== current.name) {
      const clash = this.store.findByName(input.name);
      if (clash && clash.id !== current.id) throw new SkiffError('DUPLICATE_NAME', { message: `A server named "${input.name}" already exists.` });
    }
    let auth = current.auth;
    if (input.auth) {
      const existingKey = current.auth.kind === 'keyFile' || current.auth.kind === 'generated'
        ? await this.vault.get(secretKey.privateKey(current.id))
        : null;
      const resolved = await resolveAuthInput(current.id, input.auth, { existingKey });
      await this.storeSecrets(resolved);
      await this.deleteSecrets(current.id, [...resolved.secrets.keys()]);
      auth = resolved.auth;
      // A new passphrase for the same key keeps the key's file label.
      if (auth.kind === 'keyFile' && !auth.keyPath && current.auth.kind === 'keyFile' && input.auth.kind === 'keyFile' && !input.auth.privateKey) {
        auth = { ...auth, keyPath: current.auth.keyPath };
      }
    }
    const endpointChanged = (input.host && input.host !== current.host) || (input.port && input.port !== current.port);
    const next: Server = {
      ...current,
      name: input.name ?? current.name,
      host: input.host ?? current.host,
      port: input.port ?? current.port,
      user: input.user ?? current.user,
      auth,
      tags: input.tags ? (input.tags.length ? input.tags : undefined) : current.tags,
      // A different address is a different machine until the user confirms its key.
      hostKey: endpointChanged ? undefined : current.hostKey,
      updatedAt: new Date().toISOString(),
    };
    this.store.save(next);
    this.credentials.forget(current.id);
    this.pool.drop(current.id);
    this.changed(current.id);
    return next;
  }

  async remove(id: string): Promise<void> {
    this.store.get(id);
    this.pool.drop(id);
    this.credentials.forget(id);
    await this.deleteSecrets(id, []);
    this.store.remove(id);
    this.changed(id);
  }

  async scanHostKey(id: string): Promise<HostKeyScan> {
    const server = this.store.get(id);
    const scanned = await scanHostKey(server.host, server.port, this.opts.readyTimeoutMs);
    const pinned = server.hostKey?.fingerprint;
    return {
      serverId: id,
      fingerprint: scanned.fingerprint,
      algorithm: scanned.algorithm,
      ...(pinned ? { pinned } : {}),
      status: !pinned ? 'new' : pinned === scanned.fingerprint ? 'matches' : 'changed',
    };
  }

  /** Pins the key the user confirmed; re-scans so that what is pinned is what the user saw. */
  async trustHostKey(id: string, fingerprint: string, replace: boolean): Promise<Server> {
    const server = this.store.get(id);
    const scanned = await scanHostKey(server.host, server.port, this.opts.readyTimeoutMs);
    if (scanned.fingerprint !== fingerprint) {
      throw new SkiffError('HOST_KEY_CHANGED_DURING_CONFIRM', { detail: `You confirmed ${fingerprint}; the server now presents ${scanned.fingerprint}.` });
    }
    if (server.hostKey && server.hostKey.fingerprint !== fingerprint && !replace) {
      throw new SkiffError('HOST_KEY_MISMATCH', { detail: `Pinned ${server.hostKey.fingerprint}; the server presents ${fingerprint}.` });
    }
    const next: Server = {
      ...server,
      hostKey: { fingerprint, algorithm: scanned.algorithm, pinnedAt: new Date().toISOString() },
      updatedAt: new Date().toISOString(),
    };
    this.store.save(next);
    this.pool.drop(id);
    this.changed(id);
    return next;
  }

  /** Logs in through the pool and records OS, kernel, uptime, CPUs, memory and disk. */
  async testConnection(id: string): Promise<Server> {
    let server = this.store.get(id);
    if (!server.hostKey) throw new SkiffError('HOST_KEY_UNTRUSTED');
    if (server.auth.kind === 'password') server = await this.switchPasswordToKey(server);
    if (server.auth.kind === 'keyFile' && !server.auth.publicKey) server = await this.completeKeyFile(server);
    const ssh = await this.pool.get(id);
    const res = await runScript(ssh, FACTS_SCRIPT.text, { check: true });
    const next: Server = { ...this.store.get(id), facts: parseFacts(res.stdout) };
    this.store.save(next);
    this.changed(id);
    return next;
  }

  /** Applies a change to a stored server (jobs record setup, hardening and audits this way). */
  async patch(id: string, change: (s: Server) => Server): Promise<Server> {
    const before = this.store.get(id);
    const next = { ...change(before), updatedAt: new Date().toISOString() };
    this.store.save(next);
    if (next.user !== before.user) this.pool.drop(id);
    this.changed(id);
    return next;
  }

  /** A password server becomes a key server before any job runs (first contact only). */
  async ensureKeyLogin(id: string): Promise<Server> {
    const server = this.store.get(id);
    if (!server.hostKey) throw new SkiffError('HOST_KEY_UNTRUSTED');
    return server.auth.kind === 'password' ? this.switchPasswordToKey(server) : server;
  }

  /** The public keys to put in the app user's authorized_keys: the key Skiff logs in with, or the agent's keys. */
  async authorizableKeys(id: string): Promise<string[]> {
    const server = this.store.get(id);
    if (server.auth.kind === 'agent') {
      const creds = await this.credentials.load(server);
      if (creds.kind !== 'agent') return [];
      return agentPublicKeys(creds.socket);
    }
    if (server.auth.kind === 'keyFile' && !server.auth.publicKey) await this.completeKeyFile(server);
    const pub = this.publicKey(id);
    if (!pub) throw new SkiffError('SECRET_MISSING', { message: 'Skiff does not know the public half of this server\'s key.' });
    return [pub];
  }

  /** A fresh connection (not the pooled one) as another user with the same credentials and pinned key. */
  async connectAs(id: string, user: string): Promise<NodeSSH> {
    const opts = await this.connectOptions(id);
    return connectSsh({ ...opts, user });
  }

  publicKey(id: string): string | null {
    const auth = this.store.get(id).auth;
    return auth.kind === 'generated' || auth.kind === 'keyFile' ? auth.publicKey || null : null;
  }

  async readSshConfig(file?: string): Promise<{ path: string; hosts: SshConfigHost[] }> {
    const p = file ?? path.join(os.homedir(), '.ssh', 'config');
    let text: string;
    try {
      text = await readSshConfigText(p, os.homedir());
    } catch (e) {
      if (e instanceof SkiffError) throw e;
      throw new SkiffError('SSH_CONFIG_UNREADABLE', { message: `${p} could not be read.`, detail: (e as Error).message });
    }
    return {
      path: p,
      hosts: parseSshConfig(text).map((h) => ({ ...h, exists: !!this.store.findByName(h.alias) })),
    };
  }

  async importSshConfig(file: string | undefined, aliases: string[]): Promise<{ imported: Server[]; skipped: { alias: string; reason: string }[] }> {
    const { hosts } = await this.readSshConfig(file);
    const imported: Server[] = [];
    const skipped: { alias: string; reason: string }[] = [];
    for (const alias of aliases) {
      const h = hosts.find((x) => x.alias === alias);
      if (!h) { skipped.push({ alias, reason: 'not in the file' }); continue; }
      if (h.exists) { skipped.push({ alias, reason: 'a server with this name exists' }); continue; }
      const parsed = addServerInput.safeParse({
        name: h.alias, host: h.host, port: h.port, user: h.user,
        auth: h.identityFile ? { kind: 'keyFile', keyPath: h.identityFile } : { kind: 'agent' },
      });
      if (!parsed.success) { skipped.push({ alias, reason: parsed.error.issues[0]?.message ?? 'invalid' }); continue; }
      try {
        imported.push(await this.add(parsed.data, { allowMissingPassphrase: true }));
      } catch (e) {
        if (e instanceof SkiffError && e.code === 'KEYCHAIN_UNAVAILABLE') throw e;
        skipped.push({ alias, reason: e instanceof Error ? e.message : String(e) });
      }
    }
    return { imported, skipped };
  }

  private async switchPasswordToKey(server: Server): Promise<Server> {
    const password = await this.vault.get(secretKey.password(server.id));
    if (!password) throw new SkiffError('SECRET_MISSING', { message: 'The password for this server is not in the keychain.' });
    const installed = await replacePasswordWithKey(server, password, this.opts.readyTimeoutMs);
    await this.vault.set(secretKey.privateKey(server.id), installed.privateKey);
    const next: Server = { ...server, auth: installed.auth, updatedAt: new Date().toISOString() };
    this.store.save(next);
    await this.vault.delete(secretKey.password(server.id));
    this.credentials.forget(server.id);
    return next;
  }

  /** An imported encrypted key gets its public half once its passphrase is known. */
  private async completeKeyFile(server: Server): Promise<Server> {
    const text = await this.vault.get(secretKey.privateKey(server.id));
    const passphrase = await this.vault.get(secretKey.passphrase(server.id));
    if (!text) throw new SkiffError('SECRET_MISSING');
    const publicKey = publicKeyLine(decryptPrivateKey(text, passphrase ?? undefined));
    const next: Server = { ...server, auth: { ...(server.auth as Extract<Server['auth'], { kind: 'keyFile' }>), publicKey } };
    this.store.save(next);
    return next;
  }

  private async storeSecrets(resolved: ResolvedAuth): Promise<void> {
    for (const [account, secret] of resolved.secrets) await this.vault.set(account, secret);
  }

  /** Removes the server's keychain entries except those listed as still in use. */
  private async deleteSecrets(id: string, keep: string[]): Promise<void> {
    for (const account of allSecretAccounts(id)) {
      if (!keep.includes(account)) await this.vault.delete(account);
    }
  }

  private changed(id: string): void {
    this.opts.onChanged?.(id);
  }
}
