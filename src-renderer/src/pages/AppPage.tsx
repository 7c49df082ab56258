// One app: drop a version to deploy it, the version library, official releases, the releases on
// the server with one-click rollback, its backups, and the app's job history with live logs.
import { useEffect, useState } from 'react';
import type { App, Job, ReleaseInfo, Server, Version } from '../../../src-shared/domain';
import type { SkiffError } from '../../../src-shared/errors';
import { asSkiffError, call } from '../api/client';
import { DropZone } from '../components/DropZone';
import { ErrorNotice } from '../components/ErrorNotice';
import { JobPanel, StatusBadge } from '../components/JobPanel';
import { ProgressBar } from '../components/ProgressBar';
import { AppFormDialog } from '../dialogs/AppFormDialog';
import { RollbackDialog } from '../dialogs/RollbackDialog';
import { DeleteAppDialog } from '../dialogs/DeleteAppDialog';
import { BreakLockDialog } from '../dialogs/BreakLockDialog';
import { AppBackups } from './AppBackups';
import { TrailView } from '../components/TrailView';
import { LastJobFailure, ReconcileNotice } from './AppJobNotices';
import { needsLayoutMove } from './ServerLayoutNotice';
import { formatBytes, formatWhen } from '../lib/format';
import { useApps } from '../stores/apps';
import { useJobs } from '../stores/jobs';

