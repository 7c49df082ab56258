// When Skiff offers to install a downloaded update: never while a job runs (a restart mid-deploy
// would leave a server to its go-live guard), and at most once per version unless the user asks.
// Electron-free: main.ts feeds it the updater's events and the job runner's state.

export interface UpdateState {
  /** A downloaded update waiting to be installed. */
  ready?: { version: string };
  /** Versions the user said "later" to (asked again on the next start, or from the menu). */
  deferred: Set<string>;
}

export type UpdateDecision = { ask: false; why: 'nothing ready' | 'a job is running' | 'deferred' } | { ask: true; version: string };

export function shouldAskToInstall(s: UpdateState, jobsRunning: number, o: { fromMenu?: boolean } = {}): UpdateDecision {
  if (!s.ready) return { ask: false, why: 'nothing ready' };
  if (jobsRunning > 0) return { ask: false, why: 'a job is running' };
  if (s.deferred.has(s.ready.version) && !o.fromMenu) return { ask: false, why: 'deferred' };
  return { ask: true, version: s.ready.version };
}
