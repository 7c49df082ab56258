// One job: status, steps with timings, and its log (live while it runs, from history after).
import { useState } from 'react';
import type { Job } from '../../../src-shared/domain';
import { call } from '../api/client';
import { LogView, logViewText } from './LogView';
import { CopyButton } from './CopyButton';

const STEP_MARK: Record<string, string> = { pending: '○', running: '◐', succeeded: '✓', skipped: '•', failed: '✗', cancelled: '–' };

export function StatusBadge({ status }: { status: Job['status'] }) {
  return <span className={`badge badge-${status}`} data-testid="job-status">{status}</span>;
}

export function JobPanel({ job, onClose }: { job: Job; onClose: () => void }) {
  const [search, setSearch] = useState('');
  const [copyText, setCopyText] = useState('');
  const active = job.status === 'running' || job.status === 'queued';
  const ms = job.startedAt ? (job.endedAt ? Date.parse(job.endedAt) : Date.now()) - Date.parse(job.startedAt) : 0;
  return (
    <section className="job-panel" aria-label={`Job: ${job.title}`} data-job-id={job.id}>
      <header className="job-header">
        <div>
          <h3>{job.title} <StatusBadge status={job.status} /></h3>
          <p className="muted">
            {new Date(job.createdAt).toLocaleString()}
            {!active && job.startedAt ? ` · ${(ms / 1000).toFixed(1)} s` : ''}
            {job.changedNothing ? ' · nothing changed: everything was already done' : ''}
          </p>
          {job.error && <p className="job-error" role="alert">{job.error.message} {job.error.fix}</p>}
        </div>
        <div className="actions">
          {active && <button type="button" className="button-danger-quiet" onClick={() => void call('jobs.cancel', { id: job.id })}>Cancel</button>}
          <input className="log-search" placeholder="Search log" aria-label="Search log" value={search} onChange={(e) => setSearch(e.target.value)} />
          <span onMouseEnter={() => setCopyText(logViewText(job.id))}><CopyButton text={copyText || ' '} label="Copy log" /></span>
          <button type="button" onClick={onClose}>Close</button>
        </div>
      </header>
      <ol className="steps">
        {job.steps.map((s, i) => (
          <li key={i} className={`step step-${s.status}`} data-status={s.status}>
            <span className="step-mark">{STEP_MARK[s.status]}</span> {s.title}
            {s.durationMs !== undefined && <span className="muted"> · {(s.durationMs / 1000).toFixed(1)} s</span>}
            {s.note && <span className="muted"> · {s.note}</span>}
          </li>
        ))}
      </ol>
      <LogView jobId={job.id} search={search} />
    </section>
  );
}
