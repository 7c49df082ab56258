// ssh-agent with one identity: after the first login Skiff offers only the key that worked. An agent
// offering five keys spends five of fail2ban's "failures" on every login; this one spends none.
import ssh2, { type ParsedKey } from 'ssh2';

type Identity = ParsedKey | { pubKey: ParsedKey };
type IdentityCallback = (err: Error | null | undefined, keys?: Identity[]) => void;

const keyOf = (k: Identity): ParsedKey => ('pubKey' in k ? k.pubKey : k);

/** The key's base64 wire blob, the form Skiff pins. */
export function keyBlob(key: ParsedKey): string {
  return key.getPublicSSH().toString('base64');
}

export class PinnedAgent extends ssh2.OpenSSHAgent {
  constructor(socket: string, private readonly only?: string, private readonly onUsed?: (blob: string) => void) {
    super(socket);
  }

  override getIdentities(cb: IdentityCallback): void {
    (super.getIdentities as (cb: IdentityCallback) => void)((err, keys) => {
      if (err || !keys || !this.only) return cb(err, keys);
      cb(undefined, keys.filter((k) => keyBlob(keyOf(k)) === this.only));
    });
  }

  // The server asks for a signature only with a key it accepts: that is the key to pin.
  override sign(pubKey: ParsedKey | Buffer | string, data: Buffer, ...rest: unknown[]): boolean {
    if (typeof pubKey === 'object' && !Buffer.isBuffer(pubKey)) this.onUsed?.(keyBlob(pubKey));
    return (super.sign as (...a: unknown[]) => boolean)(pubKey, data, ...rest);
  }
}
