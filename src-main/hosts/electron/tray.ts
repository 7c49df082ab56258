// The tray (menu-bar) icon that keeps Skiff running with its window closed, when the user chose that
// ("keep running in the background"). The operations monitor runs on in it.
import { app, Menu, nativeImage, Tray } from 'electron';
import path from 'node:path';

export function createTray(iconDir: string, open: () => void): Tray {
  const tray = new Tray(nativeImage.createFromPath(path.join(iconDir, process.platform === 'darwin' ? '16x16.png' : '32x32.png')));
  tray.setToolTip('Skiff');
  tray.setContextMenu(Menu.buildFromTemplate([
    { label: 'Open Skiff', click: open },
    { type: 'separator' },
    { label: 'Quit Skiff', click: () => app.quit() },
  ]));
  tray.on('click', open);
  return tray;
}
