// Jobs as the UI sees them: per-server history and live status. Log output is not kept here:
// each LogView subscribes to it directly, so a chatty job never re-renders the page.
import { create } from 'zustand';
import type { Job } from '../../../src-shared/domain';
import { call, onEvent } from '../api/client';

interface JobsState {
  jobs: Record<string, Job>;
  /** The job whose log is open, per server. */
  openJob: Record<string, string | undefined>;
  loadForServer(serverId: string): Promise<void>;
  open(serverId: string, jobId: string | undefined): void;
  upsert(job: Job): void;
}

export const useJobs = create<JobsState>((set, get) => ({
  jobs: {},
  openJob: {},
  async loadForServer(serverId) {
    const list = await call('jobs.list', { serverId });
    set({ jobs: { ...get().jobs, ...Object.fromEntries(list.map((j) => [j.id, j])) } });
  },
  open(serverId, jobId) { set({ openJob: { ...get().openJob, [serverId]: jobId } }); },
  upsert(job) { set({ jobs: { ...get().jobs, [job.id]: job } }); },
}));

export function jobsOfServer(jobs: Record<string, Job>, serverId: string): Job[] {
  return Object.values(jobs).filter((j) => j.serverId === serverId).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

export function subscribeJobEvents(): () => void {
  return onEvent('job.event', (e) => {
    if (e.type === 'job-updated') useJobs.getState().upsert(e.job);
  });
}
