// Vault on the OS keychain through @napi-rs/keyring (Secret Service on Linux, Keychain on macOS,
// Credential Manager on Windows). Chosen over keytar: maintained, prebuilt binaries in the npm package.
// Calls are asynchronous and bounded: a keychain that waits on an unlock prompt nobody answers (or
// that cannot show one) must never freeze Skiff's main process; it gets a clear error instead.
import { AsyncEntry } from '@napi-rs/keyring';
import { keychainUnavailable, type Vault } from './vault';

/** How long one keychain call may take (an unlock prompt the user answers fits; a dead one does not). */
const DEFAULT_TIMEOUT_MS = 60_000;

export class KeyringVault implements Vault {
  /** `service` namespaces Skiff's entries in the keychain (tests use their own). */
  constructor(
    private readonly service = 'Skiff',
    private readonly timeoutMs = Number(process.env.SKIFF_KEYCHAIN_TIMEOUT_MS) || DEFAULT_TIMEOUT_MS,
  ) {}

  private entry(account: string): AsyncEntry {
    // Pinned to the Secret Service: left to itself the binding silently falls back to the kernel
    // keyring, which forgets everything at reboot. No keychain means an error, never a fallback.
    return new AsyncEntry(this.service, account, { linux: { store: 'secret-service' } });
  }

  /** Runs one keychain call, giving up with a clear error after the deadline. */
  private async call<T>(what: string, op: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const late = new Error(`the keychain did not answer within ${Math.round(this.timeoutMs / 1000)} s while ${what} (is it locked, waiting for a password prompt?)`);
    const stop = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    // One deadline: it asks the binding to stop, and Skiff stops waiting even if the binding cannot.
    const deadline = new Promise<never>((_, reject) => { timer = setTimeout(() => { stop.abort(late); reject(late); }, this.timeoutMs); });
    try {
      return await Promise.race([op(stop.signal), deadline]);
    } catch (e) {
      throw keychainUnavailable(stop.signal.aborted ? late : e);
    } finally {
      clearTimeout(timer);
    }
  }

  async get(account: string): Promise<string | null> {
    return (await this.call('reading a secret', (signal) => this.entry(account).getPassword(signal))) ?? null;
  }

  async set(account: string, secret: string): Promise<void> {
    await this.call('storing a secret', (signal) => this.entry(account).setPassword(secret, signal));
    // Read back: some keychains accept a write they do not keep (locked collection).
    if ((await this.get(account)) !== secret) throw keychainUnavailable(new Error('the keychain did not keep the secret'));
  }

  async delete(account: string): Promise<void> {
    await this.call('deleting a secret', (signal) => this.entry(account).deletePassword(signal));
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
