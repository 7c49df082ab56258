// The app starts and shows its first page, on either host, with no server at all (no VM): the
// smoke test every system's CI can run. In Electron, the desktop-only preference is there too.
import { expect, test } from '../support/fixtures';

test('starts on its first page, with the host it runs in named', async ({ launchSkiff, skiffHost }) => {
  const { page } = await launchSkiff();
  await expect(page.getByRole('heading', { name: 'Add your first server' })).toBeVisible();
  await expect(page.locator('.host-info')).toContainText(skiffHost === 'electron' ? 'desktop' : 'browser host');
  // Keeping Skiff in the tray is Electron's alone; the browser host has no tray to keep it in.
  await expect(page.getByLabel('Keep running in the tray when the window closes')).toHaveCount(skiffHost === 'electron' ? 1 : 0);
  // No server yet: the sidebar has no filter to find one.
  await expect(page.getByRole('searchbox', { name: 'Find a server' })).toHaveCount(0);
});
