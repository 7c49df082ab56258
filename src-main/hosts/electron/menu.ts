// The application menu: the usual shortcuts (add a server, search, reload), About with the version,
// and the developer tools only in development. A pure template, so a test can read it.
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../../../src-shared/domain';

export interface MenuActions {
  command(c: MenuCommand): void;
  about(): void;
  checkForUpdates(): void;
  reload(): void;
  toggleDevTools(): void;
}

export function menuTemplate(o: { isMac: boolean; dev: boolean; appName: string }, act: MenuActions): MenuItemConstructorOptions[] {
  const about: MenuItemConstructorOptions = { label: `About ${o.appName}`, click: () => act.about() };
  const updates: MenuItemConstructorOptions = { label: 'Check for Updates…', click: () => act.checkForUpdates() };
  return [
    ...(o.isMac ? [{ label: o.appName, submenu: [about, updates, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }] } satisfies MenuItemConstructorOptions] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Add Server…', accelerator: 'CmdOrCtrl+N', click: () => act.command('add-server') },
        { type: 'separator' },
        o.isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { label: 'Edit', submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }, { type: 'separator' }, { label: 'Find…', accelerator: 'CmdOrCtrl+F', click: () => act.command('search') }] },
    {
      label: 'View',
      submenu: [
        { label: 'Servers', accelerator: 'CmdOrCtrl+1', click: () => act.command('servers') },
        { label: 'Fleet', accelerator: 'CmdOrCtrl+2', click: () => act.command('fleet') },
        { label: 'Backups', accelerator: 'CmdOrCtrl+3', click: () => act.command('backups') },
        { type: 'separator' },
        { label: 'Reload', accelerator: 'CmdOrCtrl+R', click: () => act.reload() },
        ...(o.dev ? [{ label: 'Toggle Developer Tools', accelerator: o.isMac ? 'Alt+Cmd+I' : 'Ctrl+Shift+I', click: () => act.toggleDevTools() } satisfies MenuItemConstructorOptions] : []),
        { type: 'separator' },
        { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    { role: 'help', submenu: o.isMac ? [] : [about, updates] },
  ];
}
