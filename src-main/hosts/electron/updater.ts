// Auto-update (electron-updater), packaged builds only: checks at start and every 6 hours,
// downloads in the background, and asks before installing, never while a job runs (updatePolicy.ts).
// The browser host has none: it never loads this file.
import { app, dialog, type BrowserWindow } from 'electron';
import electronUpdater from 'electron-updater';
import { shouldAskToInstall, type UpdateState } from './updatePolicy';

const SIX_HOURS = 6 * 3600_000;

export interface Updater {
  /** The "Check for Updates…" menu item: says what it found, and offers a ready update even if deferred. */
  checkNow(): Promise<void>;
  /** The job runner went idle: a waiting update may be offered now. */
  jobsIdle(): void;
}

export function startUpdater(win: () => BrowserWindow | undefined, jobsRunning: () => number): Updater {
  const { autoUpdater } = electronUpdater;
  const state: UpdateState = { deferred: new Set() };
  autoUpdater.autoDownload = true;
  autoUpdater.autoInstallOnAppQuit = false; // installing is the user's choice, made in the dialog
  autoUpdater.on('update-downloaded', (info) => {
    state.ready = { version: info.version };
    void offer(false);
  });
  autoUpdater.on('error', (e) => console.warn(`[skiff] update check failed: ${e.message}`));

  async function offer(fromMenu: boolean): Promise<void> {
    const d = shouldAskToInstall(state, jobsRunning(), { fromMenu });
    if (!d.ask) {
      if (fromMenu && d.why === 'a job is running') void dialog.showMessageBox({ type: 'info', message: `Skiff ${state.ready?.version} is ready; it will be offered when the running jobs end.` });
      return;
    }
    const w = win();
    const opts = { type: 'info' as const, buttons: ['Restart and update', 'Later'], defaultId: 0, cancelId: 1, message: `Skiff ${d.version} is ready to install.`, detail: `You have ${app.getVersion()}. Skiff restarts to finish; no job is running.` };
    const { response } = w ? await dialog.showMessageBox(w, opts) : await dialog.showMessageBox(opts);
    // A job may have started while the dialog was open: check again before restarting.
    if (response === 0 && jobsRunning() === 0) autoUpdater.quitAndInstall();
    else state.deferred.add(d.version);
  }

  const check = () => autoUpdater.checkForUpdates().catch(() => undefined);
  void check();
  setInterval(() => void check(), SIX_HOURS).unref();
  return {
    checkNow: async () => {
      const r = await check();
      if (state.ready) return offer(true);
      void dialog.showMessageBox({ type: 'info', message: r?.isUpdateAvailable ? `Skiff ${r.updateInfo.version} is downloading; it will be offered when ready.` : `Skiff ${app.getVersion()} is the latest version.` });
    },
    jobsIdle: () => void offer(false),
  };
}
