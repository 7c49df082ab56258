// The apps on a server, and "New app".
import { useEffect, useState } from 'react';
import type { Server } from '../../../src-shared/domain';
import { AppFormDialog } from '../dialogs/AppFormDialog';
import { AppTemplateDialog } from '../dialogs/AppTemplateDialog';
import { appsOfServer, useApps } from '../stores/apps';

export function ServerApps({ server }: { server: Server }) {
  const { apps, loadApps, upsert, selectApp } = useApps();
  const [creating, setCreating] = useState(false);
  const [templating, setTemplating] = useState(false);
  useEffect(() => { void loadApps(server.id); }, [server.id, loadApps]);
  const list = appsOfServer(apps, server.id);
  return (
    <section className="section" aria-labelledby="apps-title">
      <h2 id="apps-title">Apps</h2>
      {list.length === 0 && <p className="muted">{server.setup ? 'No apps yet.' : 'Set up the server first, then add apps.'}</p>}
      {list.length > 0 && (
        <table className="table" aria-label="Apps">
          <tbody>
            {list.map((a) => {
              const cur = a.releases.find((r) => r.current);
              return (
                <tr key={a.id}>
                  <td><button type="button" className="link" onClick={() => selectApp(a.id)}>{a.name}</button></td>
                  <td className="muted">{a.domain ?? 'no domain'}</td>
                  <td className="muted">port {a.port}</td>
                  <td className="muted">{cur ? `${cur.versionLabel} (${cur.id})` : 'not deployed'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <div className="actions">
        <button type="button" disabled={!server.setup} onClick={() => setCreating(true)}>New app</button>
        <button type="button" disabled={!server.setup} onClick={() => setTemplating(true)}>New apps from a template</button>
      </div>
      {creating && <AppFormDialog serverId={server.id} onSaved={(a) => { upsert(a); setCreating(false); selectApp(a.id); }} onCancel={() => setCreating(false)} />}
      {templating && <AppTemplateDialog serverId={server.id} onCreated={(list) => { list.forEach(upsert); setTemplating(false); }} onCancel={() => setTemplating(false)} />}
    </section>
  );
}
