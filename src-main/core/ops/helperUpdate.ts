// Keeping Skiff's root helper current. Root's helper can only be replaced by a helper signed with a
// desktop key whose public half setup installed on the server (/etc/skiff/helper-signers): the deploy
// user alone, or an app that got its shell, cannot change what runs as root. The private half stays
// in this desktop's keychain.
import type { NodeSSH } from 'node-ssh';
import { SkiffError } from '../../../src-shared/errors';
import type { StepContext } from '../jobs/runner';
import { ROOT_HELPER } from '../remote/helper/build';
import { helperCall } from '../remote/helper/verbs';
import { sh, type ShellText } from '../remote/quote';
import { generateSigningKey, signingPublicKey, sshSign, type SigningKey } from '../ssh/sshsig';
import { secretKey, type Vault } from '../vault/vault';
export const SIGNING_NAMESPACE = 'skiff-helper';

/** This desktop's helper-signing key, made on first use. */
export async function desktopSigningKey(vault: Vault): Promise<SigningKey> {
  const pem = await vault.get(secretKey.helperSigningKey());
  if (pem) return { privatePem: pem, publicKey: signingPublicKey(pem) };
  const key = generateSigningKey();
  await vault.set(secretKey.helperSigningKey(), key.privatePem);
  return key;
}

/** The allowed-signers line for a server (principal and namespace fixed). */
export function signersLine(publicKey: string): string {
  return `skiff-desktop namespaces="${SIGNING_NAMESPACE}" ${publicKey}`;
}

/** What self-update reads on stdin: the helper in base64 on one line, then its signature. */
export function signedHelper(key: SigningKey): string {
  return `${Buffer.from(ROOT_HELPER.script).toString('base64')}\n${sshSign(ROOT_HELPER.script, key.privatePem, SIGNING_NAMESPACE)}`;
}

export function selfUpdateScript(key: SigningKey): ShellText {
  return sh`printf '%s' ${signedHelper(key)} | ${helperCall('self-update', [])}`;
}

export async function updateHelperSigned(deps: { vault: Vault }, ctx: StepContext, ssh: NodeSSH): Promise<void> {
  const res = await ctx.exec(ssh, selfUpdateScript(await desktopSigningKey(deps.vault)).text, { check: false });
  if (res.code !== 0) {
    throw new SkiffError('SERVER_UPGRADE_REQUIRED', {
      message: `Skiff's helper on the server is from another Skiff version, and the server refused this desktop's update: ${res.stderr.replace(/^skiff-root: /, '').trim().slice(-200)}`,
      fix: 'Run "Set up" once from this desktop while logged in as root (or a sudo user): it installs this desktop\'s key on the server.',
    });
  }
  ctx.log(`updated Skiff's helper on the server to ${ROOT_HELPER.version}`);
}
