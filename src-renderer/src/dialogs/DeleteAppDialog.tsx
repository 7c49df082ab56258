// Deleting an app needs its name typed back. By default a final backup comes to this computer
// first; "archive" also verifies it with a restore drill before anything is removed (seed 003).
import { useState } from 'react';
import type { App, Job } from '../../../src-shared/domain';
import type { SkiffError } from '../../../src-shared/errors';
import { asSkiffError, call } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Modal } from '../components/Modal';

type Final = 'archive' | 'keep' | 'none';

export function DeleteAppDialog({ app, onStarted, onCancel }: { app: App; onStarted: (j: Job) => void; onCancel: () => void }) {
  const [typed, setTyped] = useState('');
  const [backup, setBackup] = useState<Final>('archive');
  const [error, setError] = useState<SkiffError | null>(null);
  const go = async () => {
    try {
      onStarted(await call('apps.delete', { id: app.id, confirmName: typed, backup }));
    } catch (e) {
      setError(asSkiffError(e));
    }
  };
  return (
    <Modal title={`Delete ${app.name}?`} onClose={onCancel}>
      <p>This stops the app and removes its service, Caddy site, releases and data from the server.</p>
      <label className="radio"><input type="radio" name="final" checked={backup === 'archive'} onChange={() => setBackup('archive')} />Archive: a final backup to this computer, verified by a restore drill before anything is removed (restorable later as a new app)</label>
      <label className="radio"><input type="radio" name="final" checked={backup === 'keep'} onChange={() => setBackup('keep')} />A final backup to this computer, without the drill</label>
      <label className="radio"><input type="radio" name="final" checked={backup === 'none'} onChange={() => setBackup('none')} />No backup: the data is gone</label>
      <form className="form" onSubmit={(e) => { e.preventDefault(); void go(); }}>
        <label>Type <strong>{app.name}</strong> to confirm<input name="confirmName" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" /></label>
        <ErrorNotice error={error} />
        <div className="dialog-actions">
          <button type="button" onClick={onCancel}>Cancel</button>
          <button type="submit" className="button-danger" disabled={typed !== app.name}>{backup === 'archive' ? 'Archive and delete' : 'Delete app'}</button>
        </div>
      </form>
    </Modal>
  );
}
