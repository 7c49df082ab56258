// A server set up by an older Skiff runs its apps as the login user: say what that risks, and
// offer the move to per-app service users (a job whose log opens in the server's activity).
import { useState } from 'react';
import type { Job, Server } from '../../../src-shared/domain';
import { MigrateDialog } from '../dialogs/MigrateDialog';
import { appsOfServer, useApps } from '../stores/apps';

/** Layout 2 = each app on a service user of its own; older servers have none recorded (layout 1). */
export function needsLayoutMove(server: Server): boolean {
  return !!server.setup && (server.setup.layout ?? 1) < 2;
}

export function ServerLayoutNotice({ server, busy, onJob }: { server: Server; busy: boolean; onJob: (job: Job) => void }) {
  const [confirming, setConfirming] = useState(false);
  const appCount = useApps((s) => appsOfServer(s.apps, server.id).length);
  if (!needsLayoutMove(server)) return null;
  return (
    <>
      <section className="notice notice-warning" aria-label="Server layout" data-testid="server-layout">
        <strong className="notice-title">This server was set up by an older Skiff.</strong>
        <p>
          Its apps run as the login user, <strong>{server.setup!.appUser}</strong>, who may use sudo: an app that is broken
          into could reach root. Move each app to a service user of its own.
        </p>
        <div className="notice-actions">
          <button type="button" className="button-primary" disabled={busy || !server.hostKey} onClick={() => setConfirming(true)}>Move to per-app service users</button>
        </div>
      </section>
      {confirming && <MigrateDialog server={server} appCount={appCount} onStarted={(job) => { setConfirming(false); onJob(job); }} onCancel={() => setConfirming(false)} />}
    </>
  );
}
