// One deploy over many apps and servers: pick the apps (by hand or by server), a version and how to
// proceed (canary, batch size, failures allowed); then a live grid, one row per app with its own
// log, and a recap like Ansible's, with "retry the failed ones" and "roll back the whole fleet".
import { useEffect, useMemo, useState } from 'react';
import type { App, FleetRunState, Server, TargetState } from '../../../src-shared/domain';
import type { SkiffError } from '../../../src-shared/errors';
import { asSkiffError, call } from '../api/client';
import { DropZone } from '../components/DropZone';
import { ErrorNotice } from '../components/ErrorNotice';
import { LogView } from '../components/LogView';
import { useApps } from '../stores/apps';
import { useFleet } from '../stores/fleet';
import { useServers } from '../stores/servers';

const OUTCOME_BADGE: Record<TargetState['outcome'], string> = {
  pending: 'queued', running: 'running', ok: 'succeeded', changed: 'succeeded', failed: 'failed', skipped: 'cancelled', unreachable: 'failed',
};

export function FleetPage() {
  const { servers } = useServers();
  const { apps, versions, loadVersions, upsert } = useApps();
  const { run, load } = useFleet();
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [sha256, setSha256] = useState('');
  const [batchSize, setBatchSize] = useState('5');
  const [maxFailures, setMaxFailures] = useState('0');
  const [canary, setCanary] = useState(true);
  const [error, setError] = useState<SkiffError | null>(null);
  useEffect(() => {
    void load();
    void loadVersions();
    call('apps.list', {}).then((list) => list.forEach(upsert), () => undefined);
  }, [load, loadVersions, upsert]);

  const byServer = useMemo(() => servers.map((s) => ({ server: s, apps: Object.values(apps).filter((a) => a.serverId === s.id).sort((a, b) => a.name.localeCompare(b.name)) })).filter((g) => g.apps.length > 0), [servers, apps]);
  const toggle = (ids: string[], on: boolean) => setPicked((p) => { const n = new Set(p); ids.forEach((id) => (on ? n.add(id) : n.delete(id))); return n; });
  const options = { batchSize: Number(batchSize), maxFailures: Number(maxFailures), canary };
  const act = async (fn: () => Promise<FleetRunState>) => {
    setError(null);
    try { useFleet.getState().set(await fn()); } catch (e) { setError(asSkiffError(e)); }
  };
  const running = !!run?.running;

  return (
    <section className="page" aria-labelledby="fleet-page-title">
      <header className="page-header"><h1 id="fleet-page-title">Fleet</h1></header>
      <p className="muted">Deploy one version to many apps across servers: every app is checked before any changes, one goes first, then the rest in batches.</p>
      <ErrorNotice error={error} />
      <form className="form fleet-form" aria-label="Fleet deploy" onSubmit={(e) => { e.preventDefault(); void act(() => call('fleet.deploy', { appIds: [...picked], sha256, ...options })); }}>
        <fieldset>
          <legend>Apps</legend>
          {byServer.length === 0 && <p className="muted">No apps yet.</p>}
          {byServer.map(({ server, apps: list }) => <ServerGroup key={server.id} server={server} apps={list} picked={picked} toggle={toggle} />)}
        </fieldset>
        <label>Version
          <select value={sha256} onChange={(e) => setSha256(e.target.value)}>
            <option value="">Pick a version</option>
            {versions.map((v) => <option key={v.sha256} value={v.sha256}>{v.fileName} · {v.sha256.slice(0, 8)}</option>)}
          </select>
        </label>
        <DropZone binary="pocketbase" onAdded={(v) => { void loadVersions(); setSha256(v.sha256); }} />
        <div className="form-row">
          <label>At once after the first<input inputMode="numeric" value={batchSize} onChange={(e) => setBatchSize(e.target.value)} /></label>
          <label>Failures allowed<input inputMode="numeric" value={maxFailures} onChange={(e) => setMaxFailures(e.target.value)} /></label>
          <label className="checkbox"><input type="checkbox" checked={canary} onChange={(e) => setCanary(e.target.checked)} /> One app first (canary)</label>
        </div>
        <button type="submit" className="button-primary" disabled={running || picked.size === 0 || !sha256}>Deploy to {picked.size} app(s)</button>
      </form>
      {run && <FleetRun run={run} onRetry={() => void act(() => call('fleet.retryFailed', options))} onRollback={() => void act(() => call('fleet.rollback', options))} />}
    </section>
  );
}

