// Apps as the user manages them: create (port picked or checked against the server), edit,
// and the env file / superuser secrets, which live in the keychain.
import { randomUUID } from 'node:crypto';
import type { App, AppEnvVar, TlsMode } from '../../../src-shared/domain';
import { fillPattern } from '../../../src-shared/appTemplate';
import { SkiffError } from '../../../src-shared/errors';
import type { ServerService } from '../servers/service';
import { runScript } from '../ssh/exec';
import type { ConnectionPool } from '../ssh/pool';
import { secretKey, type Vault } from '../vault/vault';
import type { AppStore } from './appStore';
import { allocatePort, checkPort, parseListeningPorts } from './ports';
import { renderEnvFile } from '../remote/templates/envFile';
import { LISTENING_SCRIPT } from '../remote/scripts/serverScripts';

export interface AppInput {
  serverId: string;
  name: string;
  domain?: string;
  tls: TlsMode;
  port?: number;
  keepReleases: number;
  binary: string;
  env: { key: string; value?: string; secret: boolean }[];
  superuserEmail?: string;
  superuserPassword?: string;
  tags?: string[];
  healthTimeoutS?: number;
}

export const appSecret = {
  env: (appId: string, key: string) => `app/${appId}/env/${key}`,
  superuserPassword: (appId: string) => `app/${appId}/superuser-password`,
};


export class AppService {
  constructor(
    private readonly store: AppStore,
    private readonly vault: Vault,
    private readonly servers: ServerService,
    private readonly pool: ConnectionPool,
    private readonly onChanged: (appId: string) => void = () => {},
  ) {}

  list(serverId?: string): App[] {
    return this.store.list(serverId);
  }

  get(id: string): App {
    return this.store.get(id);
  }

  exists(id: string): boolean {
    return this.store.list().some((a) => a.id === id);
  }

  async listeningPorts(serverId: string): Promise<number[]> {
    const ssh = await this.pool.get(serverId);
    return parseListeningPorts((await runScript(ssh, LISTENING_SCRIPT.text, { check: true })).stdout);
  }

  private async choosePort(serverId: string, wanted: number | undefined, exceptAppId?: string): Promise<number> {
    const others = this.store.list(serverId).filter((a) => a.id !== exceptAppId);
    const appPorts = new Map(others.map((a) => [a.port, a.name]));
    const listening = await this.listeningPorts(serverId);
    if (wanted === undefined) return allocatePort([...appPorts.keys(), ...listening]);
    checkPort(wanted, appPorts, listening);
    return wanted;
  }

  async create(input: AppInput): Promise<App> {
    this.checkNew(input.serverId, [input.name]);
    return this.save(input, await this.choosePort(input.serverId, input.port));
  }

  /**
   * Apps from one template (names already expanded, {name} filled in the domain pattern and env
   * values): every name is checked before any app is made, and the ports come from one read of
   * what the server listens on.
   */
  async createMany(template: Omit<AppInput, 'name' | 'domain' | 'port'>, names: readonly string[], domainPattern?: string): Promise<App[]> {
    this.checkNew(template.serverId, names);
    const taken = new Set([...this.store.list(template.serverId).map((a) => a.port), ...(await this.listeningPorts(template.serverId))]);
    const created: App[] = [];
    for (const name of names) {
      const port = allocatePort(taken);
      taken.add(port);
      const env = template.env.map((e) => ({ ...e, value: e.value === undefined ? undefined : fillPattern(e.value, name) }));
      created.push(await this.save({ ...template, name, env, domain: domainPattern ? fillPattern(domainPattern, name) : undefined }, port));
    }
    return created;
  }

  private checkNew(serverId: string, names: readonly string[]): void {
    const server = this.servers.get(serverId);
    if (!server.setup) throw new SkiffError('SETUP_REQUIRED');
    const existing = new Set(this.store.list(serverId).map((a) => a.name));
    const clash = names.filter((n) => existing.has(n));
    if (clash.length) {
      throw new SkiffError('APP_NAME_TAKEN', { message: `${clash.length === 1 ? 'An app named' : 'Apps named'} ${clash.slice(0, 5).map((n) => `"${n}"`).join(', ')}${clash.length > 5 ? '…' : ''} already ${clash.length === 1 ? 'exists' : 'exist'} on ${server.name}.` });
    }
  }

