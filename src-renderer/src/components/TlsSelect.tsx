// How Caddy serves an app's domain, chosen the same way wherever an app is made.
import type { TlsMode } from '../../../src-shared/domain';

export function TlsSelect({ value, onChange, name }: { value: TlsMode; onChange: (tls: TlsMode) => void; name?: string }) {
  return (
    <label>
      HTTPS
      <select name={name} value={value} onChange={(e) => onChange(e.target.value as TlsMode)}>
        <option value="auto">Automatic (Let&apos;s Encrypt)</option>
        <option value="internal">Caddy&apos;s own CA (LAN, testing)</option>
        <option value="off">Off (plain HTTP)</option>
      </select>
    </label>
  );
}
