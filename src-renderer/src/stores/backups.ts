// Backups as the UI sees them: the list (all apps), and the settings that apply to every app.
import { create } from 'zustand';
import type { Backup, BackupSettings } from '../../../src-shared/domain';
import { call, onEvent } from '../api/client';

interface BackupsState {
  backups: Record<string, Backup>;
  settings: BackupSettings | null;
  /** The whole list (every app, as this computer knows it). */
  load(): Promise<void>;
  /** Reads the app's backups on its server into the list. */
  refresh(appId: string): Promise<void>;
  loadSettings(): Promise<void>;
  put(list: Backup[], appId?: string): void;
  drop(id: string): void;
}

export const useBackups = create<BackupsState>((set, get) => ({
  backups: {},
  settings: null,
  async load() { get().put(await call('backups.list', {})); },
  async refresh(appId) { get().put(await call('backups.refresh', { appId }), appId); },
  async loadSettings() { set({ settings: await call('backups.settings', {}) }); },
  put(list, appId) {
    const kept = Object.values(get().backups).filter((b) => appId !== undefined && b.appId !== appId);
    set({ backups: Object.fromEntries([...kept, ...list].map((b) => [b.id, b])) });
  },
  drop(id) {
    const { [id]: _gone, ...rest } = get().backups;
    set({ backups: rest });
  },
}));

export function backupsOf(backups: Record<string, Backup>, appId?: string): Backup[] {
  return Object.values(backups).filter((b) => !appId || b.appId === appId).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** A finished backup, download, restore or drill job changes the list: read it again. */
export function subscribeBackupEvents(): () => void {
  return onEvent('job.event', (e) => {
    if (e.type !== 'job-updated') return;
    const j = e.job;
    if (['backup', 'restore', 'drill'].includes(j.kind) && j.status !== 'queued' && j.status !== 'running') void useBackups.getState().load();
  });
}
