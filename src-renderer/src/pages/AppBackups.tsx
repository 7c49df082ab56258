// An app's backups: back up now, the list (this computer and the server), restore, drill,
// download, export, delete, restore as a new app; and the backup settings.
import { useEffect, useState } from 'react';
import type { App, Backup, Job } from '../../../src-shared/domain';
import type { SkiffError } from '../../../src-shared/errors';
import { asSkiffError, call } from '../api/client';
import { BackupTable } from '../components/BackupTable';
import { ErrorNotice } from '../components/ErrorNotice';
import { BackupSettingsForm } from '../components/BackupSettingsForm';
import { BackupScheduleForm } from '../components/BackupScheduleForm';
import { DeleteBackupDialog } from '../dialogs/DeleteBackupDialog';
import { RestoreAsNewAppDialog } from '../dialogs/RestoreAsNewAppDialog';
import { RestoreDialog } from '../dialogs/RestoreDialog';
import { backupsOf, useBackups } from '../stores/backups';
import { useApps } from '../stores/apps';

export function AppBackups({ app, busy, onStarted }: { app: App; busy: boolean; onStarted: (j: Job) => void }) {
  const { backups, refresh, put, drop } = useBackups();
  const [error, setError] = useState<SkiffError | null>(null);
  const [notice, setNotice] = useState('');
  const [restoring, setRestoring] = useState<Backup | null>(null);
  const [moving, setMoving] = useState<Backup | null>(null);
  const [deleting, setDeleting] = useState<Backup | null>(null);
  const list = backupsOf(backups, app.id);

  useEffect(() => { refresh(app.id).catch((e) => setError(asSkiffError(e))); }, [app.id, refresh]);
  const act = async (fn: () => Promise<void>) => { setError(null); setNotice(''); try { await fn(); } catch (e) { setError(asSkiffError(e)); } };

  return (
    <section aria-labelledby="backups-title">
      <h2 id="backups-title">Backups</h2>
      <div className="actions">
        <button type="button" className="button-primary" disabled={busy} onClick={() => void act(async () => onStarted(await call('backups.create', { appId: app.id })))}>Back up now</button>
        <button type="button" onClick={() => void act(() => refresh(app.id))}>Read the server&apos;s list</button>
      </div>
      <ErrorNotice error={error} />
      {notice && <p className="notice" role="status">{notice}</p>}
      <BackupTable backups={list} actions={{
        busy,
        onRestore: setRestoring,
        onMove: setMoving,
        onDrill: (b) => void act(async () => onStarted(await call('backups.drill', { id: b.id }))),
        onDownload: (b) => void act(async () => onStarted(await call('backups.download', { id: b.id }))),
        onExport: (b) => void act(async () => setNotice(`Saved to ${(await call('backups.export', { id: b.id })).path}${b.copies.desktop?.encrypted ? ' (encrypted: it opens with this computer\'s backup key)' : ''}`)),
        onDelete: setDeleting,
      }} />
      <details>
        <summary>Schedule</summary>
        <BackupScheduleForm app={app} busy={busy} onStarted={onStarted} />
      </details>
      <details>
        <summary>Backup settings</summary>
        <BackupSettingsForm />
      </details>
      {restoring && <RestoreDialog app={app} backup={restoring} onStarted={(j) => { setRestoring(null); onStarted(j); }} onCancel={() => setRestoring(null)} />}
      {moving && <RestoreAsNewAppDialog backup={moving} source={app} onStarted={({ app: created, jobs }) => { setMoving(null); useApps.getState().upsert(created); setNotice(`Created ${created.name}: deploying, then restoring (see its page for the live log).`); jobs.forEach((j) => onStarted(j)); }} onCancel={() => setMoving(null)} />}
      {deleting && <DeleteBackupDialog backup={deleting} onDone={(b) => { setDeleting(null); if (b) put([b]); else drop(deleting.id); }} onCancel={() => setDeleting(null)} />}
    </section>
  );
}
