// Asks for the deploy user's name (checked as it is typed), then starts setup.
import { useId, useState } from 'react';
import type { Job, Server } from '../../../src-shared/domain';
import type { SkiffError } from '../../../src-shared/errors';
import { deployUserProblem } from '../../../src-shared/names';
import { asSkiffError, call } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Modal } from '../components/Modal';

export function SetupDialog({ server, onStarted, onCancel }: { server: Server; onStarted: (job: Job) => void; onCancel: () => void }) {
  const [appUser, setAppUser] = useState(server.setup?.appUser ?? 'skiff');
  const [error, setError] = useState<SkiffError | null>(null);
  const problemId = useId();
  // The contract trims the name before checking it; check the same text.
  const problem = deployUserProblem(appUser.trim());
  const start = async () => {
    if (problem) return;
    try {
      onStarted(await call('servers.setup', { id: server.id, appUser }));
    } catch (e) {
      setError(asSkiffError(e));
    }
  };
  return (
    <Modal title={`Set up ${server.name}`} onClose={onCancel}>
      <p>
        Skiff creates a deploy user with your key and a sudo entry limited to Skiff&apos;s helper, upgrades packages, installs
        ufw, fail2ban, caddy, unzip, curl and sqlite3, turns on automatic security updates and creates <code>/opt/skiff</code>.
        Safe to run again: steps already done are skipped. Afterwards Skiff logs in as the deploy user; each app runs as a
        service user of its own.
      </p>
      <form className="form" onSubmit={(e) => { e.preventDefault(); void start(); }}>
        <label>
          Deploy user
          <input name="appUser" value={appUser} onChange={(e) => setAppUser(e.target.value)} autoComplete="off" spellCheck={false}
            aria-invalid={problem ? true : undefined} aria-describedby={problem ? problemId : undefined} />
        </label>
        {problem && <p id={problemId} className="field-error">{problem}</p>}
        <ErrorNotice error={error} />
        <div className="dialog-actions">
          <button type="button" onClick={onCancel}>Cancel</button>
          <button type="submit" className="button-primary" disabled={!!problem}>Start setup</button>
        </div>
      </form>
    </Modal>
  );
}
