// Upload progress: bytes, MiB/s and time left.
import type { JobEvent } from '../../../src-shared/domain';

type Progress = Extract<JobEvent, { type: 'progress' }>;

export function ProgressBar({ p }: { p: Progress }) {
  const pct = p.total ? Math.min(100, (p.bytes / p.total) * 100) : 0;
  const mib = (n: number) => (n / 1048576).toFixed(1);
  return (
    <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(pct)} aria-label="Upload progress">
      <div className="progress-bar" style={{ width: `${pct}%` }} />
      <span className="progress-text" data-testid="upload-progress">
        {mib(p.bytes)} / {mib(p.total)} MiB · {mib(p.bytesPerSecond)} MiB/s{p.bytes < p.total ? ` · ${Math.ceil(p.etaSeconds)} s left` : ' · uploaded'}
      </span>
    </div>
  );
}
