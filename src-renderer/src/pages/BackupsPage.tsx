// Every backup this computer knows, across apps and servers: where each copy lives, its size, age
// and last drill, with the same actions as an app's list.
import { useEffect, useState } from 'react';
import type { App, Backup, Job } from '../../../src-shared/domain';
import type { SkiffError } from '../../../src-shared/errors';
import { asSkiffError, call } from '../api/client';
import { BackupSettingsForm } from '../components/BackupSettingsForm';
import { BackupTable } from '../components/BackupTable';
import { ErrorNotice } from '../components/ErrorNotice';
import { ScheduleOverview } from '../components/ScheduleOverview';
import { JobPanel } from '../components/JobPanel';
import { DeleteBackupDialog } from '../dialogs/DeleteBackupDialog';
import { RestoreAsNewAppDialog } from '../dialogs/RestoreAsNewAppDialog';
import { RestoreDialog } from '../dialogs/RestoreDialog';
import { backupsOf, useBackups } from '../stores/backups';
import { useApps } from '../stores/apps';
import { useJobs } from '../stores/jobs';

export function BackupsPage() {
  const { backups, load, put, drop } = useBackups();
  const { apps } = useApps();
  const { jobs } = useJobs();
  const [error, setError] = useState<SkiffError | null>(null);
  const [notice, setNotice] = useState('');
  const [openJobId, setOpenJobId] = useState<string | null>(null);
  const [restoring, setRestoring] = useState<Backup | null>(null);
  const [moving, setMoving] = useState<Backup | null>(null);
  const [deleting, setDeleting] = useState<Backup | null>(null);
  useEffect(() => {
    void load();
    call('apps.list', {}).then((list) => list.forEach(useApps.getState().upsert), () => undefined);
  }, [load]);
  const act = async (fn: () => Promise<void>) => { setError(null); setNotice(''); try { await fn(); } catch (e) { setError(asSkiffError(e)); } };
  const started = (j: Job) => { useJobs.getState().upsert(j); setOpenJobId(j.id); };
  const list = backupsOf(backups);
  const openJob = openJobId ? jobs[openJobId] : undefined;
  const appOf = (b: Backup): App | undefined => apps[b.appId];

  return (
    <section className="page" aria-labelledby="backups-page-title">
      <header className="page-header"><h1 id="backups-page-title">Backups</h1></header>
      <p className="muted">{list.length} backup(s) of {new Set(list.map((b) => b.appId)).size} app(s).</p>
      <ErrorNotice error={error} />
      {notice && <p className="notice" role="status">{notice}</p>}
      {openJob && <JobPanel job={openJob} onClose={() => setOpenJobId(null)} />}
      <BackupTable backups={list} showApp actions={{
        busy: false,
        onRestore: (b) => { if (appOf(b)) setRestoring(b); else setMoving(b); },
        onMove: setMoving,
        onDrill: (b) => void act(async () => started(await call('backups.drill', { id: b.id }))),
        onDownload: (b) => void act(async () => started(await call('backups.download', { id: b.id }))),
        onExport: (b) => void act(async () => setNotice(`Saved to ${(await call('backups.export', { id: b.id })).path}`)),
        onDelete: setDeleting,
      }} />
      <h2>Schedules</h2>
      <ScheduleOverview apps={apps} />
      <h2>Settings</h2>
      <BackupSettingsForm />
      {restoring && appOf(restoring) && <RestoreDialog app={appOf(restoring)!} backup={restoring} onStarted={(j) => { setRestoring(null); started(j); }} onCancel={() => setRestoring(null)} />}
      {moving && <RestoreAsNewAppDialog backup={moving} source={appOf(moving)} onStarted={({ app, jobs: js }) => { setMoving(null); useApps.getState().upsert(app); js.forEach(started); }} onCancel={() => setMoving(null)} />}
      {deleting && <DeleteBackupDialog backup={deleting} onDone={(b) => { setDeleting(null); if (b) put([b]); else drop(deleting.id); }} onCancel={() => setDeleting(null)} />}
    </section>
  );
}
