// The fleet page through the UI, on two VMs: both set up and audited in one run each (a summary
// of which server fails what), apps made from a template and by hand, then a fleet deploy: the
// preflight stops a run before any change when one server's disk is full, naming it; a target that
// fails its health gate rolls itself back and the recap shows it; "retry the failed ones" deploys
// only that one; "roll back the whole fleet" undoes what that run changed; last, one server
// hardened from the page and audited again.
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { buildVersionZip } from '../fixtures/versionZip';
import { ensurePreparedDisk } from '../vps/prepared';
import { TestVps } from '../vps/vm';
import { expect, ownVps, test } from '../support/fixtures';
import { addTrustedServer, createAppInUi, rootKeyFor } from '../support/ui';

test.describe.configure({ mode: 'serial' });

const vmA = ownVps(async () => TestVps.boot({ disk: await ensurePreparedDisk() }), 600_000);
const vmB = ownVps(async () => TestVps.boot({ disk: await ensurePreparedDisk() }), 600_000);

/** The version label an app serves through Caddy on its VM. */
function served(vps: TestVps, domain: string): Promise<string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port: vps.ports.http, path: '/api/fixture', headers: { Host: domain }, timeout: 10_000 }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => { try { resolve(String(JSON.parse(text).version)); } catch { resolve(`HTTP ${res.statusCode}`); } });
    });
    req.on('error', (e) => resolve(e.message));
    req.end();
  });
}

const outcome = (page: Page, label: string) => page.getByRole('table', { name: 'Fleet targets' }).getByRole('row', { name: label }).getByTestId('fleet-outcome');
const recap = (page: Page) => page.getByTestId('fleet-recap');

