// Restore a backup into its app: what the backup holds, what happens (the app stops, today's data
// is backed up first and stays in the list), and what is checked before anything stops.
import { useState } from 'react';
import type { App, Backup, Job } from '../../../src-shared/domain';
import type { SkiffError } from '../../../src-shared/errors';
import { asSkiffError, call } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Modal } from '../components/Modal';
import { formatBytes, formatWhen } from '../lib/format';

export function RestoreDialog({ app, backup, onStarted, onCancel }: { app: App; backup: Backup; onStarted: (j: Job) => void; onCancel: () => void }) {
  const [error, setError] = useState<SkiffError | null>(null);
  const go = async () => {
    try {
      onStarted(await call('backups.restore', { id: backup.id, appId: app.id }));
    } catch (e) {
      setError(asSkiffError(e));
    }
  };
  const release = app.releases.find((r) => r.id === backup.release);
  return (
    <Modal title={`Restore ${app.name}`} onClose={onCancel}>
      <p>Put back the data of <strong>{formatWhen(backup.createdAt)}</strong> ({backup.id}): pb_data of {formatBytes(backup.dataBytes)}, made by PocketBase {backup.pocketbase}.</p>
      <ul>
        <li>Skiff first checks every part of the backup, and that the release it will run with is not older than PocketBase {backup.pocketbase}. If anything is wrong, nothing is stopped.</li>
        <li>Then {app.name} stops, and its data as it is now is backed up (kept in the list: restore it to undo this).</li>
        <li>It runs on {release ? <>release {release.id} ({release.versionLabel}), the one the backup was made with</> : 'its current release'}, and must pass /api/health; otherwise the previous data comes back by itself.</li>
      </ul>
      <ErrorNotice error={error} />
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>Cancel</button>
        <button type="button" className="button-primary" onClick={go}>Restore</button>
      </div>
    </Modal>
  );
}
