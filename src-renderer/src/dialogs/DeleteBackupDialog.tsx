// Delete a backup's copy on this computer, on the server, or both.
import { useState } from 'react';
import type { Backup } from '../../../src-shared/domain';
import type { SkiffError } from '../../../src-shared/errors';
import { asSkiffError, call } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Modal } from '../components/Modal';

type Where = 'desktop' | 'server' | 'everywhere';

export function DeleteBackupDialog({ backup, onDone, onCancel }: { backup: Backup; onDone: (b: Backup | null) => void; onCancel: () => void }) {
  const both = !!backup.copies.desktop && !!backup.copies.server;
  const [where, setWhere] = useState<Where>(both ? 'everywhere' : backup.copies.desktop ? 'desktop' : 'server');
  const [error, setError] = useState<SkiffError | null>(null);
  const go = async () => {
    try {
      onDone((await call('backups.delete', { id: backup.id, where })).backup);
    } catch (e) {
      setError(asSkiffError(e));
    }
  };
  return (
    <Modal title={`Delete backup ${backup.id}`} onClose={onCancel}>
      {backup.copies.desktop && <label className="radio"><input type="radio" name="where" checked={where === 'desktop'} onChange={() => setWhere('desktop')} />The copy on this computer</label>}
      {backup.copies.server && <label className="radio"><input type="radio" name="where" checked={where === 'server'} onChange={() => setWhere('server')} />The copy on {backup.serverName}</label>}
      {both && <label className="radio"><input type="radio" name="where" checked={where === 'everywhere'} onChange={() => setWhere('everywhere')} />Both copies</label>}
      {(where === 'everywhere' || !both) && <p className="warning-text" role="note">No copy of this backup will be left.</p>}
      <ErrorNotice error={error} />
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>Cancel</button>
        <button type="button" className="button-danger" onClick={go}>Delete</button>
      </div>
    </Modal>
  );
}
