// Backup settings for every app: encryption of this computer's copies, and retention.
import { useEffect, useState, type FormEvent } from 'react';
import type { SkiffError } from '../../../src-shared/errors';
import { asSkiffError, call } from '../api/client';
import { ErrorNotice } from './ErrorNotice';
import { useBackups } from '../stores/backups';

export function BackupSettingsForm() {
  const { settings, loadSettings } = useBackups();
  const [encrypt, setEncrypt] = useState(false);
  const [keep, setKeep] = useState({ keepLast: '5', keepDaily: '7', keepWeekly: '4' });
  const [error, setError] = useState<SkiffError | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => { void loadSettings(); }, [loadSettings]);
  useEffect(() => {
    if (!settings) return;
    setEncrypt(settings.encrypt);
    setKeep({ keepLast: String(settings.keepLast), keepDaily: String(settings.keepDaily), keepWeekly: String(settings.keepWeekly) });
  }, [settings]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSaved(false);
    try {
      useBackups.setState({ settings: await call('backups.setSettings', { encrypt, keepLast: Number(keep.keepLast), keepDaily: Number(keep.keepDaily), keepWeekly: Number(keep.keepWeekly) }) });
      setSaved(true);
    } catch (err) {
      setError(asSkiffError(err));
    }
  };
  return (
    <form className="form" onSubmit={submit} aria-label="Backup settings">
      <label className="checkbox"><input type="checkbox" name="encrypt" checked={encrypt} onChange={(e) => setEncrypt(e.target.checked)} />Encrypt the copies on this computer (age; the key stays in the OS keychain, and a copy cannot be read without it)</label>
      <div className="form-row">
        <label>Keep the last<input name="keepLast" inputMode="numeric" value={keep.keepLast} onChange={(e) => setKeep({ ...keep, keepLast: e.target.value })} /></label>
        <label>plus one a day for (days)<input name="keepDaily" inputMode="numeric" value={keep.keepDaily} onChange={(e) => setKeep({ ...keep, keepDaily: e.target.value })} /></label>
        <label>and one a week for (weeks)<input name="keepWeekly" inputMode="numeric" value={keep.keepWeekly} onChange={(e) => setKeep({ ...keep, keepWeekly: e.target.value })} /></label>
      </div>
      <p className="hint">Retention applies after each backup, on this computer and on the server separately. Backups taken before a restore and archives are never pruned.</p>
      <ErrorNotice error={error} />
      <div className="dialog-actions"><button type="submit">Save backup settings</button>{saved && <span role="status" className="muted">Saved</span>}</div>
    </form>
  );
}
