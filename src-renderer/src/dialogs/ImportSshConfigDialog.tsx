// Import hosts from an OpenSSH client config (~/.ssh/config by default).
import { useEffect, useState } from 'react';
import type { Server, SshConfigHost } from '../../../src-shared/domain';
import type { SkiffError } from '../../../src-shared/errors';
import { asSkiffError, call } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Modal } from '../components/Modal';

export function ImportSshConfigDialog({ onImported, onCancel }: { onImported: (servers: Server[]) => void; onCancel: () => void }) {
  const [path, setPath] = useState('');
  const [hosts, setHosts] = useState<SshConfigHost[] | null>(null);
  const [readPath, setReadPath] = useState('');
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [error, setError] = useState<SkiffError | null>(null);
  const [skipped, setSkipped] = useState<{ alias: string; reason: string }[]>([]);
  const [busy, setBusy] = useState(false);

  const read = async (p: string) => {
    setError(null);
    try {
      const res = await call('sshConfig.read', p ? { path: p } : {});
      setHosts(res.hosts);
      setReadPath(res.path);
      setPicked(new Set(res.hosts.filter((h) => !h.exists).map((h) => h.alias)));
    } catch (e) {
      setHosts(null);
      setError(asSkiffError(e));
    }
  };

  useEffect(() => { void read(''); }, []);

  const importPicked = async () => {
    setBusy(true);
    setError(null);
    try {
      const res = await call('sshConfig.import', { ...(readPath ? { path: readPath } : {}), aliases: [...picked] });
      setSkipped(res.skipped);
      if (res.skipped.length === 0) onImported(res.imported);
      else if (res.imported.length) onImported(res.imported);
    } catch (e) {
      setError(asSkiffError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal title="Import from SSH config" onClose={onCancel} wide>
      <form className="form-row" onSubmit={(e) => { e.preventDefault(); void read(path); }}>
        <label className="grow">Config file<input name="configPath" value={path} onChange={(e) => setPath(e.target.value)} placeholder="~/.ssh/config" /></label>
        <button type="submit">Read</button>
      </form>
      <ErrorNotice error={error} />
      {hosts && hosts.length === 0 && <p>No concrete hosts in {readPath} (patterns like <code>Host *</code> are skipped).</p>}
      {hosts && hosts.length > 0 && (
        <table className="table">
          <thead><tr><th /><th>Host</th><th>Address</th><th>User</th><th>Key</th></tr></thead>
          <tbody>
            {hosts.map((h) => (
              <tr key={h.alias}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Import ${h.alias}`}
                    disabled={h.exists}
                    checked={picked.has(h.alias)}
                    onChange={(e) => {
                      const next = new Set(picked);
                      if (e.target.checked) next.add(h.alias); else next.delete(h.alias);
                      setPicked(next);
                    }}
                  />
                </td>
                <td>{h.alias}{h.exists && <span className="tag">already added</span>}</td>
                <td>{h.host}:{h.port}</td>
                <td>{h.user}</td>
                <td><code>{h.identityFile ?? 'ssh-agent'}</code></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {skipped.length > 0 && (
        <div className="notice" role="status">
          Not imported: {skipped.map((s) => `${s.alias} (${s.reason})`).join('; ')}
        </div>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>Close</button>
        <button type="button" className="button-primary" disabled={busy || picked.size === 0} onClick={importPicked}>
          Import {picked.size || ''} {picked.size === 1 ? 'host' : 'hosts'}
        </button>
      </div>
    </Modal>
  );
}
