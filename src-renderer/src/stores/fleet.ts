// The last fleet run as the UI sees it: replaced whole on every 'fleet.changed'.
import { create } from 'zustand';
import type { FleetRunState } from '../../../src-shared/domain';
import { call, onEvent } from '../api/client';

interface FleetStore {
  run: FleetRunState | null;
  load(): Promise<void>;
  set(run: FleetRunState): void;
}

export const useFleet = create<FleetStore>((set) => ({
  run: null,
  async load() { set({ run: (await call('fleet.state', {})).run }); },
  set(run) { set({ run }); },
}));

export function subscribeFleetEvents(): () => void {
  return onEvent('fleet.changed', (run) => useFleet.getState().set(run));
}
