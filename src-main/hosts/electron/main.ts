// The Electron host: a locked-down window, IPC bound to the same handlers the browser host uses,
// and the desktop conventions (one instance, the window where it was, a menu, the OS theme, the
// tray when the user chose it, updates offered between jobs).
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeTheme, screen, session, shell, type Tray } from 'electron';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore } from '../../core/skiffCore';
import { createHandlers, dispatch } from '../../handlers/index';
import { menuTemplate } from './menu';
import { createTray } from './tray';
import { startUpdater, type Updater } from './updater';
import { createWindowOptions, isAppUrl } from './window';
import { parseWindowState, restoreBounds, type WindowState } from './windowState';

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererUrl = process.env.ELECTRON_RENDERER_URL;
const rendererFile = path.join(here, '../renderer/index.html');
// Packaged: resources/ sits beside app.asar (electron-builder copies the icons); in development, the project's.
const iconDir = app.isPackaged ? path.join(process.resourcesPath, 'icons') : path.join(here, '../../resources/icons');

app.enableSandbox();

// One Skiff at a time: two would run two job runners against the same servers and settings.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.whenReady().then(start);
}

function start(): void {
  // SKIFF_DATA_DIR lets tests (and people running two profiles) keep settings apart.
  const dataDir = process.env.SKIFF_DATA_DIR ?? app.getPath('userData');
  const core = createCore({ dataDir });
  const handlers = createHandlers(core, { host: 'electron', version: app.getVersion() });
  const stateFile = path.join(dataDir, 'window-state.json');
  let win: BrowserWindow | undefined;
  let tray: Tray | undefined;
  let quitting = false;

  nativeTheme.themeSource = 'system'; // the page's prefers-color-scheme follows the OS
  // Nothing in Skiff needs camera, notifications prompts, geolocation…
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));

  ipcMain.handle('skiff:invoke', (event, method: unknown, input: unknown) => {
    // Only our own page may call in (not an iframe or a page navigated elsewhere).
    if (!isAppUrl(event.senderFrame?.url ?? '', { file: rendererFile, devServerUrl: rendererUrl })) {
      return { ok: false, error: { code: 'UNKNOWN_METHOD', message: 'Refused: the request did not come from Skiff\'s window.', fix: 'Restart Skiff.' } };
    }
    return dispatch(handlers, method, input);
  });
  core.events.subscribe((name, payload) => {
    if (win && !win.isDestroyed()) win.webContents.send('skiff:event', name, payload);
  });

  const running = () => core.jobs.store.list().filter((j) => j.status === 'running' || j.status === 'queued').length;
  const updater: Updater | undefined = app.isPackaged ? startUpdater(() => win, running) : undefined;
  core.events.subscribe((name, payload) => {
    const e = payload as { type?: string; job?: { status: string } };
    if (updater && name === 'job.event' && e.type === 'job-updated' && e.job?.status !== 'running' && running() === 0) updater.jobsIdle();
  });

  function openWindow(): BrowserWindow {
    if (win && !win.isDestroyed()) {
      if (win.isMinimized()) win.restore();
      win.show();
      win.focus();
      return win;
    }
    let saved: WindowState | undefined;
    try { saved = parseWindowState(readFileSync(stateFile, 'utf8')); } catch { saved = undefined; }
    const bounds = restoreBounds(saved, screen.getAllDisplays().map((d) => d.workArea));
    const w = new BrowserWindow({ ...createWindowOptions(path.join(here, '../preload/index.cjs')), ...bounds });
    win = w;
    w.webContents.setWindowOpenHandler(({ url }) => {
      if (/^https:\/\//.test(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
    w.webContents.on('will-navigate', (e, url) => {
      if (!isAppUrl(url, { file: rendererFile, devServerUrl: rendererUrl })) e.preventDefault();
    });
    w.once('ready-to-show', () => { if (saved?.maximized) w.maximize(); w.show(); });
    w.on('close', () => {
      const state: WindowState = { bounds: w.getNormalBounds(), maximized: w.isMaximized() };
      try { writeFileSync(stateFile, JSON.stringify(state)); } catch { /* a read-only profile keeps the default next time */ }
    });
    // `--smoke-test` (CI, after installing a package): start, load the UI, quit 0; a UI that never
    // loads quits 1 after 30 s.
    if (process.argv.includes('--smoke-test')) {
      const fail = setTimeout(() => app.exit(1), 30_000);
      w.webContents.once('did-finish-load', () => { clearTimeout(fail); console.log(`skiff ${app.getVersion()}: the window loaded`); app.exit(0); });
      w.webContents.once('did-fail-load', () => app.exit(1));
    }
    if (rendererUrl) void w.loadURL(rendererUrl);
    else void w.loadFile(rendererFile);
    return w;
  }

  const about = () => void dialog.showMessageBox({
    type: 'info', title: 'About Skiff', message: `Skiff ${app.getVersion()}`,
    detail: `Set up, harden and deploy PocketBase apps on your own servers over SSH.\nElectron ${process.versions.electron} · Chromium ${process.versions.chrome} · Node ${process.versions.node}`,
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ isMac: process.platform === 'darwin', dev: !app.isPackaged, appName: 'Skiff' }, {
    command: (command) => { openWindow().webContents.send('skiff:event', 'menu.command', { command }); },
    about,
    checkForUpdates: () => { if (updater) void updater.checkNow(); else void dialog.showMessageBox({ type: 'info', message: 'Updates come with installed builds; this one runs from source.' }); },
    reload: () => win?.webContents.reload(),
    toggleDevTools: () => win?.webContents.toggleDevTools(),
  })));
  app.setAboutPanelOptions({ applicationName: 'Skiff', applicationVersion: app.getVersion() });

  app.on('second-instance', () => openWindow());
  app.on('activate', () => openWindow());
  app.on('before-quit', () => { quitting = true; core.close(); });
  app.on('window-all-closed', () => {
    if (quitting) return;
    // Kept running in the tray when the user chose it (the monitor goes on), else quit (macOS too:
    // a deployer with no window has nothing to show in the dock).
    if (core.preferences.get().keepRunningInTray) tray ??= createTray(iconDir, () => openWindow());
    else app.quit();
  });
  openWindow();
}
