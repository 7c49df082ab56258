// The window's security settings, kept apart from main.ts so a test can assert them.
import type { BrowserWindowConstructorOptions } from 'electron';

export function createWindowOptions(preload: string): BrowserWindowConstructorOptions {
  return {
    width: 1200,
    height: 800,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Skiff',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  };
}

/** True for the renderer's own page (the dev server in development, index.html when packaged). */
export function isAppUrl(url: string, devServerUrl?: string): boolean {
  if (devServerUrl) return url.startsWith(devServerUrl);
  return url.startsWith('file://') && /\/renderer\/index\.html(\?|#|$)/.test(url);
}
