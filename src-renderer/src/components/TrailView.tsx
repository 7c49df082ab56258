// The audit trail of a server or an app: the server's own record of every Skiff action (which
// desktop, which job, what, the outcome) merged with this desktop's history. Exportable as CSV.
import { useCallback, useEffect, useState } from 'react';
import type { TrailEntry } from '../../../src-shared/domain';
import type { SkiffError } from '../../../src-shared/errors';
import { trailToCsv } from '../../../src-shared/trailExport';
import { asSkiffError, call } from '../api/client';
import { download } from './AuditReportView';
import { ErrorNotice } from './ErrorNotice';
import { formatWhen } from '../lib/format';

export function TrailView({ serverId, appId, title }: { serverId: string; appId?: string; title: string }) {
  const [entries, setEntries] = useState<TrailEntry[] | null>(null);
  const [error, setError] = useState<SkiffError | null>(null);
  const load = useCallback(async () => {
    setError(null);
    try { setEntries(await call('drift.trail', { id: serverId, appId })); } catch (e) { setError(asSkiffError(e)); }
  }, [serverId, appId]);
  useEffect(() => { setEntries(null); }, [serverId, appId]);
  return (
    <section className="section" data-testid="trail">
      <h2>{title}</h2>
      <p className="muted">Every change Skiff made, as the server recorded it (whoever made it), with this computer&apos;s own jobs.</p>
      <div className="row">
        <button type="button" onClick={load}>{entries ? 'Refresh' : 'Show the audit trail'}</button>
        {entries && <button type="button" className="button-small" onClick={() => download(`skiff-trail-${appId ?? serverId}.csv`, trailToCsv(entries), 'text/csv')}>Export CSV</button>}
      </div>
      <ErrorNotice error={error} />
      {entries && (entries.length === 0 ? <p className="muted">Nothing recorded yet.</p> : (
        <table className="table trail">
          <thead><tr><th>When</th><th>Who</th><th>Job</th><th>Action</th><th>Target</th><th>Outcome</th></tr></thead>
          <tbody>
            {entries.slice(0, 500).map((e, i) => (
              <tr key={`${e.jobId}-${e.verb}-${i}`} data-testid="trail-entry" data-who={e.who} data-mine={e.mine ? 'yes' : 'no'} data-verb={e.verb}>
                <td>{formatWhen(e.at)}</td>
                <td>{e.mine ? `you (${e.who})` : e.who}</td>
                <td>{e.jobKind}</td>
                <td><code>{e.verb || e.args}</code>{e.verb && e.args ? <span className="muted"> {e.args}</span> : null}</td>
                <td>{e.target}</td>
                <td className={e.outcome === 'ok' || e.outcome === 'succeeded' ? '' : 'text-warn'}>{e.outcome}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </section>
  );
}
