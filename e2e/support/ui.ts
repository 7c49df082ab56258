// Steps several specs take through the UI.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
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
