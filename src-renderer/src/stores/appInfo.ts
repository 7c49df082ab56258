// Host and keychain facts shown in the shell (e.g. a banner when no keychain answers).
import { create } from 'zustand';
import type { AppInfo } from '../../../src-shared/domain';
import { call } from '../api/client';

export const useAppInfo = create<{ info: AppInfo | null; load(): Promise<void> }>((set) => ({
  info: null,
  async load() { set({ info: await call('host.info', {}) }); },
}));
