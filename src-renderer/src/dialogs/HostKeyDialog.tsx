// Trust on first use: the user sees the SHA256 fingerprint before Skiff pins it. A changed key
// needs an explicit "I replaced this server" confirmation.
import { useState } from 'react';
import type { HostKeyScan, Server } from '../../../src-shared/domain';
import type { SkiffError } from '../../../src-shared/errors';
import { asSkiffError, call } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Modal } from '../components/Modal';

interface Props {
  server: Server;
  scan: HostKeyScan;
  onTrusted: (server: Server) => void;
  onCancel: () => void;
}

export function HostKeyDialog({ server, scan, onTrusted, onCancel }: Props) {
  const changed = scan.status === 'changed';
  const [confirmed, setConfirmed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<SkiffError | null>(null);

  const trust = async () => {
    setBusy(true);
    setError(null);
    try {
      onTrusted(await call('servers.trustHostKey', { id: server.id, fingerprint: scan.fingerprint, replace: changed }));
    } catch (e) {
      setError(asSkiffError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal title={changed ? 'The host key has changed' : `Trust ${server.name}?`} onClose={onCancel}>
      {changed ? (
        <p className="warning-text">
          Skiff pinned a different key for {server.host}:{server.port}. Only continue if you re-installed this server
          or regenerated its host keys yourself; otherwise someone may be intercepting the connection.
        </p>
      ) : (
        <p>
          First connection to <strong>{server.host}:{server.port}</strong>. Compare this fingerprint with the one your
          provider shows (or <code>ssh-keygen -lf /etc/ssh/ssh_host_{scan.algorithm.replace(/^ssh-|ecdsa-sha2-/, '').replace(/nistp\d+/, 'ecdsa')}_key.pub</code> on the server).
        </p>
      )}
      <dl className="fingerprints">
        {changed && (
          <>
            <dt>Pinned</dt>
            <dd><code data-testid="pinned-fingerprint">{scan.pinned}</code></dd>
          </>
        )}
        <dt>{changed ? 'Presented now' : scan.algorithm}</dt>
        <dd><code data-testid="presented-fingerprint">{scan.fingerprint}</code></dd>
      </dl>
      {changed && (
        <label className="checkbox">
          <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} />
          I replaced this server (re-installed it or regenerated its host keys)
        </label>
      )}
      <ErrorNotice error={error} />
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>Cancel</button>
        <button type="button" className={changed ? 'button-danger' : 'button-primary'} disabled={busy || (changed && !confirmed)} onClick={trust}>
          {changed ? 'Trust the new key' : 'Trust and connect'}
        </button>
      </div>
    </Modal>
  );
}
