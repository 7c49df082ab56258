// The OS keychain behind one small interface. Secrets live here and nowhere else.
import { SkiffError } from '../../../src-shared/errors';

export interface Vault {
  get(account: string): Promise<string | null>;
  /** Throws KEYCHAIN_UNAVAILABLE when no keychain answers; never falls back to a file. */
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<void>;
  /** Whether a keychain answers right now, and if not, why. */
  probe(): Promise<{ available: boolean; error?: string }>;
}

/** Keychain account names, one scheme for every secret Skiff keeps. */
export const secretKey = {
  privateKey: (serverId: string) => `server/${serverId}/private-key`,
  passphrase: (serverId: string) => `server/${serverId}/passphrase`,
  password: (serverId: string) => `server/${serverId}/password`,
  /** This desktop's key for signing Skiff's root helper (ops/helperUpdate.ts). */
  helperSigningKey: () => 'skiff/helper-signing-key',
  /** This desktop's age identity for the backups it keeps (core/backups/encryption.ts). */
  backupKey: () => 'skiff/backup-key',
  /** The app's off-server target: its S3 secret or SFTP private key, and restic's repository password. */
  backupTargetSecret: (appId: string) => `app/${appId}/backup-target-secret`,
  backupRepoPassword: (appId: string) => `app/${appId}/backup-repo-password`,
};

export function keychainUnavailable(cause: unknown): SkiffError {
  return new SkiffError('KEYCHAIN_UNAVAILABLE', { detail: cause instanceof Error ? cause.message : String(cause) });
}
