// "Make it production-ready", through the UI against a fresh VM: set up, harden (preview first),
// audit; every job's log live in xterm and reopened from the history.
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { SETUP_PACKAGES } from '../../src-main/core/ops/setup';
import { ensurePreparedDisk } from '../vps/prepared';
import { TestVps } from '../vps/vm';
import { expect, ownVps, test } from '../support/fixtures';
import { addTrustedServer, rootKeyFor } from '../support/ui';

test.describe.configure({ mode: 'serial' });

// Hardening closes root SSH: this spec gets a VM of its own so the other specs keep theirs. It is
// the prepared disk with ufw removed, fail2ban stopped and automatic updates off, so setup installs a package from the
// archive here; the whole bare-server install (minutes under emulation) runs in
// `npm run security-report`, which sets up and hardens a fresh base image.
const vm = ownVps(async () => {
  const vps = await TestVps.boot({ disk: await ensurePreparedDisk() });
  await vps.exec('DEBIAN_FRONTEND=noninteractive apt-get remove -y -q ufw >/dev/null && systemctl disable --now fail2ban 2>/dev/null && rm /etc/apt/apt.conf.d/20auto-upgrades');
  return vps;
}, 600_000);

function logText(page: Page, jobTitle: RegExp | string) {
  return page.getByRole('region', { name: jobTitle }).getByTestId('log-view')
    .evaluate((el) => (el as HTMLElement & { skiffText: () => string }).skiffText());
}

