// Who Skiff is on the server and how it becomes root: directly (root), through sudo (first
// contact as a sudo user), or through Skiff's root helper (the app user after setup).
import type { NodeSSH } from 'node-ssh';
import { SkiffError } from '../../../src-shared/errors';
import { sh, raw, type ShellText } from '../remote/quote';
import { PATHS } from '../remote/templates/hardening';
import { runScript } from '../ssh/exec';

export type Privilege = 'root' | 'sudo' | 'helper' | 'none';

export interface Access {
  user: string;
  privilege: Privilege;
  /** Version of the installed root helper, if any. */
  helperVersion?: string;
  /** The port sshd accepted this connection on (server side; differs from ours behind NAT). */
  sshPort: number;
  debian: boolean;
  arch: string;
}

const PROBE = `
echo "user=$(id -un)"
echo "uid=$(id -u)"
if [ "$(id -u)" != 0 ] && sudo -n true 2>/dev/null; then echo sudo=yes; fi
if [ -x ${PATHS.rootHelper} ]; then
  if [ "$(id -u)" = 0 ]; then v=$(${PATHS.rootHelper} version 2>/dev/null || true); else v=$(sudo -n ${PATHS.rootHelper} version 2>/dev/null || true); fi
  echo "helper=$v"
fi
echo "sshport=$(echo "$SSH_CONNECTION" | awk '{print $4}')"
if [ -f /etc/debian_version ]; then echo debian=yes; fi
echo "arch=$(uname -m)"
`;

export async function probeAccess(ssh: NodeSSH): Promise<Access> {
  const out = (await runScript(ssh, PROBE, { check: true })).stdout;
  const kv = new Map(out.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()]));
  const helper = kv.get('helper')?.replace(/^skiff-root /, '') || undefined;
  const privilege: Privilege = kv.get('uid') === '0' ? 'root' : kv.get('sudo') === 'yes' ? 'sudo' : helper ? 'helper' : 'none';
  return {
    user: kv.get('user') ?? '?',
    privilege,
    helperVersion: helper,
    sshPort: Number(kv.get('sshport')) || 22,
    debian: kv.get('debian') === 'yes',
    arch: kv.get('arch') ?? '?',
  };
}

/** `skiff-root <verb> <args…>`, through sudo unless already root. */
export function helper(access: Access, verb: string, ...args: (string | number)[]): string {
  const prefix: ShellText = access.privilege === 'root' ? raw('') : raw('sudo -n ');
  return sh`${prefix}${raw(PATHS.rootHelper)} ${verb} ${args}`.text;
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
