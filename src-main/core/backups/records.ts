// Backup records: made from a manifest the server returned, and merged with what a server lists.
import { randomBytes } from 'node:crypto';
import type { App, Backup, BackupManifest, Server } from '../../../src-shared/domain';

/** YYYYMMDD-HHMMSS-xxxxxx (UTC), the helper's `backupId` kind. */
export function newBackupId(now = new Date()): string {
  const s = now.toISOString();
  return `${s.slice(0, 10).replace(/-/g, '')}-${s.slice(11, 19).replace(/:/g, '')}-${randomBytes(3).toString('hex')}`;
}

export function partsBytes(m: Pick<BackupManifest, 'parts'>): number {
  return m.parts.reduce((n, p) => n + p.bytes, 0);
}

/** About the size of the archive `backup-read` writes (for progress): parts, headers, padding. */
export function archiveBytes(m: Pick<BackupManifest, 'parts'>): number {
  return m.parts.reduce((n, p) => n + 512 + Math.ceil(p.bytes / 512) * 512, 0) + 4 * 512 + 2048 + 1024;
}

export function recordFromManifest(m: BackupManifest, app: App, server: Server, serverBytes: number): Backup {
  const release = app.releases.find((r) => r.id === m.release);
  return {
    id: m.id,
    appId: app.id,
    appName: app.name,
    serverId: server.id,
    serverName: server.name,
    kind: m.kind,
    createdAt: m.created,
    release: m.release,
    pocketbase: m.pocketbase,
    versionSha256: release?.versionSha256,
    versionLabel: release?.versionLabel,
    dataBytes: m.dataBytes,
    parts: m.parts,
    copies: { server: { bytes: serverBytes } },
  };
}

/**
 * The app's records after reading the server's list: server copies the list names are marked (and
 * backups this desktop never saw, such as scheduled ones, added); copies it no longer has are unmarked.
 */
export function mergeServerList(records: Backup[], listed: { manifest: BackupManifest; bytes: number }[], app: App, server: Server): { save: Backup[]; drop: string[] } {
  const save: Backup[] = [];
  const drop: string[] = [];
  const byId = new Map(listed.map((l) => [l.manifest.id, l]));
  for (const r of records) {
    const on = byId.get(r.id);
    if (on && !r.copies.server) save.push({ ...r, copies: { ...r.copies, server: { bytes: on.bytes } } });
    if (!on && r.copies.server) {
      const { server: _gone, ...rest } = r.copies;
      if (rest.desktop || rest.remote) save.push({ ...r, copies: rest });
      else drop.push(r.id);
    }
  }
  const known = new Set(records.map((r) => r.id));
  for (const l of listed) if (!known.has(l.manifest.id) && l.manifest.app === app.name) save.push(recordFromManifest(l.manifest, app, server, l.bytes));
  return { save, drop };
}