test('set up, harden and audit a fresh VPS, watching each job live', async ({ launchSkiff }, testInfo) => {
  test.setTimeout(900_000);
  const vps = vm();
  const keyPath = await rootKeyFor(vps);
  const { page } = await launchSkiff();

  await addTrustedServer(page, vps, 'prod', keyPath);
  await expect(page.getByTestId('server-facts')).toContainText('Debian GNU/Linux 12');

  // Audit of the fresh server: fails.
  await page.getByRole('button', { name: 'Run audit' }).click();
  const auditRegion = page.getByRole('region', { name: /Job: Security audit of prod/ });
  await expect(auditRegion.getByTestId('job-status')).toHaveText('succeeded', { timeout: 120_000 });
  await expect(page.getByTestId('audit-report').locator('[data-audit-id="ssh.password-auth"]')).toHaveAttribute('data-status', 'fail');
  await expect(page.getByTestId('audit-report').locator('[data-audit-id="fw.installed"]')).toHaveAttribute('data-status', 'fail');
  await expect(page.getByTestId('audit-report').locator('[data-audit-id="f2b.running"]')).toHaveAttribute('data-status', 'fail');
  await expect(page.getByTestId('audit-report').locator('[data-audit-id="updates.unattended"]')).toHaveAttribute('data-status', 'fail');

  // Setup: the log streams while it runs.
  await page.getByRole('button', { name: 'Set up' }).click();
  await page.getByRole('dialog', { name: 'Set up prod' }).getByRole('button', { name: 'Start setup' }).click();
  const setupRegion = page.getByRole('region', { name: /Job: Set up prod/ });
  await expect(setupRegion.getByTestId('job-status')).toHaveText('running');
  await expect.poll(() => logText(page, /Job: Set up prod/), { timeout: 120_000 }).toMatch(/▶ \[3\/12\] Create the deploy user "skiff"/);
  await expect(setupRegion.getByTestId('job-status')).not.toHaveText('running', { timeout: 600_000 });
  await expect(setupRegion.getByTestId('job-status')).toHaveText('succeeded');
  const liveSetupLog = await logText(page, /Job: Set up prod/);
  expect(liveSetupLog).toMatch(/■ succeeded/);
  await expect(page.getByTestId('setup-state')).toContainText('deploy user skiff');
  // ufw came from the archive, through the helper, as every package does on a bare server.
  expect(liveSetupLog).toMatch(/✓ done \(installed ufw\)/);
  const dpkg = (await vps.exec(`dpkg-query -W -f='\${Package} \${Status}\\n' ${SETUP_PACKAGES.join(' ')}`)).stdout;
  for (const p of SETUP_PACKAGES) expect(dpkg).toContain(`${p} install ok installed`);
  await expect(page.getByRole('paragraph').filter({ hasText: /^skiff@127\.0\.0\.1:/ })).toBeVisible();

  // Harden: preview first.
  await page.getByRole('button', { name: 'Harden…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Harden prod' });
  await expect(dialog.getByTestId('harden-preview')).toContainText('+PermitRootLogin no');
  await expect(dialog.getByTestId('harden-preview')).toContainText('+backend = systemd');
  await expect(dialog.getByTestId('firewall-rules')).toContainText('22/tcp ALLOW IN (SSH)');
  await dialog.getByRole('button', { name: 'Apply hardening' }).click();
  const hardenRegion = page.getByRole('region', { name: /Job: Harden prod/ });
  await expect(hardenRegion.getByTestId('job-status')).toHaveText('succeeded', { timeout: 300_000 });
  await expect(page.getByTestId('hardening-state')).toContainText('key-only SSH on port 22');
  expect(await vps.canLogin('root')).toBe(false);
  expect(await vps.canLogin('skiff', keyPath)).toBe(true);

  // Audit again: passes.
  await page.getByRole('button', { name: 'Run audit' }).click();
  await expect(page.getByRole('region', { name: /Job: Security audit of prod/ }).getByTestId('job-status')).toHaveText('succeeded', { timeout: 120_000 });
  const report = page.getByTestId('audit-report');
  await expect(report.locator('[data-audit-id="ssh.password-auth"]')).toHaveAttribute('data-status', 'pass');
  await expect(report.locator('[data-audit-id="fw.active"]')).toHaveAttribute('data-status', 'pass');
  await expect(report.locator('[data-audit-id="f2b.running"]')).toHaveAttribute('data-status', 'pass');
  const download = page.waitForEvent('download');
  await report.getByRole('button', { name: 'Export Markdown' }).click();
  const md = readFileSync(await (await download).path(), 'utf8');
  expect(md).toMatch(/^# Security audit: prod/);
  expect(md).toMatch(/✅ pass \| Password logins \| PasswordAuthentication no/);

  // The setup log reopens from the history, identical.
  await page.getByRole('button', { name: 'Close' }).first().click();
  await page.getByRole('table', { name: 'Job history' }).getByRole('button', { name: /Set up prod/ }).click();
  await expect(page.getByRole('region', { name: /Job: Set up prod/ }).getByTestId('log-view')).toHaveAttribute('data-loaded', 'true');
  expect(await logText(page, /Job: Set up prod/)).toBe(liveSetupLog);
  await page.screenshot({ path: testInfo.outputPath('server-page.png'), fullPage: true });

  // Drift: a clean server reports clean; a hand edit of the sshd drop-in is flagged with its diff and
  // put back through hardening's preview; another change is adopted.
  const checkDrift = async () => {
    await page.getByRole('button', { name: 'Check for drift' }).click();
    await expect(page.getByRole('region', { name: /Job: Drift check of prod/ }).getByTestId('job-status')).toHaveText('succeeded', { timeout: 120_000 });
  };
  await checkDrift();
  await expect(page.getByTestId('drift-clean')).toBeVisible();
  await vps.exec("sed -i 's/^PasswordAuthentication no/PasswordAuthentication yes/' /etc/ssh/sshd_config.d/00-skiff-hardening.conf && systemctl reload ssh");
  await checkDrift();
  const edited = page.locator('[data-testid="drift-finding"][data-subject="/etc/ssh/sshd_config.d/00-skiff-hardening.conf"]');
  await expect(edited).toHaveAttribute('data-category', 'edited');
  await expect(edited.locator('.diff')).toContainText('+PasswordAuthentication yes');
  await edited.getByRole('button', { name: /Re-apply through Harden/ }).click();
  await expect(page.getByTestId('harden-preview')).toContainText('-PasswordAuthentication yes');
  await page.getByRole('button', { name: 'Apply hardening' }).click();
  await expect(page.getByRole('region', { name: /Job: Harden prod/ }).getByTestId('job-status')).toHaveText('succeeded', { timeout: 300_000 });
  expect((await vps.exec('sshd -T | grep ^passwordauthentication')).stdout.trim()).toBe('passwordauthentication no');
  await vps.exec("printf '// tuned by hand\\n' >> /etc/apt/apt.conf.d/20auto-upgrades");
  await checkDrift();
  const tuned = page.locator('[data-testid="drift-finding"][data-subject="/etc/apt/apt.conf.d/20auto-upgrades"]');
  await expect(tuned.locator('.diff')).toContainText('+// tuned by hand');
  await tuned.getByRole('button', { name: 'Adopt' }).click();
  await expect(page.getByRole('region', { name: /Job: Adopt \/etc\/apt\/apt\.conf\.d\/20auto-upgrades/ }).getByTestId('job-status')).toHaveText('succeeded', { timeout: 120_000 });
  await expect(page.getByTestId('drift-clean')).toBeVisible();

  // The audit trail names this desktop's actions, as the server recorded them.
  await page.getByRole('button', { name: 'Show the audit trail' }).click();
  await expect(page.locator('[data-testid="trail-entry"][data-verb="sshd-apply"][data-mine="yes"]').first()).toBeVisible();
  await expect(page.locator('[data-testid="trail-entry"][data-verb="drift-adopt"]').first()).toContainText('ok');
});
