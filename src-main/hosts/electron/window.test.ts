// The Electron window's security settings and the check of which page counts as Skiff's own.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createWindowOptions, isAppUrl } from './window';

describe('the Electron window', () => {
  it('is isolated and sandboxed, without Node in the page', () => {
    const w = createWindowOptions('/app/out/preload/index.cjs').webPreferences!;
    expect(w).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, webSecurity: true, allowRunningInsecureContent: false, webviewTag: false });
  });
});

describe('isAppUrl, packaged (index.html)', () => {
  const file = path.resolve('/opt/Skiff/resources/app/out/renderer/index.html');
  const href = pathToFileURL(file).href;
  const app = { file };

  it('accepts its own index.html, with a route in the hash or a query', () => {
    expect(isAppUrl(href, app)).toBe(true);
    expect(isAppUrl(`${href}#/servers`, app)).toBe(true);
    expect(isAppUrl(`${href}?x=1#/apps/a`, app)).toBe(true);
  });

  it('accepts the same path however it is spelled (dot segments, encoded letters)', () => {
    expect(isAppUrl(href.replace('/renderer/', '/renderer/../renderer/'), app)).toBe(true);
    expect(isAppUrl(href.replace('index.html', 'ind%65x.html'), app)).toBe(true);
  });

  it('refuses any other file, another index.html, a host in the file URL, or other schemes', () => {
    for (const url of [
      'file:///etc/passwd',
      pathToFileURL('/tmp/evil/out/renderer/index.html').href,
      pathToFileURL('/opt/Skiff/resources/app/out/renderer/index.html.evil').href,
      pathToFileURL('/opt/Skiff/resources/app/out/renderer/index.html/x').href,
      pathToFileURL('/opt/Skiff/resources/app/out/renderer/sub/index.html').href,
      href.replace('/renderer/index.html', '/renderer%2Findex.html'),
      href.replace('file:///', 'file://evil.example/'),
      'https://evil.example/opt/Skiff/resources/app/out/renderer/index.html',
      'http://localhost:5173/',
      'about:blank',
      'data:text/html,<h1>x</h1>',
      'not a url',
      '',
    ]) expect(isAppUrl(url, app), url).toBe(false);
  });
});

describe('isAppUrl, development (dev server)', () => {
  const app = { file: '/unused/index.html', devServerUrl: 'http://localhost:5173/' };

  it('accepts pages of the dev server origin', () => {
    expect(isAppUrl('http://localhost:5173/', app)).toBe(true);
    expect(isAppUrl('http://localhost:5173/#/servers', app)).toBe(true);
    expect(isAppUrl('http://localhost:5173/src/main.tsx?v=1', app)).toBe(true);
    expect(isAppUrl('http://localhost:5173', { ...app, devServerUrl: 'http://localhost:5173' })).toBe(true);
  });

  it('refuses look-alike origins', () => {
    for (const url of [
      'http://localhost:5173.evil.example/',
      'http://localhost:51730/',
      'http://localhost:5174/',
      'https://localhost:5173/',
      'http://localhost.evil.example:5173/',
      'http://localhost:5173@evil.example/',
      'http://evil.example/?http://localhost:5173/',
      'http://127.0.0.1:5173/',
      pathToFileURL('/opt/Skiff/resources/app/out/renderer/index.html').href,
      'not a url',
    ]) expect(isAppUrl(url, app), url).toBe(false);
  });

  it('refuses everything when the dev server URL is not a URL with an origin', () => {
    expect(isAppUrl('file:///x', { file: '/x', devServerUrl: 'file:///x' })).toBe(false);
    expect(isAppUrl('http://localhost:5173/', { file: '/x', devServerUrl: 'garbage' })).toBe(false);
  });
});
