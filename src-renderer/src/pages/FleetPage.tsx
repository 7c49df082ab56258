// One deploy over many apps and servers: pick the apps (by hand or by server), a version and how to
// proceed (canary, batch size, failures allowed); then a live grid, one row per app with its own
// log, and a recap like Ansible's, with "retry the failed ones" and "roll back the whole fleet".
// Setup, hardening and audits run over many servers the same way; an audit ends with which server
// fails what.
import { useEffect, useMemo, useState } from 'react';
import type { App, FleetRunState, FleetServerAction, Server, TargetState } from '../../../src-shared/domain';
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
  // A tag picks the apps that carry it and every app on a server that carries it.
  const tagged = useMemo(() => {
    const m = new Map<string, string[]>();
    for (const app of Object.values(apps)) {
      const server = servers.find((x) => x.id === app.serverId);
      for (const t of new Set([...(app.tags ?? []), ...(server?.tags ?? [])])) m.set(t, [...(m.get(t) ?? []), app.id]);
    }
    return m;
  }, [apps, servers]);
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
          {tagged.size > 0 && (
            <div className="actions" aria-label="Pick by tag">
              {[...tagged].sort(([x], [y]) => x.localeCompare(y)).map(([tag, ids]) => (
                <button type="button" key={tag} className="tag" onClick={() => toggle(ids, true)}>#{tag} ({ids.length})</button>
              ))}
              <button type="button" className="link" onClick={() => setPicked(new Set())}>Clear</button>
            </div>
          )}
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
      <ServersForm busy={running} options={options} onStart={(fn) => void act(fn)} />
      {run && <FleetRun run={run} onRetry={() => void act(() => call('fleet.retryFailed', options))} onRollback={() => void act(() => call('fleet.rollback', options))} />}
    </section>
  );
}

/** Setup, hardening or an audit over the servers picked. */
function ServersForm({ busy, options, onStart }: { busy: boolean; options: { batchSize: number; maxFailures: number; canary: boolean }; onStart: (fn: () => Promise<FleetRunState>) => void }) {
  const { servers } = useServers();
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [confirmHarden, setConfirmHarden] = useState(false);
  const serverIds = [...picked];
  const serverTags = [...new Set(servers.flatMap((x) => x.tags ?? []))].sort();
  const start = (action: FleetServerAction) => onStart(() => call('fleet.servers', { action, serverIds, ...options }));
  return (
    <form className="form fleet-form" aria-label="Fleet servers" onSubmit={(e) => e.preventDefault()}>
      <fieldset>
        <legend>Servers</legend>
        {serverTags.length > 0 && (
          <div className="actions" aria-label="Pick servers by tag">
            {serverTags.map((tag) => (
              <button type="button" key={tag} className="tag" onClick={() => setPicked((p) => new Set([...p, ...servers.filter((x) => x.tags?.includes(tag)).map((x) => x.id)]))}>#{tag}</button>
            ))}
          </div>
        )}
        <ul className="fleet-apps">
          {servers.map((s) => (
            <li key={s.id}><label className="checkbox"><input type="checkbox" checked={picked.has(s.id)} aria-label={`Server ${s.name}`} onChange={(e) => setPicked((p) => { const n = new Set(p); if (e.target.checked) n.add(s.id); else n.delete(s.id); return n; })} /> {s.name}{s.setup ? '' : ' (not set up)'}</label></li>
          ))}
        </ul>
      </fieldset>
      <div className="actions">
        <button type="button" disabled={busy || picked.size === 0} onClick={() => start('setup')}>Set up {picked.size} server(s)</button>
        <button type="button" disabled={busy || picked.size === 0} onClick={() => setConfirmHarden(true)}>Harden {picked.size} server(s)</button>
        <button type="button" disabled={busy || picked.size === 0} onClick={() => start('audit')}>Audit {picked.size} server(s)</button>
      </div>
      {confirmHarden && (
        <div className="notice" role="alertdialog" aria-label="Harden servers?">
          <p>Harden {picked.size} server(s): SSH by key only as the deploy user, a firewall with only SSH, HTTP and HTTPS open, and fail2ban. Each one is checked with a fresh login before its old access is closed, and put back by itself if that login fails.</p>
          <div className="actions">
            <button type="button" className="button-primary" onClick={() => { setConfirmHarden(false); start('harden'); }}>Harden them</button>
            <button type="button" onClick={() => setConfirmHarden(false)}>Cancel</button>
          </div>
        </div>
      )}
    </form>
  );
}

/** After a fleet audit: which server fails what. */
function AuditSummary({ serverIds }: { serverIds: string[] }) {
  const { servers } = useServers();
  const rows = serverIds.map((id) => servers.find((s) => s.id === id)).filter((s): s is Server => !!s?.lastAudit);
  if (rows.length === 0) return null;
  return (
    <table className="table" aria-label="Audit summary">
      <thead><tr><th>Server</th><th>Fail</th><th>Warn</th><th>Pass</th><th>Failing</th></tr></thead>
      <tbody>
        {rows.map((s) => (
          <tr key={s.id} aria-label={s.name}>
            <td>{s.name}</td>
            <td className={s.lastAudit!.summary.fail ? 'audit-fail' : ''}>{s.lastAudit!.summary.fail}</td>
            <td className={s.lastAudit!.summary.warn ? 'audit-warn' : ''}>{s.lastAudit!.summary.warn}</td>
            <td>{s.lastAudit!.summary.pass}</td>
            <td className="muted">{s.lastAudit!.items.filter((i) => i.status === 'fail').map((i) => i.title).join('; ') || 'nothing'}</td>
          </tr>
        ))}
      </tbody>
    </table>
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
            <FleetRow key={t.target.key} t={t} open={open === t.target.key} onToggle={() => setOpen(open === t.target.key ? null : t.target.key)} />
          ))}
        </tbody>
      </table>
      {recap && run.kind === 'audit' && <AuditSummary serverIds={run.targets.map((t) => t.target.serverId)} />}
      {recap && (
        <>
          <p className="fleet-recap" data-testid="fleet-recap">
            {(['ok', 'changed', 'failed', 'skipped', 'unreachable'] as const).map((k) => `${k}=${recap.counts[k]}`).join(' ')}
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
