// The window's security settings, kept apart from main.ts so a test can assert them.
import type { BrowserWindowConstructorOptions } from 'electron';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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

/** Where Skiff's own page is: its index.html, or the dev server's URL in development. */
export interface AppLocation {
  /** Absolute path of the renderer's index.html. */
  file: string;
  devServerUrl?: string;
}

/**
 * True for the renderer's own page only. Exact matches, not prefixes: any other index.html on
 * disk, a file:// URL with a host, or `http://localhost:5173.evil.example` is not the app.
 */
export function isAppUrl(url: string, app: AppLocation): boolean {
  const u = parseUrl(url);
  if (!u) return false;
  if (app.devServerUrl) {
    const dev = parseUrl(app.devServerUrl);
    // URL.origin is 'null' for schemes without one (file:, data:): never equal to anything real.
    return !!dev && dev.origin !== 'null' && u.origin === dev.origin;
  }
  if (u.protocol !== 'file:') return false;
  // The page routes with the hash and may carry a query: only those may differ.
  u.search = '';
  u.hash = '';
  return u.href === pathToFileURL(app.file).href || sameFile(u, app.file);
}

/**
 * Chromium and Node percent-encode a few characters of a path differently (an install folder with
 * unusual characters): compare the file the URL designates too. fileURLToPath refuses a host and
 * an encoded `/`, so this admits nothing but the very same path.
 */
function sameFile(u: URL, file: string): boolean {
  try {
    return path.resolve(fileURLToPath(u)) === path.resolve(file);
  } catch {
    return false;
  }
}

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}
