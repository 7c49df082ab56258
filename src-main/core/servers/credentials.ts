// Turns what the user entered (a key file, agent, "generate", a password) into the ServerAuth that is
// saved and the secrets that go to the keychain; and loads a server's credentials back for connecting.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ParsedKey } from 'ssh2';
import type { AuthInput } from '../../../src-shared/contract';
import type { Server, ServerAuth } from '../../../src-shared/domain';
import { SkiffError } from '../../../src-shared/errors';
import type { Credentials } from '../ssh/connect';
import { decryptPrivateKey, generateEd25519, isEncryptedKey, publicKeyLine } from '../ssh/keys';
import { secretKey, type Vault } from '../vault/vault';

export interface ResolvedAuth {
  auth: ServerAuth;
  /** Keychain account → secret. */
  secrets: Map<string, string>;
}

export function expandHome(p: string): string {
  return p === '~' ? os.homedir() : p.startsWith('~/') ? path.join(os.homedir(), p.slice(2)) : p;
}

async function readKeyFile(p: string): Promise<string> {
  try {
    return await readFile(expandHome(p), 'utf8');
  } catch (e) {
    throw new SkiffError('KEY_FILE_UNREADABLE', { message: `The key file ${p} could not be read.`, detail: (e as Error).message });
  }
}

export interface ResolveOptions {
  /** The key Skiff already holds for this server (update without a new key file). */
  existingKey?: string | null;
  /** Accept an encrypted key without its passphrase (ssh_config import: asked for on connect). */
  allowMissingPassphrase?: boolean;
}

export async function resolveAuthInput(serverId: string, input: AuthInput, opts: ResolveOptions = {}): Promise<ResolvedAuth> {
  const secrets = new Map<string, string>();
  switch (input.kind) {
    case 'agent':
      return { auth: { kind: 'agent' }, secrets };
    case 'generate': {
      const pair = generateEd25519(`skiff-${serverId}`);
      secrets.set(secretKey.privateKey(serverId), pair.privateKey);
      return { auth: { kind: 'generated', publicKey: pair.publicKey }, secrets };
    }
    case 'password':
      secrets.set(secretKey.password(serverId), input.password);
      return { auth: { kind: 'password' }, secrets };
    case 'keyFile': {
      const text = input.privateKey ?? (input.keyPath ? await readKeyFile(input.keyPath) : opts.existingKey);
      if (!text) throw new SkiffError('INVALID_INPUT', { message: 'Pick a private key file.' });
      const encrypted = isEncryptedKey(text);
      const passphrase = input.passphrase || undefined;
      let publicKey = '';
      if (encrypted && !passphrase && opts.allowMissingPassphrase) {
        // Cannot derive the public key without decrypting; it is filled in when the passphrase arrives.
      } else {
        publicKey = publicKeyLine(decryptPrivateKey(text, passphrase));
      }
      secrets.set(secretKey.privateKey(serverId), text);
      if (encrypted && passphrase) secrets.set(secretKey.passphrase(serverId), passphrase);
      return { auth: { kind: 'keyFile', keyPath: input.keyPath, hasPassphrase: encrypted, publicKey }, secrets };
    }
  }
}

/** Every keychain account a server may use, for clean-up. */
export function allSecretAccounts(serverId: string): string[] {
  return [secretKey.privateKey(serverId), secretKey.passphrase(serverId), secretKey.password(serverId)];
}

/**
 * Loads credentials for connecting. Decrypted keys are cached for the session, because decrypting a
 * passphrase-protected key costs ~270 ms per connect; the cache is cleared when the server changes.
 */
export class CredentialLoader {
  private readonly decrypted = new Map<string, ParsedKey>();

  constructor(
    private readonly vault: Vault,
    private readonly agentSocket = () => process.env.SSH_AUTH_SOCK,
    /** Called with the agent key a server accepted, so later logins offer only that one. */
    private readonly onAgentKeyUsed: (serverId: string, blob: string) => void = () => {},
  ) {}

  forget(serverId: string): void {
    this.decrypted.delete(serverId);
  }

  async load(server: Server): Promise<Credentials> {
    switch (server.auth.kind) {
      case 'agent': {
        const socket = this.agentSocket();
        if (!socket) throw new SkiffError('AGENT_UNAVAILABLE', { detail: 'SSH_AUTH_SOCK is not set' });
        const pinned = server.auth.pinnedKey;
        return { kind: 'agent', socket, only: pinned, onUsed: pinned ? undefined : (blob) => this.onAgentKeyUsed(server.id, blob) };
      }
      case 'password': {
        const password = await this.vault.get(secretKey.password(server.id));
        if (!password) throw new SkiffError('SECRET_MISSING', { message: 'The password for this server is not in the keychain.' });
        return { kind: 'password', password };
      }
      case 'keyFile':
      case 'generated': {
        const cached = this.decrypted.get(server.id);
        if (cached) return { kind: 'key', key: cached };
        const text = await this.vault.get(secretKey.privateKey(server.id));
        if (!text) throw new SkiffError('SECRET_MISSING', { message: 'The private key for this server is not in the keychain.' });
        const passphrase = server.auth.kind === 'keyFile' && server.auth.hasPassphrase
          ? (await this.vault.get(secretKey.passphrase(server.id))) ?? undefined
          : undefined;
        const key = decryptPrivateKey(text, passphrase);
        this.decrypted.set(server.id, key);
        return { kind: 'key', key };
      }
    }
  }
}
