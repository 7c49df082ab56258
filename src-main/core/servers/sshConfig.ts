// Reads hosts out of an OpenSSH client config (~/.ssh/config): concrete Host aliases with their
// HostName, Port, User and IdentityFile, as `ssh` itself would resolve them.
import SSHConfig from 'ssh-config';
import os from 'node:os';
import path from 'node:path';

export interface ParsedSshHost {
  alias: string;
  host: string;
  port: number;
  user: string;
  identityFile?: string;
}

/** `~` and `~/…` as the home folder, the way ssh reads paths in its config. */
export function expandTilde(p: string, home: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(home, p.slice(1)) : p;
}

/** IdentityFile also takes the %d token (the home folder). */
function expandHome(p: string, home: string): string {
  return expandTilde(p, home).replace(/%d/g, home);
}

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

export function parseSshConfig(text: string, opts: { home?: string; localUser?: string } = {}): ParsedSshHost[] {
  const home = opts.home ?? os.homedir();
  const localUser = opts.localUser ?? os.userInfo().username;
  const config = SSHConfig.parse(text);
  const aliases: string[] = [];
  for (const line of config) {
    if (line.type !== SSHConfig.DIRECTIVE || line.param.toLowerCase() !== 'host') continue;
    const values = Array.isArray(line.value) ? line.value.map((v) => (typeof v === 'string' ? v : v.val)) : String(line.value).split(/\s+/);
    for (const v of values) {
      // Patterns (*, ?, negations) describe many hosts, not one to import.
      if (v && !/[*?!]/.test(v) && !aliases.includes(v)) aliases.push(v);
    }
  }
  return aliases.map((alias) => {
    const c = config.compute(alias) as Record<string, string | string[] | undefined>;
    const port = Number(first(c.Port) ?? 22);
    const identity = first(c.IdentityFile);
    return {
      alias,
      host: first(c.HostName) ?? alias,
      port: Number.isInteger(port) && port > 0 && port < 65536 ? port : 22,
      user: first(c.User) ?? localUser,
      ...(identity ? { identityFile: expandHome(identity, home) } : {}),
    };
  });
}
