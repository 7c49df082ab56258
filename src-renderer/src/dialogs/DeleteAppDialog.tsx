// Deleting an app needs its name typed back; a backup of its data comes to this computer first by default.
import { useState } from 'react';
import type { App, Job } from '../../../src-shared/domain';
import type { SkiffError } from '../../../src-shared/errors';
import { asSkiffError, call } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Modal } from '../components/Modal';

export function DeleteAppDialog({ app, onStarted, onCancel }: { app: App; onStarted: (j: Job) => void; onCancel: () => void }) {
  const [typed, setTyped] = useState('');
  const [keepBackup, setKeepBackup] = useState(true);
  const [error, setError] = useState<SkiffError | null>(null);
  const go = async () => {
    try {
      onStarted(await call('apps.delete', { id: app.id, confirmName: typed, keepBackup }));
    } catch (e) {
      setError(asSkiffError(e));
    }
  };
  return (
    <Modal title={`Delete ${app.name}?`} onClose={onCancel}>
      <p>This stops the app and removes its service, Caddy site, releases and data from the server.</p>
      <label className="checkbox"><input type="checkbox" checked={keepBackup} onChange={(e) => setKeepBackup(e.target.checked)} />Download a backup of its data first</label>
      <form className="form" onSubmit={(e) => { e.preventDefault(); void go(); }}>
        <label>Type <strong>{app.name}</strong> to confirm<input name="confirmName" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" /></label>
        <ErrorNotice error={error} />
        <div className="dialog-actions">
          <button type="button" onClick={onCancel}>Cancel</button>
          <button type="submit" className="button-danger" disabled={typed !== app.name}>Delete app</button>
        </div>
      </form>
    </Modal>
  );
}
