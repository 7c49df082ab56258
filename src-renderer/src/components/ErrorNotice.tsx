// Shows a SkiffError the way every error in Skiff is shown: what happened, what to do, details.
import type { ReactNode } from 'react';
import type { SkiffError } from '../../../src-shared/errors';

export function ErrorNotice({ error, children }: { error: SkiffError | null; children?: ReactNode }) {
  if (!error) return null;
  return (
    <div className="notice notice-error" role="alert" data-error-code={error.code}>
      <strong className="notice-title">{error.message}</strong>
      <p className="notice-fix">{error.fix}</p>
      {error.detail && (
        <details>
          <summary>Details</summary>
          <code className="notice-detail">{error.detail}</code>
        </details>
      )}
      {children && <div className="notice-actions">{children}</div>}
    </div>
  );
}