  private async save(input: AppInput, port: number): Promise<App> {
    const id = randomUUID();
    const env = await this.storeEnv(id, input.env, []);
    if (input.superuserPassword) await this.vault.set(appSecret.superuserPassword(id), input.superuserPassword);
    const now = new Date().toISOString();
    const app: App = {
      id, serverId: input.serverId, name: input.name, domain: input.domain || undefined, tls: input.tls, port,
      keepReleases: input.keepReleases, binary: input.binary, env, superuserEmail: input.superuserEmail || undefined,
      tags: input.tags?.length ? input.tags : undefined,
      healthTimeoutS: input.healthTimeoutS,
      createdAt: now, updatedAt: now, releases: [],
    };
    this.store.save(app);
    this.onChanged(id);
    return app;
  }

  async update(id: string, input: Partial<Omit<AppInput, 'serverId'>>): Promise<App> {
    const app = this.store.get(id);
    if (input.name && input.name !== app.name) {
      if (app.releases.length) throw new SkiffError('APP_NAME_FIXED');
      if (this.store.list(app.serverId).some((a) => a.name === input.name && a.id !== id)) throw new SkiffError('APP_NAME_TAKEN');
    }
    const port = input.port !== undefined && input.port !== app.port ? await this.choosePort(app.serverId, input.port, id) : app.port;
    const env = input.env ? await this.storeEnv(id, input.env, app.env) : app.env;
    if (input.superuserPassword) await this.vault.set(appSecret.superuserPassword(id), input.superuserPassword);
    const next: App = {
      ...app,
      name: input.name ?? app.name,
      domain: input.domain !== undefined ? input.domain || undefined : app.domain,
      tls: input.tls ?? app.tls,
      port,
      keepReleases: input.keepReleases ?? app.keepReleases,
      binary: input.binary ?? app.binary,
      env,
      superuserEmail: input.superuserEmail !== undefined ? input.superuserEmail || undefined : app.superuserEmail,
      tags: input.tags ? (input.tags.length ? input.tags : undefined) : app.tags,
      healthTimeoutS: input.healthTimeoutS ?? app.healthTimeoutS,
      updatedAt: new Date().toISOString(),
    };
    this.store.save(next);
    this.onChanged(id);
    return next;
  }

  /** Records what the server's manifest says (after a deploy, rollback or refresh). */
  recordReleases(id: string, releases: App['releases']): App {
    const next = { ...this.store.get(id), releases, updatedAt: new Date().toISOString() };
    this.store.save(next);
    this.onChanged(id);
    return next;
  }

  async forget(id: string): Promise<void> {
    const app = this.store.get(id);
    for (const v of app.env) if (v.secret) await this.vault.delete(appSecret.env(id, v.key));
    await this.vault.delete(appSecret.superuserPassword(id));
    // Its backups stay listed (an archive is restorable as a new app); its schedule's secrets go.
    await this.vault.delete(secretKey.backupTargetSecret(id));
    await this.vault.delete(secretKey.backupRepoPassword(id));
    this.store.remove(id);
    this.onChanged(id);
  }

  /** The env file's content, secrets read from the keychain. */
  async envFile(app: App): Promise<string> {
    const vars: { key: string; value: string }[] = [];
    for (const v of app.env) {
      const value = v.secret ? await this.vault.get(appSecret.env(app.id, v.key)) : v.value;
      if (value === null || value === undefined) throw new SkiffError('SECRET_MISSING', { message: `The secret value of ${v.key} is not in the keychain.`, fix: 'Edit the app and enter it again.' });
      vars.push({ key: v.key, value });
    }
    return renderEnvFile(vars);
  }

  superuserPassword(app: App): Promise<string | null> {
    return this.vault.get(appSecret.superuserPassword(app.id));
  }

  /** Secret values go to the keychain; a secret entry without a value keeps the stored one. */
  private async storeEnv(appId: string, input: AppInput['env'], before: AppEnvVar[]): Promise<AppEnvVar[]> {
    const out: AppEnvVar[] = [];
    for (const v of input) {
      if (v.secret) {
        if (v.value !== undefined) await this.vault.set(appSecret.env(appId, v.key), v.value);
        else if (!before.some((b) => b.key === v.key && b.secret)) throw new SkiffError('INVALID_INPUT', { message: `Enter a value for the secret ${v.key}.` });
        out.push({ key: v.key, secret: true });
      } else {
        out.push({ key: v.key, secret: false, value: v.value ?? '' });
      }
    }
    for (const b of before) if (b.secret && !out.some((o) => o.key === b.key && o.secret)) await this.vault.delete(appSecret.env(appId, b.key));
    return out;
  }
}
