// Setup, hardening and audit of one server: where it stands and the buttons that move it on.
import { useState } from 'react';
import type { Job, Server } from '../../../src-shared/domain';
import type { SkiffError } from '../../../src-shared/errors';
import { asSkiffError, call } from '../api/client';
import { AuditReportView } from '../components/AuditReportView';
import { ErrorNotice } from '../components/ErrorNotice';
import { HardenDialog } from '../dialogs/HardenDialog';
import { SetupDialog } from '../dialogs/SetupDialog';
import { formatWhen } from '../lib/format';

export function ServerSecurity({ server, busy, onJob }: { server: Server; busy: boolean; onJob: (job: Job) => void }) {
  const [dialog, setDialog] = useState<'setup' | 'harden' | null>(null);
  const [error, setError] = useState<SkiffError | null>(null);
  const started = (job: Job) => { setDialog(null); onJob(job); };
  const audit = async () => {
    setError(null);
    try { onJob(await call('servers.audit', { id: server.id })); } catch (e) { setError(asSkiffError(e)); }
  };
  const trusted = !!server.hostKey;

  return (
    <section className="section" aria-labelledby="security-title">
      <h2 id="security-title">Production readiness</h2>
      <div className="cards">
        <article className="card" data-testid="setup-state">
          <h3>Setup</h3>
          {server.setup
            ? <p>Done {formatWhen(server.setup.at)}: deploy user <strong>{server.setup.appUser}</strong> (first set up as {server.setup.adminUser}).</p>
            : <p className="muted">Not set up: no deploy user, packages or automatic updates yet.</p>}
          <button type="button" onClick={() => setDialog('setup')} disabled={busy || !trusted}>{server.setup ? 'Run setup again' : 'Set up'}</button>
        </article>
        <article className="card" data-testid="hardening-state">
          <h3>Hardening</h3>
          {server.hardening
            ? <p>Done {formatWhen(server.hardening.at)}: key-only SSH on port {server.hardening.sshPort}, firewall on, fail2ban watching.</p>
            : <p className="muted">{server.setup ? 'Not hardened: root and password logins are still possible.' : 'Set up the server first.'}</p>}
          <button type="button" onClick={() => setDialog('harden')} disabled={busy || !server.setup}>{server.hardening ? 'Harden again…' : 'Harden…'}</button>
        </article>
        <article className="card">
          <h3>Security audit</h3>
          <p className="muted">Read-only: SSH settings, firewall, fail2ban, updates, sudo rights.</p>
          <button type="button" onClick={audit} disabled={busy || !trusted}>Run audit</button>
        </article>
      </div>
      <ErrorNotice error={error} />
      {server.lastAudit && <AuditReportView report={server.lastAudit} />}
      {dialog === 'setup' && <SetupDialog server={server} onStarted={started} onCancel={() => setDialog(null)} />}
      {dialog === 'harden' && <HardenDialog server={server} onStarted={started} onCancel={() => setDialog(null)} />}
    </section>
  );
}
