// The app shell: servers in the sidebar, the selected server's page, dialogs for adding/importing.
import { useEffect, useRef, useState } from 'react';
import type { Preferences, Server } from '../../src-shared/domain';
import { call, onEvent } from './api/client';
import { ServerFormDialog } from './dialogs/ServerFormDialog';
import { ImportSshConfigDialog } from './dialogs/ImportSshConfigDialog';
import { StatusDot } from './components/StatusDot';
import { BackupsPage } from './pages/BackupsPage';
import { FleetPage } from './pages/FleetPage';
import { ServerPage } from './pages/ServerPage';
import { useAppInfo } from './stores/appInfo';
import { subscribeServerEvents, useServers } from './stores/servers';
import { subscribeJobEvents } from './stores/jobs';
import { subscribeAppEvents } from './stores/apps';
import { subscribeBackupEvents } from './stores/backups';
import { subscribeFleetEvents } from './stores/fleet';

/** Electron: whether closing the window keeps Skiff in the tray. */
function TrayPreference() {
  const [prefs, setPrefs] = useState<Preferences | null>(null);
  useEffect(() => { void call('host.preferences', {}).then(setPrefs); }, []);
  if (!prefs) return null;
  return (
    <label className="muted tray-preference">
      <input type="checkbox" checked={prefs.keepRunningInTray} onChange={async (e) => setPrefs(await call('host.setPreferences', { keepRunningInTray: e.target.checked }))} />{' '}
      Keep running in the tray when the window closes
    </label>
  );
}

/** A server matches the sidebar's filter by name, host or tag. */
function matchesFilter(s: Server, filter: string): boolean {
  const f = filter.trim().toLowerCase();
  return !f || [s.name, s.host, ...(s.tags ?? [])].some((v) => v.toLowerCase().includes(f));
}

export function App() {
  const { servers, loaded, selectedId, connection, load, select, upsert } = useServers();
  const info = useAppInfo((s) => s.info);
  const [adding, setAdding] = useState(false);
  const [importing, setImporting] = useState(false);
  const [connectAfterAdd, setConnectAfterAdd] = useState<string | null>(null);
  const [page, setPage] = useState<'server' | 'backups' | 'fleet'>('server');
  const [filter, setFilter] = useState('');
  const findRef = useRef<HTMLInputElement>(null);

  // The Electron menu's commands (the browser host sends none).
  useEffect(() => onEvent('menu.command', ({ command }) => {
    if (command === 'add-server') setAdding(true);
    else if (command === 'search') findRef.current?.focus();
    else setPage(command === 'servers' ? 'server' : command);
  }), []);

  useEffect(() => {
    const offServers = subscribeServerEvents();
    const offJobs = subscribeJobEvents();
    const offApps = subscribeAppEvents();
    const offBackups = subscribeBackupEvents();
    const offFleet = subscribeFleetEvents();
    const off = () => { offServers(); offJobs(); offApps(); offBackups(); offFleet(); };
    void load();
    void useAppInfo.getState().load();
    return off;
  }, [load]);

  const selected = servers.find((s) => s.id === selectedId);

  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Servers">
        <div className="brand">Skiff</div>
        {servers.length > 0 && (
          <input ref={findRef} className="server-filter" type="search" placeholder="Find a server" aria-label="Find a server" value={filter} onChange={(e) => setFilter(e.target.value)} />
        )}
        <ul className="server-list">
          {servers.filter((s) => matchesFilter(s, filter)).map((s) => (
            <li key={s.id}>
              <button type="button" className={s.id === selectedId && page === 'server' ? 'active' : ''} onClick={() => { setPage('server'); select(s.id); }}>
                <StatusDot state={connection[s.id]?.state ?? 'idle'} />
                <span>{s.name}</span>
              </button>
            </li>
          ))}
        </ul>
        <ul className="server-list">
          <li><button type="button" className={page === 'fleet' ? 'active' : ''} onClick={() => setPage('fleet')}>Fleet</button></li>
          <li><button type="button" className={page === 'backups' ? 'active' : ''} onClick={() => setPage('backups')}>Backups</button></li>
        </ul>
        <div className="sidebar-actions">
          <button type="button" className="button-primary" onClick={() => setAdding(true)}>Add server</button>
          <button type="button" onClick={() => setImporting(true)}>Import from SSH config</button>
        </div>
        {info?.host === 'electron' && <TrayPreference />}
        {info && <div className="host-info muted">v{info.version} · {info.host === 'browser' ? 'browser host' : 'desktop'}</div>}
      </nav>
      <main className="content">
        {info && !info.keychain.available && (
          <div className="notice notice-error" role="alert" data-error-code="KEYCHAIN_UNAVAILABLE">
            <strong>The OS keychain is not available, so Skiff cannot store keys or passwords.</strong>
            <p>Unlock or start your keychain (GNOME Keyring, KWallet, macOS Keychain), then restart Skiff. Skiff never writes secrets to a file.</p>
            {info.keychain.error && <code className="notice-detail">{info.keychain.error}</code>}
          </div>
        )}
        {page === 'backups' ? <BackupsPage /> : page === 'fleet' ? <FleetPage /> : selected ? (
          <ServerPage
            key={selected.id}
            server={selected}
            autoConnect={connectAfterAdd === selected.id}
            onAutoConnected={() => setConnectAfterAdd(null)}
          />
        ) : loaded && servers.length === 0 ? (
          <section className="empty">
            <h1>Add your first server</h1>
            <p>Give Skiff a fresh Linux VPS: its address, a login user and a key. Skiff shows the server's host-key fingerprint for you to confirm, keeps every secret in your OS keychain, and tells you what the server runs.</p>
            <div className="actions">
              <button type="button" className="button-primary" onClick={() => setAdding(true)}>Add server</button>
              <button type="button" onClick={() => setImporting(true)}>Import from SSH config</button>
            </div>
          </section>
        ) : (
          <section className="empty"><p className="muted">Pick a server on the left.</p></section>
        )}
      </main>
      {adding && (
        <ServerFormDialog
          onSaved={(s) => { upsert(s); select(s.id); setPage('server'); setAdding(false); setConnectAfterAdd(s.id); }}
          onCancel={() => setAdding(false)}
        />
      )}
      {importing && (
        <ImportSshConfigDialog
          onImported={(list) => { list.forEach(upsert); if (list[0]) { select(list[0].id); setPage('server'); } setImporting(false); }}
          onCancel={() => setImporting(false)}
        />
      )}
    </div>
  );
}
