// The Electron host's desktop conventions, checked without Electron: where the window reopens,
// when an update is offered, and what the menu holds.
import { describe, expect, it } from 'vitest';
import type { MenuCommand } from '../../../src-shared/domain';
import { menuTemplate } from './menu';
import { shouldAskToInstall } from './updatePolicy';
import { parseWindowState, restoreBounds } from './windowState';

describe('window size and position', () => {
  const screen = [{ x: 0, y: 0, width: 1920, height: 1040 }];

  it('reopens where it was, shrunk to the display when larger', () => {
    expect(restoreBounds({ bounds: { x: 100, y: 50, width: 1300, height: 900 }, maximized: false }, screen)).toEqual({ x: 100, y: 50, width: 1300, height: 900 });
    expect(restoreBounds({ bounds: { x: 0, y: 0, width: 4000, height: 3000 }, maximized: false }, screen)).toEqual({ x: 0, y: 0, width: 1920, height: 1040 });
  });

  it('comes back on screen when its display is gone, or centred at the default size', () => {
    expect(restoreBounds({ bounds: { x: 2500, y: 100, width: 1200, height: 800 }, maximized: false }, screen)).toEqual({ width: 1200, height: 800 });
    expect(restoreBounds(undefined, screen)).toEqual({ width: 1200, height: 800 });
    expect(restoreBounds({ bounds: { x: 1800, y: 900, width: 1200, height: 800 }, maximized: false }, screen)).toEqual({ x: 720, y: 240, width: 1200, height: 800 });
  });

  it('ignores a saved state that is not one', () => {
    for (const t of ['', 'null', '{"bounds":{"x":"1"}}', '{"bounds":{"x":1,"y":2,"width":3,"height":1e9}}', '{']) expect(parseWindowState(t), t).toBeUndefined();
    expect(parseWindowState('{"bounds":{"x":1,"y":2,"width":1000,"height":700},"maximized":true}')).toEqual({ bounds: { x: 1, y: 2, width: 1000, height: 700 }, maximized: true });
  });
});

describe('updates', () => {
  it('are offered once downloaded, never while a job runs, and not again after "later" unless asked from the menu', () => {
    const s = { ready: { version: '1.2.0' }, deferred: new Set<string>() };
    expect(shouldAskToInstall({ deferred: new Set() }, 0)).toEqual({ ask: false, why: 'nothing ready' });
    expect(shouldAskToInstall(s, 2)).toEqual({ ask: false, why: 'a job is running' });
    expect(shouldAskToInstall(s, 0)).toEqual({ ask: true, version: '1.2.0' });
    s.deferred.add('1.2.0');
    expect(shouldAskToInstall(s, 0)).toEqual({ ask: false, why: 'deferred' });
    expect(shouldAskToInstall(s, 0, { fromMenu: true })).toEqual({ ask: true, version: '1.2.0' });
    expect(shouldAskToInstall(s, 1, { fromMenu: true })).toEqual({ ask: false, why: 'a job is running' });
  });
});

describe('the application menu', () => {
  const noop = { command: () => {}, about: () => {}, checkForUpdates: () => {}, reload: () => {}, toggleDevTools: () => {} };
  type Item = { label?: string; role?: string; accelerator?: string; submenu?: Item[]; click?: () => void };
  const flat = (items: Item[]): Item[] => items.flatMap((i) => [i, ...flat(i.submenu ?? [])]);

  it('has the usual shortcuts, About with the version, and dev tools only in development', () => {
    const sent: MenuCommand[] = [];
    const items = flat(menuTemplate({ isMac: false, dev: false, appName: 'Skiff' }, { ...noop, command: (c) => sent.push(c) }) as Item[]);
    const by = (label: string) => items.find((i) => i.label === label)!;
    expect(by('Add Server…').accelerator).toBe('CmdOrCtrl+N');
    expect(by('Find…').accelerator).toBe('CmdOrCtrl+F');
    expect(by('Reload').accelerator).toBe('CmdOrCtrl+R');
    by('Add Server…').click!();
    by('Find…').click!();
    expect(sent).toEqual(['add-server', 'search']);
    expect(items.some((i) => i.label === 'About Skiff')).toBe(true);
    expect(items.some((i) => /Developer Tools/.test(i.label ?? ''))).toBe(false);
    expect(flat(menuTemplate({ isMac: true, dev: true, appName: 'Skiff' }, noop) as Item[]).some((i) => /Developer Tools/.test(i.label ?? ''))).toBe(true);
  });
});
