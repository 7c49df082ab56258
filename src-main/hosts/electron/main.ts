// The Electron host: a locked-down window, IPC bound to the same handlers the browser host uses.
import { app, BrowserWindow, ipcMain, session, shell } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore } from '../../core/skiffCore';
import { createHandlers, dispatch } from '../../handlers/index';
import { createWindowOptions, isAppUrl } from './window';

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererUrl = process.env.ELECTRON_RENDERER_URL;
const rendererFile = path.join(here, '../renderer/index.html');

app.enableSandbox();

app.whenReady().then(() => {
  // SKIFF_DATA_DIR lets tests (and people running two profiles) keep settings apart.
  const core = createCore({ dataDir: process.env.SKIFF_DATA_DIR ?? app.getPath('userData') });
  const handlers = createHandlers(core, { host: 'electron', version: app.getVersion() });

  // Nothing in Skiff needs camera, notifications prompts, geolocation…
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));

  ipcMain.handle('skiff:invoke', (event, method: unknown, input: unknown) => {
    // Only our own page may call in (not an iframe or a page navigated elsewhere).
    if (!isAppUrl(event.senderFrame?.url ?? '', { file: rendererFile, devServerUrl: rendererUrl })) {
      return { ok: false, error: { code: 'UNKNOWN_METHOD', message: 'Refused: the request did not come from Skiff\'s window.', fix: 'Restart Skiff.' } };
    }
    return dispatch(handlers, method, input);
  });

  const win = new BrowserWindow(createWindowOptions(path.join(here, '../preload/index.cjs')));
  core.events.subscribe((name, payload) => {
    if (!win.isDestroyed()) win.webContents.send('skiff:event', name, payload);
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (e, url) => {
    if (!isAppUrl(url, { file: rendererFile, devServerUrl: rendererUrl })) e.preventDefault();
  });
  win.once('ready-to-show', () => win.show());
  // `--smoke-test` (CI, after installing a package): start, load the UI, quit 0; a UI that never
  // loads quits 1 after 30 s.
  if (process.argv.includes('--smoke-test')) {
    const fail = setTimeout(() => app.exit(1), 30_000);
    win.webContents.once('did-finish-load', () => { clearTimeout(fail); console.log(`skiff ${app.getVersion()}: the window loaded`); app.exit(0); });
    win.webContents.once('did-fail-load', () => app.exit(1));
  }
  if (rendererUrl) void win.loadURL(rendererUrl);
  else void win.loadFile(rendererFile);

  app.on('before-quit', () => core.close());
});

app.on('window-all-closed', () => app.quit());
