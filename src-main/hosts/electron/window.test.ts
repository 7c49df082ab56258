import { describe, expect, it } from 'vitest';
import { createWindowOptions, isAppUrl } from './window';

describe('the Electron window', () => {
  it('is isolated and sandboxed, without Node in the page', () => {
    const w = createWindowOptions('/app/out/preload/index.cjs').webPreferences!;
    expect(w).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, webSecurity: true, allowRunningInsecureContent: false, webviewTag: false });
  });

  it('treats only its own page as the app', () => {
    expect(isAppUrl('file:///opt/Skiff/resources/app/out/renderer/index.html')).toBe(true);
    expect(isAppUrl('file:///opt/Skiff/resources/app/out/renderer/index.html#/servers')).toBe(true);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
    expect(isAppUrl('https://evil.example/out/renderer/index.html')).toBe(false);
    expect(isAppUrl('http://localhost:5173/', 'http://localhost:5173')).toBe(true);
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
  });
});
