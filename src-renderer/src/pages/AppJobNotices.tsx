// What the app's most recent job leaves the user to know: a read-back after Skiff was closed
// mid-job, or a failure another action fixes (a lock to break, a server layout to move).
import type { ReactNode } from 'react';
import type { Job } from '../../../src-shared/domain';
import { SkiffError, type ErrorCode } from '../../../src-shared/errors';
import { ErrorNotice } from '../components/ErrorNotice';

/** The job's error as the SkiffError ErrorNotice shows. */
export function jobError(job: Job): SkiffError | null {
  return job.error ? new SkiffError(job.error.code as ErrorCode, { message: job.error.message, fix: job.error.fix }) : null;
}

/** What a reconcile job found, in a few words: the notes of its steps ("serving …"), or why it stopped. */
export function reconcileOutcome(job: Job): string {
  if (job.status === 'queued' || job.status === 'running') return 'reading it back now…';
  if (job.status === 'succeeded') {
    const notes = job.steps.map((s) => s.note).filter((n): n is string => !!n);
    return notes.length ? notes.join('; ') : 'nothing to change';
  }
  return `the read-back did not finish (${job.error?.message ?? job.status})`;
}

/** The interrupted job's title, out of the reconcile job's `… after an interrupted job ("<title>")`. */
function interruptedTitle(job: Job): string | undefined {
  return /\("(.+)"\)$/s.exec(job.title)?.[1];
}

export function ReconcileNotice({ job, onShow }: { job: Job; onShow: () => void }) {
  const interrupted = interruptedTitle(job);
  return (
    <div className="notice" role="status" aria-label="Interrupted job" data-testid="reconcile-notice" data-job-id={job.id}>
      Skiff was closed during a job on this app; on reopening it read the server back: <strong>{reconcileOutcome(job)}</strong>.
      <button type="button" className="link" onClick={onShow}>Show what it found</button>
      {interrupted && <div className="hint">Interrupted job: {interrupted}</div>}
    </div>
  );
}

/** The most recent job's failure, with the action that fixes it. */
export function LastJobFailure({ job, children }: { job: Job; children: ReactNode }) {
  return <ErrorNotice error={jobError(job)}>{children}</ErrorNotice>;
}
