// "Here is my new VPS", through the real UI against a real test VPS.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { sh } from '../../src-main/core/remote/quote';
import type { TestVps } from '../vps/vm';
import { expect, test } from '../support/fixtures';

function makeKey(passphrase = ''): { path: string; pub: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-e2e-key-'));
  const p = path.join(dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'e2e', '-f', p]);
  return { path: p, pub: readFileSync(`${p}.pub`, 'utf8').trim() };
}

async function authorize(vps: TestVps, pub: string) {
  await vps.exec(sh`mkdir -p /root/.ssh && printf '%s\\n' ${pub} >> /root/.ssh/authorized_keys`.text);
}

async function fillServerForm(page: Page, vps: TestVps, name: string) {
  await page.getByRole('button', { name: 'Add server' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Add a server' });
  await dialog.getByLabel('Name', { exact: true }).fill(name);
  await dialog.getByLabel('Host (IP or name)').fill(vps.host);
  await dialog.getByLabel('Port', { exact: true }).fill(String(vps.ports.ssh));
  await dialog.getByLabel('User', { exact: true }).fill('root');
  return dialog;
}

async function trustShownFingerprint(page: Page, vps: TestVps, title: RegExp | string) {
  const dialog = page.getByRole('dialog', { name: title });
  const shown = (await dialog.getByTestId('presented-fingerprint').textContent())!;
  expect(await vps.hostKeyFingerprints()).toContain(shown);
  await dialog.getByRole('button', { name: /Trust/ }).click();
  return shown;
}

async function expectRealFacts(page: Page, vps: TestVps) {
  const facts = page.getByTestId('server-facts');
  await expect(facts).toContainText('Debian GNU/Linux 12');
  const kernel = (await vps.exec('uname -r')).stdout.trim();
  await expect(facts).toContainText(kernel);
  await expect(page.getByTestId('fact-memory')).toContainText(/used of \d+(\.\d)? MiB/);
  await expect(page.getByTestId('fact-disk')).toContainText(/used of \d+(\.\d)? GiB/);
}

test('adds a server with a key file, confirms its fingerprint, sees real facts, and survives a re-install', async ({ launchSkiff, vps }) => {
  const key = makeKey();
  await authorize(vps, key.pub);
  const { page } = await launchSkiff();

  const form = await fillServerForm(page, vps, 'web-1');
  await form.locator('input[name=keyFile]').setInputFiles(key.path);
  await form.getByRole('button', { name: 'Add server' }).click();

  const pinned = await trustShownFingerprint(page, vps, 'Trust web-1?');
  await expectRealFacts(page, vps);
  await expect(page.getByTestId('pinned-host-key')).toHaveText(pinned);

  // The server is re-installed: new host keys. Skiff refuses and says so plainly.
  await vps.regenerateHostKeys();
  await page.getByRole('button', { name: 'Test connection' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'host key has CHANGED' });
  await expect(alert).toBeVisible();
  await expect(alert).toHaveAttribute('data-error-code', 'HOST_KEY_MISMATCH');
  await expect(page.getByTestId('pinned-host-key')).toHaveText(pinned);

  // Explicit re-pin: the dialog shows both keys and needs the user's confirmation.
  await alert.getByRole('button', { name: 'I replaced this server' }).click();
  const dialog = page.getByRole('dialog', { name: 'The host key has changed' });
  await expect(dialog.getByTestId('pinned-fingerprint')).toHaveText(pinned);
  const trust = dialog.getByRole('button', { name: 'Trust the new key' });
  await expect(trust).toBeDisabled();
  await dialog.getByLabel(/I replaced this server/).check();
  const fresh = (await dialog.getByTestId('presented-fingerprint').textContent())!;
  expect(fresh).not.toBe(pinned);
  expect(await vps.hostKeyFingerprints()).toContain(fresh);
  await trust.click();
  await expect(page.getByTestId('pinned-host-key')).toHaveText(fresh);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expectRealFacts(page, vps);
});

test('adds a server with a passphrase-protected key, refusing a wrong passphrase first', async ({ launchSkiff, vps }) => {
  const key = makeKey('e2e pass phrase');
  await authorize(vps, key.pub);
  const { page } = await launchSkiff();

  const form = await fillServerForm(page, vps, 'locked');
  await form.getByLabel('Or its path on this computer').fill(key.path);
  await form.getByLabel('Passphrase (if the key has one)').fill('not the passphrase');
  await form.getByRole('button', { name: 'Add server' }).click();
  await expect(form.getByRole('alert')).toHaveAttribute('data-error-code', 'BAD_PASSPHRASE');
  await expect(form.getByRole('alert')).toContainText('The passphrase does not unlock this private key.');
  await expect(page.getByRole('navigation', { name: 'Servers' }).getByRole('button', { name: 'locked' })).toHaveCount(0);

  await form.getByLabel('Passphrase (if the key has one)').fill('e2e pass phrase');
  await form.getByRole('button', { name: 'Add server' }).click();
  await trustShownFingerprint(page, vps, 'Trust locked?');
  await expectRealFacts(page, vps);
  await expect(page.getByTestId('public-key')).toContainText(key.pub.split(' ')[1]);
});

test('imports a host from ~/.ssh/config and connects to it', async ({ launchSkiff, vps }) => {
  const key = makeKey();
  await authorize(vps, key.pub);
  // The host lives in an included file, as many people keep theirs.
  const config = ['Include config.d/*', '', 'Host *', '  ServerAliveInterval 30', ''].join('\n');
  const staging = ['Host staging-box', `  HostName ${vps.host}`, `  Port ${vps.ports.ssh}`, '  User root', `  IdentityFile ${key.path}`, ''].join('\n');
  const { page } = await launchSkiff({ homeFiles: { '.ssh/config': config, '.ssh/config.d/staging': staging } });

  await page.getByRole('button', { name: 'Import from SSH config' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Import from SSH config' });
  const row = dialog.getByRole('row', { name: /staging-box/ });
  await expect(row).toContainText(`${vps.host}:${vps.ports.ssh}`);
  await expect(row).toContainText(key.path);
  await expect(row.getByRole('checkbox')).toBeChecked();
  await dialog.getByRole('button', { name: 'Import 1 host' }).click();

  await expect(page.getByRole('heading', { name: 'staging-box' })).toBeVisible();
  await page.getByRole('button', { name: 'Test connection' }).click();
  await trustShownFingerprint(page, vps, 'Trust staging-box?');
  await expectRealFacts(page, vps);
});

test('rejects bad input with a clear message and saves nothing', async ({ launchSkiff, vps }) => {
  const { page, dataDir } = await launchSkiff();
  const form = await fillServerForm(page, vps, 'bad');
  await form.getByLabel('Port', { exact: true }).fill('70000');
  await form.getByRole('radio', { name: 'ssh-agent' }).check();
  await form.getByRole('button', { name: 'Add server' }).click();
  await expect(form.getByRole('alert')).toContainText('port: Port must be 1 to 65535');

  await form.getByLabel('Port', { exact: true }).fill('22');
  await form.getByLabel('Host (IP or name)').fill('evil.example.com; rm -rf /');
  await form.getByRole('button', { name: 'Add server' }).click();
  await expect(form.getByRole('alert')).toContainText('Host must be a host name or an IP address');

  await form.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('heading', { name: 'Add your first server' })).toBeVisible();
  const settings = path.join(dataDir, 'settings.json');
  const saved = (() => { try { return JSON.parse(readFileSync(settings, 'utf8')).servers; } catch { return []; } })();
  expect(saved).toEqual([]);
});

test('says plainly when no keychain answers, and stores no secret', async ({ launchSkiff, vps }) => {
  const { page, dataDir } = await launchSkiff({ env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' } });
  await expect(page.getByRole('alert').filter({ hasText: 'keychain is not available' })).toBeVisible();
  const form = await fillServerForm(page, vps, 'nokeychain');
  await form.getByRole('radio', { name: 'Password (first contact)' }).check();
  await form.getByLabel('Password', { exact: true }).fill('must-not-be-written');
  await form.getByRole('button', { name: 'Add server' }).click();
  await expect(form.getByRole('alert')).toHaveAttribute('data-error-code', 'KEYCHAIN_UNAVAILABLE');
  let file = '';
  try { file = readFileSync(path.join(dataDir, 'settings.json'), 'utf8'); } catch { /* never written */ }
  expect(file).not.toContain('must-not-be-written');
  expect(file ? JSON.parse(file).servers : []).toEqual([]);
});

test('generates a key, shows its public half to copy, then edits and removes the server', async ({ launchSkiff, vps }) => {
  const { page, dataDir } = await launchSkiff();
  const form = await fillServerForm(page, vps, 'gen-box');
  await form.getByRole('radio', { name: 'Generate a key' }).check();
  await form.getByRole('button', { name: 'Add server' }).click();

  // Not authorized yet: trusting the key works, logging in is refused with a clear message.
  await trustShownFingerprint(page, vps, 'Trust gen-box?');
  await expect(page.getByRole('alert')).toHaveAttribute('data-error-code', 'AUTH_FAILED');
  const pub = (await page.getByTestId('public-key').textContent())!;
  expect(pub).toMatch(/^ssh-ed25519 AAAA\S+ skiff-/);
  await expect(page.getByRole('button', { name: 'Copy public key' })).toBeVisible();

  await authorize(vps, pub);
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expectRealFacts(page, vps);

  await page.getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit gen-box' });
  await expect(edit.getByRole('radio', { name: /Keep the current generated key/ })).toBeChecked();
  await edit.getByLabel('Name', { exact: true }).fill('gen-box-renamed');
  await edit.getByRole('button', { name: 'Save' }).click();
  const nav = page.getByRole('navigation', { name: 'Servers' });
  await expect(nav.getByRole('button', { name: 'gen-box-renamed' })).toBeVisible();
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expectRealFacts(page, vps);

  await page.getByRole('button', { name: 'Remove' }).click();
  await page.getByRole('dialog', { name: 'Remove gen-box-renamed?' }).getByRole('button', { name: 'Remove server' }).click();
  await expect(page.getByRole('heading', { name: 'Add your first server' })).toBeVisible();
  expect(JSON.parse(readFileSync(path.join(dataDir, 'settings.json'), 'utf8')).servers).toEqual([]);
});
