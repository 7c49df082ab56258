// One click back to a kept release: release only, or release plus the data snapshot taken before
// the release being undone (with a warning when migrations differ).
import { useState } from 'react';
import type { App, Job, ReleaseInfo } from '../../../src-shared/domain';
import type { SkiffError } from '../../../src-shared/errors';
import { asSkiffError, call } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Modal } from '../components/Modal';

export function RollbackDialog({ app, target, onStarted, onCancel }: { app: App; target: ReleaseInfo; onStarted: (j: Job) => void; onCancel: () => void }) {
  const current = app.releases.find((r) => r.current);
  const [withData, setWithData] = useState(false);
  const [error, setError] = useState<SkiffError | null>(null);
  const newer = current ? current.migrations.filter((m) => !target.migrations.includes(m)) : [];
  const go = async () => {
    try {
      onStarted(await call('apps.rollback', { id: app.id, releaseId: target.id, restoreData: withData }));
    } catch (e) {
      setError(asSkiffError(e));
    }
  };
  return (
    <Modal title={`Roll back ${app.name}`} onClose={onCancel}>
      <p>Switch to <strong>{target.versionLabel ?? target.id}</strong> ({target.id}). Nothing is uploaded: the release is already on the server.</p>
      {newer.length > 0 && (
        <p className="warning-text" role="note">
          The running release added migrations the target does not have ({newer.join(', ')}). The target may not understand the
          current data: consider restoring the snapshot.
        </p>
      )}
      <label className="radio"><input type="radio" name="mode" checked={!withData} onChange={() => setWithData(false)} />Release only (keep today&apos;s data)</label>
      <label className="radio">
        <input type="radio" name="mode" checked={withData} onChange={() => setWithData(true)} disabled={!current?.snapshot} />
        Release and data: restore the snapshot taken before {current?.id ?? 'the current release'}{current?.snapshot ? '' : ' (none was taken)'}
      </label>
      <ErrorNotice error={error} />
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>Cancel</button>
        <button type="button" className="button-primary" onClick={go}>Roll back</button>
      </div>
    </Modal>
  );
}
