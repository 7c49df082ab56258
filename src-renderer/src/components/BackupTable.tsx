// A list of backups: when, what, where each copy lives, its size and its last drill, with the
// actions a row offers. Used per app and across apps.
import type { Backup } from '../../../src-shared/domain';
import { formatBytes, formatWhen } from '../lib/format';

export interface BackupActions {
  busy: boolean;
  onRestore(b: Backup): void;
  onDrill(b: Backup): void;
  onDownload(b: Backup): void;
  onExport(b: Backup): void;
  onDelete(b: Backup): void;
  onMove?(b: Backup): void;
}

const KIND: Record<Backup['kind'], string> = { manual: 'manual', scheduled: 'scheduled', 'pre-restore': 'before a restore', archive: 'archive' };

export function copiesText(b: Backup): string {
  const at = [b.copies.desktop && `this computer${b.copies.desktop.encrypted ? ' (encrypted)' : ''}`, b.copies.server && b.serverName, b.copies.remote && `${b.copies.remote.kind.toUpperCase()} target`].filter(Boolean);
  return at.join(' · ');
}

export function drillText(b: Backup): { text: string; cls: string } {
  if (!b.lastDrill) return { text: 'not drilled yet', cls: 'muted' };
  return b.lastDrill.ok
    ? { text: `verified ${formatWhen(b.lastDrill.at)}`, cls: 'badge badge-succeeded' }
    : { text: `drill failed ${formatWhen(b.lastDrill.at)}`, cls: 'badge badge-failed' };
}

export function BackupTable({ backups, showApp, actions }: { backups: Backup[]; showApp?: boolean; actions: BackupActions }) {
  if (!backups.length) return <p className="muted">No backups yet.</p>;
  return (
    <table className="table" aria-label="Backups">
      <tbody>
        {backups.map((b) => {
          const drill = drillText(b);
          const size = b.copies.desktop?.bytes ?? b.copies.server?.bytes ?? 0;
          return (
            <tr key={b.id} data-backup-id={b.id}>
              <td>
                {showApp && <strong>{b.appName} <span className="muted">on {b.serverName}</span><br /></strong>}
                {formatWhen(b.createdAt)} <span className="muted">· {KIND[b.kind]}</span>
                <div className="muted">{b.id} · PocketBase {b.pocketbase} · release {b.release}</div>
                <details>
                  <summary className="muted">What it holds</summary>
                  <ul className="muted">
                    <li>pb_data: {formatBytes(b.dataBytes)} when taken</li>
                    {b.parts.map((p) => <li key={p.name}>{p.name} · {formatBytes(p.bytes)} · sha256 {p.sha256.slice(0, 12)}…</li>)}
                  </ul>
                </details>
              </td>
              <td className="muted" data-copies>{copiesText(b)}<div>{formatBytes(size)}</div></td>
              <td><span className={drill.cls} data-drill title={b.lastDrill?.detail}>{drill.text}</span>{b.lastDrill && !b.lastDrill.ok && <div className="hint">{b.lastDrill.detail}</div>}</td>
              <td className="actions">
                <button type="button" className="button-small" disabled={actions.busy} onClick={() => actions.onRestore(b)}>Restore…</button>
                <button type="button" className="button-small" disabled={actions.busy} onClick={() => actions.onDrill(b)}>Drill</button>
                {actions.onMove && <button type="button" className="button-small" onClick={() => actions.onMove!(b)}>Restore as new app…</button>}
                {!b.copies.desktop && <button type="button" className="button-small" disabled={actions.busy} onClick={() => actions.onDownload(b)}>Download</button>}
                {b.copies.desktop && <button type="button" className="button-small" onClick={() => actions.onExport(b)}>Export</button>}
                <button type="button" className="button-small" onClick={() => actions.onDelete(b)}>Delete…</button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
