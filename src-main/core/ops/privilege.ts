// Who Skiff is on the server and how it becomes root: directly (root), through sudo (first contact
// as a sudo user), or through Skiff's root helper (the deploy user after setup).
import type { NodeSSH } from 'node-ssh';
import { SkiffError } from '../../../src-shared/errors';
import { helperCall, type HelperArgs, type Verb } from '../remote/helper/verbs';
import type { ShellText } from '../remote/quote';
import { kvOne, parseKv } from '../remote/readBack';
import { PROBE_SCRIPT } from '../remote/scripts/serverScripts';
import { runScript } from '../ssh/exec';

export type Privilege = 'root' | 'sudo' | 'helper' | 'none';

export interface Access {
  user: string;
  privilege: Privilege;
  /** Version of the installed root helper, if any. */
  helperVersion?: string;
  /** How many desktop keys may sign helper updates (0: none installed, an older server). */
  signers: number;
  /** The port sshd accepted this connection on (server side; differs from ours behind NAT). */
  sshPort: number;
  /** This desktop's address as the server sees it (what fail2ban would ban). */
  clientIp: string;
  debian: boolean;
  arch: string;
}

export async function probeAccess(ssh: NodeSSH): Promise<Access> {
  const kv = parseKv((await runScript(ssh, PROBE_SCRIPT.text, { check: true })).stdout);
  const get = (k: string) => kvOne(kv, k)?.trim();
  const helper = get('helper')?.replace(/^skiff-root /, '') || undefined;
  const privilege: Privilege = get('uid') === '0' ? 'root' : get('sudo') === 'yes' ? 'sudo' : helper ? 'helper' : 'none';
  return {
    user: get('user') ?? '?',
    privilege,
    helperVersion: helper && /^[0-9a-f]{16}$/.test(helper) ? helper : helper ? 'unknown' : undefined,
    signers: Number(get('signers')) || 0,
    sshPort: Number(get('sshport')) || 22,
    clientIp: /^[0-9a-fA-F.:]{2,45}$/.test(get('client') ?? '') ? get('client')! : '',
    debian: get('debian') === 'yes',
    arch: get('arch') ?? '?',
  };
}

/** A helper call through sudo, or directly when Skiff is root. */
export function helper<V extends Verb>(access: Access, verb: V, ...args: HelperArgs<V>): ShellText {
  return helperCall(verb, args, access.privilege === 'root' ? 'root' : 'sudo');
}

/** Options to run a bootstrap script as root (before the helper can do it). */
export function asRoot(access: Access): { sudo: boolean } {
  if (access.privilege === 'root') return { sudo: false };
  if (access.privilege === 'sudo') return { sudo: true };
  throw new SkiffError('NEEDS_ROOT', {
    message: `Skiff is logged in as "${access.user}", which cannot do this step as root.`,
    fix: 'Edit the server to log in as root (or a user with passwordless sudo) and run setup again.',
  });
}
