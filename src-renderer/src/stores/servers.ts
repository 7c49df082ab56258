// Servers as the UI sees them: the list, the selection, live connection states.
import { create } from 'zustand';
import type { ConnectionStatus, Server } from '../../../src-shared/domain';
import { call, onEvent } from '../api/client';

interface ServersState {
  servers: Server[];
  loaded: boolean;
  selectedId: string | null;
  connection: Record<string, ConnectionStatus>;
  load(): Promise<void>;
  select(id: string | null): void;
  upsert(server: Server): void;
  removeLocal(id: string): void;
}

export const useServers = create<ServersState>((set, get) => ({
  servers: [],
  loaded: false,
  selectedId: null,
  connection: {},
  async load() {
    const servers = await call('servers.list', {});
    const { selectedId } = get();
    set({ servers, loaded: true, selectedId: selectedId && servers.some((s) => s.id === selectedId) ? selectedId : null });
  },
  select(id) { set({ selectedId: id }); },
  upsert(server) {
    const list = get().servers;
    const i = list.findIndex((s) => s.id === server.id);
    set({ servers: i >= 0 ? list.map((s) => (s.id === server.id ? server : s)) : [...list, server] });
  },
  removeLocal(id) {
    set({ servers: get().servers.filter((s) => s.id !== id), selectedId: get().selectedId === id ? null : get().selectedId });
  },
}));

/** Keeps the store in step with main's events; call once at start-up. */
export function subscribeServerEvents(): () => void {
  const offStatus = onEvent('connection.status', (status) => {
    useServers.setState((s) => ({ connection: { ...s.connection, [status.serverId]: status } }));
  });
  const offChanged = onEvent('servers.changed', () => { void useServers.getState().load(); });
  return () => { offStatus(); offChanged(); };
}
