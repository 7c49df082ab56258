// "Move an app": a new app on any server from a backup. Skiff deploys the version the backup was
// made with, then restores the backup into it; both run as jobs with their live logs.
import { useState, type FormEvent } from 'react';
import type { App, Backup, Job, TlsMode } from '../../../src-shared/domain';
import type { SkiffError } from '../../../src-shared/errors';
import { asSkiffError, call } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { TlsSelect } from '../components/TlsSelect';
import { Modal } from '../components/Modal';
import { useServers } from '../stores/servers';

export function RestoreAsNewAppDialog({ backup, source, onStarted, onCancel }: { backup: Backup; source?: App; onStarted: (r: { app: App; jobs: Job[] }) => void; onCancel: () => void }) {
  const servers = useServers((s) => s.servers).filter((s) => s.setup);
  const [serverId, setServerId] = useState(servers.find((s) => s.id !== backup.serverId)?.id ?? servers[0]?.id ?? '');
  const [name, setName] = useState(`${backup.appName}-restored`.slice(0, 63));
  const [domain, setDomain] = useState('');
  const [tls, setTls] = useState<TlsMode>(source?.tls ?? 'auto');
  const [error, setError] = useState<SkiffError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const env = (source?.env ?? []).filter((v) => !v.secret).map((v) => ({ key: v.key, value: v.value ?? '', secret: false }));
      onStarted(await call('backups.restoreAsNewApp', { id: backup.id, app: { serverId, name, domain, tls, keepReleases: source?.keepReleases ?? 5, binary: source?.binary ?? 'pocketbase', env } }));
    } catch (err) {
      setError(asSkiffError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title={`Restore ${backup.appName} as a new app`} onClose={onCancel}>
      <form className="form" onSubmit={submit}>
        <p>Skiff creates the app, deploys {backup.versionLabel ?? `the version backup ${backup.id} was made with`} to it, then restores the backup and checks /api/health. The app on {backup.serverName} is not touched.</p>
        <label>Server<select name="server" value={serverId} onChange={(e) => setServerId(e.target.value)}>
          {servers.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
        </select></label>
        <label>Name<input name="name" value={name} onChange={(e) => setName(e.target.value)} required /></label>
        <label>Domain<input name="domain" value={domain} onChange={(e) => setDomain(e.target.value)} placeholder="app.example.com (optional)" /></label>
        <TlsSelect name="tls" value={tls} onChange={setTls} />
        {source?.env.some((v) => v.secret) && <p className="hint">Secret env values stay in this computer&apos;s keychain for {backup.appName}: set them on the new app.</p>}
        <ErrorNotice error={error} />
        <div className="dialog-actions">
          <button type="button" onClick={onCancel}>Cancel</button>
          <button type="submit" className="button-primary" disabled={busy || !serverId}>Create and restore</button>
        </div>
      </form>
    </Modal>
  );
}
