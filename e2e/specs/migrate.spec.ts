// A server set up by Skiff 0.1, opened in a Skiff that was upgraded: the server page says its apps
// run as the login user, and one confirmed click moves them to their own service users (one
// restart per app, no data lost).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCore } from '../../src-main/core/skiffCore';
import type { App } from '../../src-shared/domain';
import { buildOldServer, LEGACY_PORT } from '../support/legacyServer';
import { expect, ownVps, test } from '../support/fixtures';
import { ensurePreparedDisk } from '../vps/prepared';
import { TestVps } from '../vps/vm';

test.describe.configure({ mode: 'serial' });

const vm = ownVps(async () => TestVps.boot({ disk: await ensurePreparedDisk() }), 600_000);

async function fixture(vps: TestVps): Promise<{ version: string; starts: number; uid: number }> {
  return JSON.parse((await vps.exec(`curl -fsS 127.0.0.1:${LEGACY_PORT}/api/fixture`)).stdout);
}

test('the server page offers the move, and the move puts each app on its own service user', async ({ launchSkiff }) => {
  test.setTimeout(600_000);
  const vps = vm();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-e2e-legacy-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'id')]);
  await buildOldServer(vps, readFileSync(path.join(dir, 'id.pub'), 'utf8').trim());
  const before = await fixture(vps);

  // What the desktop kept from Skiff 0.1: the server (set up, no layout recorded) and its app.
  const { page } = await launchSkiff({
    seed: async (dataDir, keychainService) => {
      const core = createCore({ dataDir, keychainService, reconcileInterrupted: false });
      let server = await core.servers.add({ name: 'old box', host: vps.host, port: vps.ports.ssh, user: 'skiff', auth: { kind: 'keyFile', privateKey: readFileSync(path.join(dir, 'id'), 'utf8') } });
      server = await core.servers.trustHostKey(server.id, (await core.servers.scanHostKey(server.id)).fingerprint, false);
      await core.servers.patch(server.id, (s) => ({ ...s, setup: { appUser: 'skiff', adminUser: 'root', at: '2026-11-20T10:00:00.000Z' } }));
      const now = new Date().toISOString();
      const app: App = { id: 'app-blog-0001', serverId: server.id, name: 'blog', tls: 'off', port: LEGACY_PORT, keepReleases: 5, binary: 'pocketbase', env: [{ key: 'GREETING', value: 'hello', secret: false }], createdAt: now, updatedAt: now, releases: [] };
      (core.apps as unknown as { store: { save(a: App): void } }).store.save(app);
      core.close();
    },
  });

  await page.getByRole('navigation', { name: 'Servers' }).getByRole('button', { name: /old box/ }).click();
  const banner = page.getByRole('region', { name: 'Server layout' });
  await expect(banner).toContainText('Its apps run as the login user');
  await banner.getByRole('button', { name: 'Move to per-app service users' }).click();
  const dialog = page.getByRole('dialog', { name: 'Move old box to per-app service users' });
  await expect(dialog).toContainText('restarts once');
  await dialog.getByRole('button', { name: 'Start the move' }).click();
  const job = page.getByRole('region', { name: /Job: Move old box to per-app service users/ });
  await expect(job.getByTestId('job-status')).toHaveText('succeeded', { timeout: 300_000 });
  await expect(banner).toHaveCount(0);

  const after = await fixture(vps);
  expect(after.version).toBe(before.version);
  expect(after.starts).toBe(before.starts + 1);
  expect(after.uid).not.toBe(before.uid);
  expect((await vps.exec(`ps -o user= -p "$(systemctl show -p MainPID --value skiff-blog)"`)).stdout.trim()).toBe('pb-blog');
});
