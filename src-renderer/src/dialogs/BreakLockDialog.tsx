// Kamal's "lock release", with what it risks said first: the holder may still be running.
import { useState } from 'react';
import type { App } from '../../../src-shared/domain';
import type { SkiffError } from '../../../src-shared/errors';
import { asSkiffError, call } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Modal } from '../components/Modal';

/** "job … by …, taken … ago." out of an APP_LOCKED message, or the whole message when it reads otherwise. */
export function lockHolderText(message: string): string {
  return /\block: (.+)$/s.exec(message)?.[1] ?? message;
}

export function BreakLockDialog({ app, lockMessage, onBroken, onCancel }: { app: App; lockMessage: string; onBroken: (r: { broke: boolean; holder?: string }) => void; onCancel: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<SkiffError | null>(null);
  const go = async () => {
    setBusy(true);
    setError(null);
    try {
      onBroken(await call('apps.breakLock', { id: app.id }));
    } catch (e) {
      setError(asSkiffError(e));
      setBusy(false);
    }
  };
  return (
    <Modal title={`Break the lock of ${app.name}`} onClose={onCancel}>
      <p data-testid="lock-holder">Held by {lockHolderText(lockMessage)}</p>
      <p className="warning-text" role="note">
        If that job is still running (on another desktop, or a deploy you started elsewhere), breaking its lock lets two jobs
        change the app at once: the app can end up on a half-switched release. Break it only if you know that job is gone.
      </p>
      <ErrorNotice error={error} />
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>Cancel</button>
        <button type="button" className="button-danger" disabled={busy} onClick={() => void go()}>Break lock</button>
      </div>
    </Modal>
  );
}
