// Steps several specs take through the UI.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';
import { sh } from '../../src-main/core/remote/quote';
import type { TestVps } from '../vps/vm';

/** A fresh ed25519 key authorized for root on the VM; returns its private key path. */
export async function rootKeyFor(vps: TestVps): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-e2e-key-'));
  const keyPath = path.join(dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyPath]);
  await vps.exec(sh`printf '%s\\n' ${readFileSync(`${keyPath}.pub`, 'utf8').trim()} >> /root/.ssh/authorized_keys`.text);
  return keyPath;
}

/** Adds the VM as a server by key path and trusts the host key it shows. */
export async function addTrustedServer(page: Page, vps: TestVps, name: string, keyPath: string): Promise<void> {
  await page.getByRole('button', { name: 'Add server' }).first().click();
  const form = page.getByRole('dialog', { name: 'Add a server' });
  await form.getByLabel('Name', { exact: true }).fill(name);
  await form.getByLabel('Host (IP or name)').fill(vps.host);
  await form.getByLabel('Port', { exact: true }).fill(String(vps.ports.ssh));
  await form.getByLabel('Or its path on this computer').fill(keyPath);
  await form.getByRole('button', { name: 'Add server' }).click();
  await page.getByRole('dialog', { name: `Trust ${name}?` }).getByRole('button', { name: 'Trust and connect' }).click();
}

/** Runs Set up on the open server page (a second run on a set-up server changes nothing) and waits for it. */
export async function setUpServerInUi(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Set up' }).click();
  await page.getByRole('dialog', { name: `Set up ${name}` }).getByRole('button', { name: 'Start setup' }).click();
  await expect(page.getByRole('region', { name: new RegExp(`Job: Set up ${name}`) }).getByTestId('job-status')).toHaveText('succeeded', { timeout: 300_000 });
}

/** Creates an app on the open server page, served over plain HTTP (no certificates in a sandbox). */
export async function createAppInUi(page: Page, o: { name: string; domain: string; superuser?: { email: string; password: string } }): Promise<void> {
  await page.getByRole('button', { name: 'New app', exact: true }).click();
  const form = page.getByRole('dialog', { name: 'New app', exact: true });
  await form.getByLabel('Name', { exact: true }).fill(o.name);
  await form.getByLabel('Domain (optional)').fill(o.domain);
  await form.getByLabel('HTTPS').selectOption('off');
  if (o.superuser) {
    await form.getByLabel('Superuser email (optional)').fill(o.superuser.email);
    await form.getByLabel('Superuser password').fill(o.superuser.password);
  }
  await expect(form.getByRole('button', { name: 'Create app' })).toBeEnabled();
  await form.getByRole('button', { name: 'Create app' }).click();
}
