// Apps and the version library as the UI sees them; transfer progress per job.
import { create } from 'zustand';
import type { App, JobEvent, Version } from '../../../src-shared/domain';
import { call, onEvent } from '../api/client';

type Progress = Extract<JobEvent, { type: 'progress' }>;

interface AppsState {
  apps: Record<string, App>;
  versions: Version[];
  selectedAppId: string | null;
  progress: Record<string, Progress>;
  loadApps(serverId: string): Promise<void>;
  loadVersions(): Promise<void>;
  upsert(app: App): void;
  selectApp(id: string | null): void;
}

export const useApps = create<AppsState>((set, get) => ({
  apps: {},
  versions: [],
  selectedAppId: null,
  progress: {},
  async loadApps(serverId) {
    const list = await call('apps.list', { serverId });
    const others = Object.values(get().apps).filter((a) => a.serverId !== serverId);
    set({ apps: Object.fromEntries([...others, ...list].map((a) => [a.id, a])) });
  },
  async loadVersions() { set({ versions: await call('versions.list', {}) }); },
  upsert(app) { set({ apps: { ...get().apps, [app.id]: app } }); },
  selectApp(id) { set({ selectedAppId: id }); },
}));

export function appsOfServer(apps: Record<string, App>, serverId: string): App[] {
  return Object.values(apps).filter((a) => a.serverId === serverId).sort((a, b) => a.name.localeCompare(b.name));
}

export function subscribeAppEvents(): () => void {
  const offApps = onEvent('apps.changed', async ({ appId }) => {
    try {
      useApps.getState().upsert(await call('apps.get', { id: appId }));
    } catch {
      // Deleted: drop it (and leave its page).
      useApps.setState((s) => {
        const { [appId]: _gone, ...rest } = s.apps;
        return { apps: rest, selectedAppId: s.selectedAppId === appId ? null : s.selectedAppId };
      });
    }
  });
  const offProgress = onEvent('job.event', (e) => {
    if (e.type === 'progress') useApps.setState((s) => ({ progress: { ...s.progress, [e.jobId]: e } }));
  });
  return () => { offApps(); offProgress(); };
}
