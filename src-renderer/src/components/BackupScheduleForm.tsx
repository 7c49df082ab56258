// An app's backup schedule: the server's own timer (works with the laptop closed) with an optional
// off-server target (S3 or SFTP, through restic), and a desktop schedule while Skiff is open. Shows
// the last scheduled run, flagged when it failed or is missing.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { App, BackupSchedule, Job, ScheduleStatus } from '../../../src-shared/domain';
import type { SkiffError } from '../../../src-shared/errors';
import { asSkiffError, call } from '../api/client';
import { formatBytes, formatWhen } from '../lib/format';
import { ErrorNotice } from './ErrorNotice';

type Kind = 'none' | 's3' | 'sftp';

export function ScheduleFlag({ status }: { status: ScheduleStatus | null }) {
  if (!status?.flag) return null;
  return <p className="notice notice-error" role="alert" data-schedule-flag={status.flag.kind}>{status.flag.message}</p>;
}

export function BackupScheduleForm({ app, busy, onStarted }: { app: App; busy: boolean; onStarted: (j: Job) => void }) {
  const [schedule, setSchedule] = useState<BackupSchedule | null>(null);
  const [status, setStatus] = useState<ScheduleStatus | null>(null);
  const [every, setEvery] = useState<BackupSchedule['serverEvery']>('off');
  const [keep, setKeep] = useState('7');
  const [desktopEvery, setDesktopEvery] = useState<BackupSchedule['desktopEvery']>('off');
  const [drill, setDrill] = useState(false);
  const [kind, setKind] = useState<Kind>('none');
  const [t, setT] = useState({ url: '', keyId: '', caCert: '', host: '', port: '22', user: '', path: '', knownHosts: '' });
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<SkiffError | null>(null);

  const load = useCallback(async () => {
    const { schedule: s } = await call('backups.schedule', { appId: app.id });
    setSchedule(s);
    if (s) {
      setEvery(s.serverEvery); setKeep(String(s.serverKeep)); setDesktopEvery(s.desktopEvery); setDrill(!!s.drill); setKind(s.target?.kind ?? 'none');
      const g = s.target;
      if (g?.kind === 's3') setT((x) => ({ ...x, url: g.url, keyId: g.keyId, caCert: g.caCert ?? '' }));
      if (g?.kind === 'sftp') setT((x) => ({ ...x, host: g.host, port: String(g.port), user: g.user, path: g.path, knownHosts: g.knownHosts }));
    }
    setStatus(await call('backups.scheduleStatus', { appId: app.id }).catch(() => null));
  }, [app.id]);
  useEffect(() => { load().catch((e) => setError(asSkiffError(e))); }, [load]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const target = kind === 's3' ? { kind, url: t.url, keyId: t.keyId, caCert: t.caCert || undefined }
        : kind === 'sftp' ? { kind, host: t.host, port: Number(t.port), user: t.user, path: t.path, knownHosts: t.knownHosts } : undefined;
      onStarted(await call('backups.setSchedule', { appId: app.id, serverEvery: every, serverKeep: Number(keep), desktopEvery, drill, target, secret: secret || undefined }));
      setSecret('');
      await load();
    } catch (err) {
      setError(asSkiffError(err));
    }
  };
  const field = (name: keyof typeof t, label: string, placeholder = '') => (
    <label>{label}<input name={name} value={t[name]} placeholder={placeholder} onChange={(e) => setT({ ...t, [name]: e.target.value })} /></label>
  );
  const last = status?.lastRun;

  return (
    <form className="form" onSubmit={submit} aria-label="Backup schedule">
      <ScheduleFlag status={status} />
      {last && (
        <p className="muted" data-last-run>
          Last scheduled run {formatWhen(last.at)}: {last.ok ? 'ok' : 'failed'} ({last.backup || 'no backup'}
          {last.pushed === 'yes' ? `, pushed, ${formatBytes(last.addedBytes)} new after deduplication` : last.pushed === 'failed' ? ', push failed' : ''}
          {last.drill === 'ok' ? ', verified by a drill' : last.drill === 'failed' ? ', drill failed' : ''})
          {status?.server !== 'none' && status?.server.next ? ` · next ${status.server.next}` : ''}
        </p>
      )}
      <div className="form-row">
        <label>On the server (also with this computer off)<select name="serverEvery" value={every} onChange={(e) => setEvery(e.target.value as BackupSchedule['serverEvery'])}>
          <option value="off">Off</option><option value="hourly">Every hour</option><option value="6h">Every 6 hours</option><option value="daily">Every day</option><option value="weekly">Every week</option>
        </select></label>
        <label>Keep on the server<input name="serverKeep" inputMode="numeric" value={keep} onChange={(e) => setKeep(e.target.value)} /></label>
        <label>To this computer while Skiff is open<select name="desktopEvery" value={desktopEvery} onChange={(e) => setDesktopEvery(e.target.value as BackupSchedule['desktopEvery'])}>
          <option value="off">Off</option><option value="hourly">Every hour</option><option value="daily">Every day</option>
        </select></label>
      </div>
      {every !== 'off' && <label className="checkbox"><input type="checkbox" name="drill" checked={drill} onChange={(e) => setDrill(e.target.checked)} />Verify each scheduled backup with a restore drill on the server</label>}
      {every !== 'off' && (
        <fieldset>
          <legend>Off-server copies (encrypted and deduplicated by restic)</legend>
          <label>Target<select name="targetKind" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            <option value="none">None: keep them on the server</option><option value="s3">S3-compatible bucket</option><option value="sftp">SFTP host</option>
          </select></label>
          {kind === 's3' && <>
            {field('url', 'Bucket URL', 'https://s3.example.com/bucket/path')}
            {field('keyId', 'Access key id')}
            <label>Secret access key<input name="secret" type="password" value={secret} onChange={(e) => setSecret(e.target.value)} placeholder={schedule?.target?.kind === 's3' ? 'kept in the keychain' : ''} /></label>
            <label>CA certificate (only for a self-hosted S3 with its own CA)<textarea name="caCert" value={t.caCert} onChange={(e) => setT({ ...t, caCert: e.target.value })} /></label>
          </>}
          {kind === 'sftp' && <>
            {field('host', 'Host')}{field('port', 'Port')}{field('user', 'User')}{field('path', 'Folder', '/srv/backups/app')}
            <label>Host key (the line `ssh-keyscan HOST` prints)<input name="knownHosts" value={t.knownHosts} onChange={(e) => setT({ ...t, knownHosts: e.target.value })} /></label>
            <label>Private key for that user<textarea name="secret" value={secret} onChange={(e) => setSecret(e.target.value)} placeholder={schedule?.target?.kind === 'sftp' ? 'kept in the keychain' : '-----BEGIN OPENSSH PRIVATE KEY-----'} /></label>
          </>}
          <p className="hint">Credentials stay in this computer&apos;s keychain, and on the server in a root-only file. Retention on the target follows the backup settings.</p>
        </fieldset>
      )}
      <ErrorNotice error={error} />
      <div className="dialog-actions">
        <button type="submit" disabled={busy}>Save schedule</button>
        <button type="button" disabled={busy || status?.server === 'none'} onClick={() => void call('backups.runSchedule', { appId: app.id }).then(onStarted, (e) => setError(asSkiffError(e)))}>Run it now</button>
      </div>
    </form>
  );
}
