// Hardening preview: the exact files (as diffs) and firewall rules, before anything changes.
import { useEffect, useState } from 'react';
import type { HardeningPreview, Job, Server } from '../../../src-shared/domain';
import type { SkiffError } from '../../../src-shared/errors';
import { asSkiffError, call } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Modal } from '../components/Modal';
import { DiffView } from '../components/DiffView';

export function HardenDialog({ server, onStarted, onCancel }: { server: Server; onStarted: (job: Job) => void; onCancel: () => void }) {
  const [preview, setPreview] = useState<HardeningPreview | null>(null);
  const [error, setError] = useState<SkiffError | null>(null);
  const [resolve, setResolve] = useState(true);
  // Unset until the user chooses: the preview then keeps what the server's drop-in does now.
  const [dropEcdsa, setDropEcdsa] = useState<boolean | undefined>(undefined);
  useEffect(() => {
    call('servers.hardenPreview', { id: server.id, dropEcdsa }).then(setPreview, (e) => setError(asSkiffError(e)));
  }, [server.id, dropEcdsa]);
  const apply = async () => {
    try {
      onStarted(await call('servers.harden', { id: server.id, resolveConflicts: resolve, dropEcdsa: preview?.hostKeys.dropEcdsa }));
    } catch (e) {
      setError(asSkiffError(e));
    }
  };
  const nothing = preview && preview.files.every((f) => !f.changed) && preview.firewall.rulesToAdd.length === 0;
  return (
    <Modal title={`Harden ${server.name}`} onClose={onCancel} wide>
      <ErrorNotice error={error} />
      {!preview && !error && <p className="muted">Reading the server&apos;s current configuration…</p>}
      {preview && (
        <div data-testid="harden-preview">
          <p>
            Root and password logins will be turned off; Skiff keeps logging in as <strong>{preview.appUser}</strong> with your key on
            port <strong>{preview.sshPort}</strong>. Before anything that affects logins changes, Skiff proves a fresh key login works, and a
            timer on the server restores the old SSH config unless Skiff confirms a new login afterwards.
          </p>
          {nothing && !preview.conflicts.length && <p className="notice">Everything is already in place: hardening again will change nothing.</p>}
          {preview.conflicts.length > 0 && (
            <div className="notice notice-warning" data-testid="harden-conflicts">
              <p>sshd keeps the first value it reads, and these lines are read before Skiff&apos;s drop-in, so they would override it:</p>
              <ul>{preview.conflicts.map((c) => <li key={`${c.file}:${c.line}:${c.key}`}><code>{c.file}</code> line {c.line}: <code>{c.text}</code> (Skiff sets <code>{c.key} {c.want}</code>)</li>)}</ul>
              <label><input type="checkbox" checked={resolve} onChange={(e) => setResolve(e.target.checked)} /> Comment out these lines (a copy of each file is kept on the server)</label>
            </div>
          )}
          {preview.files.map((f) => (
            <div key={f.path}>
              <h4>{f.path} {f.changed ? '' : <span className="tag">unchanged</span>}</h4>
              <DiffView text={f.diff} />
            </div>
          ))}
          <label className="option" data-testid="drop-ecdsa">
            <input type="checkbox" checked={preview.hostKeys.dropEcdsa} disabled={/ecdsa/i.test(preview.hostKeys.pinnedAlgorithm)} onChange={(e) => setDropEcdsa(e.target.checked)} />{' '}
            Stop offering the ECDSA host key (ssh-audit fails NIST curves). Skiff pinned the {preview.hostKeys.pinnedAlgorithm || 'server\'s'} key and checks it is still presented;
            other clients that pinned the ECDSA key (your own <code>ssh</code>, CI) will see a new key and must accept it.
          </label>
          <h4>Firewall (ufw) {preview.firewall.enable ? <span className="tag">will be turned on</span> : null}</h4>
          {preview.firewall.rulesToAdd.length ? (
            <ul className="rules" data-testid="firewall-rules">{preview.firewall.rulesToAdd.map((r) => <li key={r}><code>{r}</code></li>)}</ul>
          ) : <p className="muted">Rules already in place.</p>}
        </div>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>Cancel</button>
        <button type="button" className="button-primary" disabled={!preview || (preview.conflicts.length > 0 && !resolve)} onClick={apply}>{preview?.conflicts.length && resolve ? 'Comment out and harden' : 'Apply hardening'}</button>
      </div>
    </Modal>
  );
}