function ServerGroup({ server, apps, picked, toggle }: { server: Server; apps: App[]; picked: Set<string>; toggle: (ids: string[], on: boolean) => void }) {
  const all = apps.every((a) => picked.has(a.id));
  return (
    <div className="fleet-group">
      <label className="checkbox"><input type="checkbox" checked={all} onChange={(e) => toggle(apps.map((a) => a.id), e.target.checked)} /> <strong>{server.name}</strong> (all {apps.length})</label>
      <ul className="fleet-apps">
        {apps.map((a) => (
          <li key={a.id}><label className="checkbox"><input type="checkbox" checked={picked.has(a.id)} onChange={(e) => toggle([a.id], e.target.checked)} aria-label={`${a.name} on ${server.name}`} /> {a.name}</label></li>
        ))}
      </ul>
    </div>
  );
}

function FleetRun({ run, onRetry, onRollback }: { run: FleetRunState; onRetry: () => void; onRollback: () => void }) {
  const [open, setOpen] = useState<string | null>(null);
  const recap = run.recap;
  return (
    <section className="section" aria-label={`Fleet run: ${run.title}`}>
      <h2>{run.title} {run.running && <span className="badge badge-running">running</span>}</h2>
      {run.error && <p className="job-error" role="alert">{run.error}</p>}
      {recap?.stoppedBeforeChange && <p className="job-error" role="alert" data-testid="fleet-stopped">{recap.stoppedBeforeChange}</p>}
      {recap?.stoppedAfterFailures && <p className="job-error" role="alert" data-testid="fleet-stopped">Stopped: more apps failed than allowed; the rest were not started.</p>}
      <table className="table" aria-label="Fleet targets">
        <thead><tr><th>App</th><th>Outcome</th><th>Why</th><th /></tr></thead>
        <tbody>
          {run.targets.map((t) => (
            <FleetRow key={t.target.appId} t={t} open={open === t.target.appId} onToggle={() => setOpen(open === t.target.appId ? null : t.target.appId)} />
          ))}
        </tbody>
      </table>
      {recap && (
        <>
          <p className="fleet-recap" data-testid="fleet-recap">
            {(['ok', 'changed', 'failed', 'skipped', 'unreachable'] as const).map((k) => `${k}=${recap.counts[k]}`).join('  ')}
          </p>
          <div className="actions">
            <button type="button" disabled={recap.counts.failed + recap.counts.unreachable === 0} onClick={onRetry}>Retry the failed ones</button>
            {run.kind === 'deploy' && <button type="button" className="button-danger-quiet" disabled={recap.counts.changed === 0} onClick={onRollback}>Roll back the whole fleet</button>}
          </div>
        </>
      )}
    </section>
  );
}

function FleetRow({ t, open, onToggle }: { t: TargetState; open: boolean; onToggle: () => void }) {
  return (
    <>
      <tr data-outcome={t.outcome} aria-label={t.target.label}>
        <td>{t.target.label}</td>
        <td><span className={`badge badge-${OUTCOME_BADGE[t.outcome]}`} data-testid="fleet-outcome">{t.outcome}</span></td>
        <td className="muted">{t.reason ?? (t.from ? `was ${t.from}` : '')}</td>
        <td>{t.jobId && <button type="button" className="link" onClick={onToggle}>{open ? 'Hide log' : 'Show log'}</button>}</td>
      </tr>
      {open && t.jobId && <tr><td colSpan={4}><LogView jobId={t.jobId} /></td></tr>}
    </>
  );
}