export function AppPage({ server, app, onBack }: { server: Server; app: App; onBack: () => void }) {
  const { versions, loadVersions, progress, upsert } = useApps();
  const { jobs, loadForServer } = useJobs();
  const [openJobId, setOpenJobId] = useState<string | null>(null);
  const [rollbackTo, setRollbackTo] = useState<ReleaseInfo | null>(null);
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [pbVersion, setPbVersion] = useState('');
  const [error, setError] = useState<SkiffError | null>(null);
  const [notice, setNotice] = useState('');
  /** The APP_LOCKED message whose lock the user is about to break. */
  const [breaking, setBreaking] = useState<string | null>(null);
  /** The job whose lock failure a "Break lock" has dealt with (its notice then goes). */
  const [lockBrokenAfter, setLockBrokenAfter] = useState<string | null>(null);

  useEffect(() => { void loadVersions(); void loadForServer(server.id); }, [server.id, loadVersions, loadForServer]);
  // Read the releases back from the server: another desktop, or a deploy interrupted by closing Skiff, may have changed them.
  useEffect(() => { call('apps.refresh', { id: app.id }).then(upsert, () => undefined); }, [app.id, upsert]);

  const appJobs = Object.values(jobs).filter((j) => j.appId === app.id).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const openJob = openJobId ? jobs[openJobId] : undefined;
  const busy = appJobs.some((j) => j.status === 'running' || j.status === 'queued');
  const started = (job: Job) => { useJobs.getState().upsert(job); setOpenJobId(job.id); };
  const act = async (fn: () => Promise<void>) => { setError(null); setNotice(''); try { await fn(); } catch (e) { setError(asSkiffError(e)); } };
  const latest = appJobs[0] as Job | undefined;
  const latestDone = latest && latest.status !== 'running' && latest.status !== 'queued';
  const lockedJob = latestDone && latest.error?.code === 'APP_LOCKED' && lockBrokenAfter !== latest.id && error?.code !== 'APP_LOCKED' ? latest : undefined;
  const upgradeJob = latestDone && latest.error?.code === 'SERVER_UPGRADE_REQUIRED' && needsLayoutMove(server) ? latest : undefined;
  const showJob = (id: string) => {
    setOpenJobId(id);
    requestAnimationFrame(() => document.querySelector(`.job-panel[data-job-id="${id}"]`)?.scrollIntoView({ block: 'nearest' }));
  };
  const lockBroken = (r: { broke: boolean; holder?: string }) => {
    setBreaking(null);
    setLockBrokenAfter(latest?.id ?? null);
    if (error?.code === 'APP_LOCKED') setError(null);
    setNotice(r.broke ? `Lock released${r.holder ? ` (it was held by ${r.holder})` : ''}. You can deploy again.` : 'There was no lock: you can deploy again.');
  };
  const deploy = (v: Version) => act(async () => started(await call('apps.deploy', { id: app.id, sha256: v.sha256 })));

  return (
    <section className="page" aria-labelledby="app-title">
      <header className="page-header">
        <div>
          <button type="button" className="link" onClick={onBack}>← {server.name}</button>
          <h1 id="app-title">{app.name}</h1>
          <p className="muted">
            {app.domain ? <>{app.tls === 'off' ? 'http' : 'https'}://{app.domain} → </> : 'no domain · '}127.0.0.1:{app.port} · keeps {app.keepReleases} releases
          </p>
        </div>
        <div className="actions">
          <button type="button" onClick={() => setEditing(true)}>Edit app</button>
          <button type="button" className="button-danger-quiet" disabled={busy} onClick={() => setDeleting(true)}>Delete app</button>
        </div>
      </header>
      <ErrorNotice error={error}>
        {error?.code === 'APP_LOCKED' && <button type="button" onClick={() => setBreaking(error.message)}>Break lock…</button>}
      </ErrorNotice>
      {lockedJob && (
        <LastJobFailure job={lockedJob}>
          <button type="button" onClick={() => setBreaking(lockedJob.error!.message)}>Break lock…</button>
        </LastJobFailure>
      )}
      {upgradeJob && (
        <LastJobFailure job={upgradeJob}>
          <button type="button" onClick={onBack}>Open {server.name}</button>
        </LastJobFailure>
      )}
      {latest?.kind === 'reconcile' && <ReconcileNotice job={latest} onShow={() => showJob(latest.id)} />}
      {notice && <p className="notice" role="status">{notice}</p>}

      <h2>Deploy</h2>
      <DropZone binary={app.binary} onAdded={(v) => { void loadVersions(); void deploy(v); }} />
      {openJob && progress[openJob.id] && (openJob.status === 'running') && <ProgressBar p={progress[openJob.id]} />}

      <h2>Releases on the server</h2>
      {app.releases.length === 0 ? <p className="muted">Nothing deployed yet.</p> : (
        <table className="table" aria-label="Releases">
          <tbody>
            {app.releases.map((r) => (
              <tr key={r.id} data-release-id={r.id}>
                <td>{r.current ? <span className="badge badge-succeeded">current</span> : null}</td>
                <td>{r.versionLabel}<div className="muted">{r.id}</div></td>
                <td className="muted">{formatWhen(r.deployedAt)}</td>
                <td className="muted">{r.migrations.length} migration(s){r.snapshot ? ' · data snapshot' : ''}</td>
                <td>{!r.current && <button type="button" disabled={busy} onClick={() => setRollbackTo(r)}>Roll back to this</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <AppBackups app={app} busy={busy} onStarted={started} />
      <TrailView serverId={app.serverId} appId={app.id} title="Audit trail of this app" />

      <h2>Version library</h2>
      <form className="form-row" onSubmit={(e) => { e.preventDefault(); void act(async () => { const v = await call('versions.fetchOfficial', { version: pbVersion, serverId: server.id }); setNotice(`Added ${v.fileName}`); await loadVersions(); }); }}>
        <label className="grow">Official PocketBase release<input name="pbVersion" value={pbVersion} onChange={(e) => setPbVersion(e.target.value)} placeholder="0.28.4" /></label>
        <button type="submit" disabled={!pbVersion}>Fetch</button>
      </form>
      <table className="table" aria-label="Versions">
        <tbody>
          {versions.map((v) => (
            <tr key={v.sha256}>
              <td>{v.fileName}<div className="muted">{v.sha256.slice(0, 12)} · {formatBytes(v.size)} · {v.summary.topLevel.join(', ')}</div>
                <input className="notes" aria-label={`Notes for ${v.fileName}`} defaultValue={v.notes} placeholder="notes"
                  onBlur={(e) => { if (e.target.value !== v.notes) void act(async () => { await call('versions.setNotes', { sha256: v.sha256, notes: e.target.value }); await loadVersions(); }); }} />
              </td>
              <td className="muted">{formatWhen(v.createdAt)}</td>
              <td className="actions">
                <button type="button" className="button-primary button-small" disabled={busy} onClick={() => void deploy(v)}>Deploy</button>
                <button type="button" className="button-small" onClick={() => void act(async () => setNotice(`Saved to ${(await call('versions.export', { sha256: v.sha256 })).path}`))}>Export</button>
                <button type="button" className="button-small" onClick={() => void act(async () => { await call('versions.remove', { sha256: v.sha256 }); await loadVersions(); })}>Delete</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Deployments</h2>
      {openJob && <JobPanel job={openJob} onClose={() => setOpenJobId(null)} />}
      <table className="table jobs" aria-label="Deployment history">
        <tbody>
          {appJobs.map((j) => (
            <tr key={j.id}>
              <td><StatusBadge status={j.status} /></td>
              <td><button type="button" className="link" onClick={() => setOpenJobId(j.id)}>{j.title}</button>{j.error && <div className="hint">{j.error.message}</div>}</td>
              <td className="muted">{new Date(j.createdAt).toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>

      {rollbackTo && <RollbackDialog app={app} target={rollbackTo} onStarted={(j) => { setRollbackTo(null); started(j); }} onCancel={() => setRollbackTo(null)} />}
      {breaking !== null && <BreakLockDialog app={app} lockMessage={breaking} onBroken={lockBroken} onCancel={() => setBreaking(null)} />}
      {deleting && <DeleteAppDialog app={app} onStarted={(j) => { setDeleting(false); started(j); }} onCancel={() => setDeleting(false)} />}
      {editing && <AppFormDialog serverId={server.id} app={app} onSaved={(a) => { upsert(a); setEditing(false); }} onCancel={() => setEditing(false)} />}
    </section>
  );
}
