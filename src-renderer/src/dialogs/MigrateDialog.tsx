// Confirms moving a server set up by an older Skiff to per-app service users, then starts the job.
import { useState } from 'react';
import type { Job, Server } from '../../../src-shared/domain';
import type { SkiffError } from '../../../src-shared/errors';
import { asSkiffError, call } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Modal } from '../components/Modal';

export function MigrateDialog({ server, appCount, onStarted, onCancel }: { server: Server; appCount: number; onStarted: (job: Job) => void; onCancel: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<SkiffError | null>(null);
  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      onStarted(await call('servers.migrate', { id: server.id }));
    } catch (e) {
      setError(asSkiffError(e));
      setBusy(false);
    }
  };
  return (
    <Modal title={`Move ${server.name} to per-app service users`} onClose={onCancel}>
      <ul className="plain-list">
        <li>Each app gets a system account of its own, which can write only that app&apos;s data. An app that is broken into can no longer reach the others, or root.</li>
        <li>Each app restarts once, for a few seconds, when its turn comes.</li>
        <li>No data is lost: each app&apos;s data is handed over to its new account as it is.</li>
        <li>It takes about a minute per app{appCount > 0 ? ` (${appCount} app${appCount === 1 ? '' : 's'} on this server)` : ''}. The log shows each step as it runs.</li>
      </ul>
      <ErrorNotice error={error} />
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>Cancel</button>
        <button type="button" className="button-primary" disabled={busy} onClick={() => void start()}>Start the move</button>
      </div>
    </Modal>
  );
}
