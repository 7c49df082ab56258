// The domain as main and renderer both see it. Plain data only: no Node, no DOM.

/** How Skiff logs in to a server. Every secret behind these lives in the OS keychain. */
export type ServerAuth =
  /** A private key imported from a file (its text is in the keychain; the path is only a label). */
  | { kind: 'keyFile'; keyPath?: string; hasPassphrase: boolean; publicKey: string }
  /** Whatever keys the user's ssh-agent offers. */
  | { kind: 'agent' }
  /** An ed25519 key Skiff generated; the public half is shown so the user can authorize it. */
  | { kind: 'generated'; publicKey: string }
  /** A password, for first contact only: Skiff installs a generated key and forgets the password. */
  | { kind: 'password' };

export type AuthKind = ServerAuth['kind'];

export interface PinnedHostKey {
  /** `SHA256:...`, as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  algorithm: string;
  pinnedAt: string;
}

export interface ServerFacts {
  hostname: string;
  os: string;
  kernel: string;
  arch: string;
  uptimeSeconds: number;
  cpus: number;
  memory: { totalBytes: number; availableBytes: number };
  disk: { mount: string; totalBytes: number; usedBytes: number; availableBytes: number };
  checkedAt: string;
}

export interface Server {
  id: string;
  name: string;
  host: string;
  port: number;
  user: string;
  auth: ServerAuth;
  hostKey?: PinnedHostKey;
  /** The last successful "Test connection", kept so the page shows figures before reconnecting. */
  facts?: ServerFacts;
  createdAt: string;
  updatedAt: string;
}

/** What a host-key scan found, before the user decides to trust it. */
export interface HostKeyScan {
  serverId: string;
  fingerprint: string;
  algorithm: string;
  /** The fingerprint Skiff has pinned, if any. */
  pinned?: string;
  status: 'new' | 'matches' | 'changed';
}

/** A host found in an ssh_config file, offered for import. */
export interface SshConfigHost {
  alias: string;
  host: string;
  port: number;
  user: string;
  identityFile?: string;
  /** Already a server with this name (import would skip it). */
  exists: boolean;
}

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'error';

export interface ConnectionStatus {
  serverId: string;
  state: ConnectionState;
  error?: string;
}

export interface AppInfo {
  version: string;
  host: 'electron' | 'browser';
  keychain: { available: boolean; error?: string };
  platform: string;
}
