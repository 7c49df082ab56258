// Vault on the OS keychain through @napi-rs/keyring (Secret Service on Linux, Keychain on macOS,
// Credential Manager on Windows). Chosen over keytar: maintained, prebuilt binaries in the npm package.
import { Entry } from '@napi-rs/keyring';
import { keychainUnavailable, type Vault } from './vault';

export class KeyringVault implements Vault {
  /** `service` namespaces Skiff's entries in the keychain (tests use their own). */
  constructor(private readonly service = 'Skiff') {}

  private entry(account: string): Entry {
    // Pinned to the Secret Service: left to itself the binding silently falls back to the kernel
    // keyring, which forgets everything at reboot. No keychain means an error, never a fallback.
    return new Entry(this.service, account, { linux: { store: 'secret-service' } });
  }

  async get(account: string): Promise<string | null> {
    try {
      return this.entry(account).getPassword() ?? null;
    } catch (e) {
      throw keychainUnavailable(e);
    }
  }

  async set(account: string, secret: string): Promise<void> {
    try {
      this.entry(account).setPassword(secret);
    } catch (e) {
      throw keychainUnavailable(e);
    }
    // Read back: some keychains accept a write they do not keep (locked collection).
    if ((await this.get(account)) !== secret) throw keychainUnavailable(new Error('the keychain did not keep the secret'));
  }

  async delete(account: string): Promise<void> {
    try {
      this.entry(account).deletePassword();
    } catch (e) {
      throw keychainUnavailable(e);
    }
  }

  async probe(): Promise<{ available: boolean; error?: string }> {
    try {
      await this.set('probe', 'ok');
      await this.delete('probe');
      return { available: true };
    } catch (e) {
      return { available: false, error: e instanceof Error ? (e as { detail?: string }).detail ?? e.message : String(e) };
    }
  }
}