test('the fleet page: set up and audit two servers at once, a deploy with preflight, canary and batches, a failed target rolled back and retried alone, and hardening', async ({ launchSkiff }) => {
  test.setTimeout(1_500_000);
  const [a, b] = [vmA(), vmB()];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-e2e-fleet-'));
  const v1 = buildVersionZip(path.join(dir, 'fleet v1.zip'), { label: 'v1' });
  const v2 = buildVersionZip(path.join(dir, 'fleet v2.zip'), { label: 'v2' });
  const { page } = await launchSkiff();

  await addTrustedServer(page, a, 'fleet-a', await rootKeyFor(a));
  await addTrustedServer(page, b, 'fleet-b', await rootKeyFor(b));

  // Both servers set up in one fleet run, then audited: one recap, and which server fails what.
  const nav = page.getByRole('navigation', { name: 'Servers' });
  await nav.getByRole('button', { name: 'Fleet', exact: true }).click();
  const serversForm = page.getByRole('form', { name: 'Fleet servers' });
  await serversForm.getByLabel('Server fleet-a').check();
  await serversForm.getByLabel('Server fleet-b').check();
  await serversForm.getByRole('button', { name: 'Set up 2 server(s)' }).click();
  await expect(recap(page)).toHaveText('ok=0 changed=2 failed=0 skipped=0 unreachable=0', { timeout: 600_000 });
  await serversForm.getByRole('button', { name: 'Audit 2 server(s)' }).click();
  await expect(recap(page)).toHaveText('ok=2 changed=0 failed=0 skipped=0 unreachable=0', { timeout: 300_000 });
  const summary = page.getByRole('table', { name: 'Audit summary' });
  for (const server of ['fleet-a', 'fleet-b']) await expect(summary.getByRole('row', { name: server })).toContainText('Password logins');

  // fleet-a's two apps from a template (tagged "web"), fleet-b's one by hand.
  await nav.getByRole('button', { name: /fleet-a/ }).click();
  await page.getByRole('button', { name: 'New apps from a template' }).click();
  const tpl = page.getByRole('dialog', { name: 'New apps from a template' });
  await tpl.getByLabel('Names').fill('alpha beta');
  await tpl.getByLabel('Domain pattern (optional)').fill('{name}.fleet.test');
  await tpl.getByLabel('HTTPS').selectOption('off');
  await tpl.getByLabel('Tags (optional, for fleet runs)').fill('web');
  await expect(tpl.getByTestId('template-preview')).toContainText('2 app(s): alpha, beta · alpha.fleet.test');
  await tpl.getByRole('button', { name: 'Create 2 app(s)' }).click();
  await expect(tpl).toHaveCount(0);
  await nav.getByRole('button', { name: /fleet-b/ }).click();
  await createAppInUi(page, { name: 'gamma', domain: 'gamma.fleet.test' });

  // v1 to all three (picked by tag, and by hand): a canary, then the rest.
  await nav.getByRole('button', { name: 'Fleet', exact: true }).click();
  const form = page.getByRole('form', { name: 'Fleet deploy' });
  await form.getByLabel('Version zip').setInputFiles(v1);
  await expect(form.getByRole('combobox')).toHaveValue(/^[0-9a-f]{64}$/);
  await form.getByRole('button', { name: '#web (2)' }).click();
  await form.getByLabel('gamma on fleet-b').check();
  for (const label of ['alpha on fleet-a', 'beta on fleet-a']) await expect(form.getByLabel(label)).toBeChecked();
  await form.getByRole('button', { name: 'Deploy to 3 app(s)' }).click();
  await expect(recap(page)).toHaveText('ok=0 changed=3 failed=0 skipped=0 unreachable=0', { timeout: 600_000 });
  expect([await served(a, 'alpha.fleet.test'), await served(a, 'beta.fleet.test'), await served(b, 'gamma.fleet.test')]).toEqual(['v1', 'v1', 'v1']);

  // fleet-b's disk is full: the preflight stops the run before any app changes, naming fleet-b.
  await b.exec('fallocate -l $(( $(df -P -B1 /opt/skiff | awk \'NR==2{print $4}\') - 16*1048576 )) /var/tmp/fill');
  await form.getByLabel('Version zip').setInputFiles(v2);
  await form.getByLabel('Failures allowed').fill('1');
  await form.getByRole('button', { name: 'Deploy to 3 app(s)' }).click();
  await expect(page.getByTestId('fleet-stopped')).toContainText(/gamma on fleet-b: fleet-b has .* free; this deploy needs about/, { timeout: 120_000 });
  await expect(recap(page)).toHaveText('ok=0 changed=0 failed=1 skipped=2 unreachable=0');
  expect([await served(a, 'alpha.fleet.test'), await served(a, 'beta.fleet.test'), await served(b, 'gamma.fleet.test')]).toEqual(['v1', 'v1', 'v1']);
  await b.exec('rm -f /var/tmp/fill');

  // v2 fails its health gate on beta only: beta rolls itself back, the others go on; the recap says so.
  await a.exec('touch /opt/skiff/apps/beta/shared/pb_data/fixture-unhealthy-v2');
  await form.getByRole('button', { name: 'Deploy to 3 app(s)' }).click();
  await expect(recap(page)).toHaveText('ok=0 changed=2 failed=1 skipped=0 unreachable=0', { timeout: 600_000 });
  await expect(outcome(page, 'beta on fleet-a')).toHaveText('failed');
  await expect(page.getByRole('row', { name: 'beta on fleet-a' })).toContainText('rolled back');
  expect([await served(a, 'alpha.fleet.test'), await served(a, 'beta.fleet.test'), await served(b, 'gamma.fleet.test')]).toEqual(['v2', 'v1', 'v2']);
  // Its own log is one click away.
  await page.getByRole('row', { name: 'beta on fleet-a' }).getByRole('button', { name: 'Show log' }).click();
  const log = await page.getByRole('table', { name: 'Fleet targets' }).getByTestId('log-view').evaluate((el) => (el as HTMLElement & { skiffText: () => string }).skiffText());
  expect(log).toMatch(/unhealthy: \/api\/health answered 500/);

  // Fixed, "retry the failed ones" deploys beta alone.
  await a.exec('rm -f /opt/skiff/apps/beta/shared/pb_data/fixture-unhealthy-v2');
  await page.getByRole('button', { name: 'Retry the failed ones' }).click();
  await expect(page.getByRole('table', { name: 'Fleet targets' }).locator('tr[data-outcome]')).toHaveCount(1);
  await expect(page.getByRole('table', { name: 'Fleet targets' }).locator('tr[data-outcome]')).toHaveAttribute('aria-label', 'beta on fleet-a');
  await expect(recap(page)).toHaveText('ok=0 changed=1 failed=0 skipped=0 unreachable=0', { timeout: 300_000 });
  expect(await served(a, 'beta.fleet.test')).toBe('v2');

  // "Roll back the whole fleet" undoes what the last run changed (beta, by the retry) and nothing else.
  await page.getByRole('button', { name: 'Roll back the whole fleet' }).click();
  // The retry's recap reads the same: wait for the rollback's own run before reading its recap.
  const rollbackRun = page.getByRole('region', { name: 'Fleet run: Roll back 1 app(s)' });
  await expect(rollbackRun.getByTestId('fleet-recap')).toHaveText('ok=0 changed=1 failed=0 skipped=0 unreachable=0', { timeout: 300_000 });
  expect([await served(a, 'alpha.fleet.test'), await served(a, 'beta.fleet.test'), await served(b, 'gamma.fleet.test')]).toEqual(['v2', 'v1', 'v2']);

  // Hardening from the fleet page asks once, then hardens; the next audit no longer fails its SSH items.
  await serversForm.getByLabel('Server fleet-b').check();
  await serversForm.getByRole('button', { name: 'Harden 1 server(s)' }).click();
  await page.getByRole('alertdialog', { name: 'Harden servers?' }).getByRole('button', { name: 'Harden them' }).click();
  await expect(recap(page)).toHaveText('ok=0 changed=1 failed=0 skipped=0 unreachable=0', { timeout: 600_000 });
  await serversForm.getByRole('button', { name: 'Audit 1 server(s)' }).click();
  await expect(recap(page)).toHaveText('ok=1 changed=0 failed=0 skipped=0 unreachable=0', { timeout: 300_000 });
  await expect(summary.getByRole('row', { name: 'fleet-b' })).not.toContainText('Password logins');
  await expect(summary.getByRole('row', { name: 'fleet-b' })).not.toContainText('Root login over SSH');
  expect(await served(b, 'gamma.fleet.test')).toBe('v2');
});
