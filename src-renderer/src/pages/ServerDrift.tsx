// Drift: what changed on the server since Skiff wrote it, with a diff per file and the way back
// (re-apply, or hardening's preview for what hardening owns) or forward (adopt the change).
import { useState } from 'react';
import { DRIFT_EVERY, type DriftEvery, type DriftFinding, type Job, type Server } from '../../../src-shared/domain';
import type { SkiffError } from '../../../src-shared/errors';
import { asSkiffError, call } from '../api/client';
import { DiffView } from '../components/DiffView';
import { ErrorNotice } from '../components/ErrorNotice';
import { HardenDialog } from '../dialogs/HardenDialog';
import { useServers } from '../stores/servers';
import { formatWhen } from '../lib/format';

const LABEL: Record<DriftFinding['category'], string> = { unchanged: 'unchanged', edited: 'edited on the server', missing: 'missing', package: 'changed by a package update', unknown: 'unknown to Skiff' };

export function ServerDrift({ server, busy, onJob }: { server: Server; busy: boolean; onJob: (job: Job) => void }) {
  const [error, setError] = useState<SkiffError | null>(null);
  const [harden, setHarden] = useState(false);
  const run = async (f: () => Promise<Job>) => {
    setError(null);
    try { onJob(await f()); } catch (e) { setError(asSkiffError(e)); }
  };
  const report = server.lastDrift;
  const changes = report?.findings.filter((f) => f.category !== 'unchanged') ?? [];
  const same = (report?.findings.length ?? 0) - changes.length;
  const schedule = async (every: DriftEvery) => {
    try { useServers.getState().upsert(await call('drift.schedule', { id: server.id, every })); } catch (e) { setError(asSkiffError(e)); }
  };
  return (
    <section className="section" aria-labelledby="drift-title" data-testid="drift">
      <h2 id="drift-title">Drift</h2>
      <p className="muted">What changed on the server since Skiff wrote it: its files, SSH settings, firewall, fail2ban, units and sudo entry, and package files (dpkg --verify). Read-only.</p>
      <div className="row">
        <button type="button" onClick={() => run(() => call('drift.check', { id: server.id }))} disabled={busy || !server.setup}>Check for drift</button>
        <label>Check automatically{' '}
          <select value={server.driftEvery ?? 'daily'} onChange={(e) => schedule(e.target.value as DriftEvery)} aria-label="Drift check schedule">
            {DRIFT_EVERY.map((e) => <option key={e} value={e}>{e}</option>)}
          </select>
        </label>
      </div>
      <ErrorNotice error={error} />
      {report && (
        <div data-testid="drift-report">
          <p>
            Checked {formatWhen(report.at)}:{' '}
            {changes.length ? <strong>{changes.length} change(s)</strong> : <strong data-testid="drift-clean">no drift</strong>}, {same} file(s) as Skiff wrote them.
          </p>
          <ul className="findings">
            {changes.map((f) => (
              <li key={f.id} className={`finding finding-${f.category}`} data-testid="drift-finding" data-category={f.category} data-subject={f.subject}>
                <div><span className="tag">{LABEL[f.category]}</span> <code>{f.subject}</code></div>
                <p>{f.detail}{f.writtenBy && f.writtenBy.jobKind !== '-' ? ` Written by a ${f.writtenBy.jobKind} job.` : ''}</p>
                {f.diff && <DiffView text={f.diff} />}
                <div className="row">
                  {f.fix === 'harden' && <button type="button" disabled={busy} onClick={() => setHarden(true)}>Re-apply through Harden…</button>}
                  {f.fix === 'reapply' && <button type="button" disabled={busy} onClick={() => run(() => call('drift.fix', { id: server.id, action: 'reapply', findings: [f.id] }))}>Re-apply</button>}
                  {f.fix === 'setup' && <span className="muted">Run Set up again as root to put it back.</span>}
                  {f.canAdopt && <button type="button" disabled={busy} onClick={() => run(() => call('drift.fix', { id: server.id, action: 'adopt', findings: [f.id] }))}>Adopt</button>}
                </div>
              </li>
            ))}
          </ul>
        </div>
      )}
      {harden && <HardenDialog server={server} onStarted={(job) => { setHarden(false); onJob(job); }} onCancel={() => setHarden(false)} />}
    </section>
  );
}
