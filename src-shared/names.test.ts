// Deploy user names that would give the wrong account a sudo entry are refused with a reason.
import { describe, expect, it } from 'vitest';
import { contract } from './contract';
import { deployUserProblem } from './names';

describe('deployUserProblem', () => {
  it.each([
    ['ALL', /portable lowercase name/],
    ['ROOT', /portable lowercase name/],
    ['all', /means something else to sudo/],
    ['defaults', /means something else to sudo/],
    ['de.ploy', /portable lowercase name/],
    ['root', /system account/],
    ['www-data', /system account/],
    ['caddy', /system account/],
    ['nobody', /system account/],
    ['systemd-network', /system account/],
    ['_apt', /system account/],
    ['pb-web', /service users/],
    ['-x', /portable lowercase name/],
    ['a'.repeat(33), /portable lowercase name/],
  ])('refuses %s', (name, why) => {
    expect(deployUserProblem(name)).toMatch(why);
  });

  it('accepts ordinary names', () => {
    for (const name of ['skiff', 'deploy', 'web_ops', 'x1-y2']) expect(deployUserProblem(name)).toBeUndefined();
  });

  it('is what servers.setup checks at the boundary', () => {
    const parse = (appUser: string) => contract['servers.setup'].input.safeParse({ id: 'abcdef-123', appUser });
    expect(parse('ALL').success).toBe(false);
    expect(parse('www-data').success).toBe(false);
    expect(parse('skiff').success).toBe(true);
    expect(contract['servers.setup'].input.parse({ id: 'abcdef-123' }).appUser).toBe('skiff');
  });
});

describe('superuser fields', () => {
  const parse = (f: Record<string, string>) => contract['apps.create'].input.safeParse({ serverId: 'abcdef-123', name: 'web', ...f });
  it('refuses an e-mail or password that starts with "-" or a password with a line break', () => {
    expect(parse({ superuserEmail: '-x@example.com' }).success).toBe(false);
    expect(parse({ superuserPassword: '--help-me-please' }).success).toBe(false);
    expect(parse({ superuserPassword: 'two\nlines here' }).success).toBe(false);
    expect(parse({ superuserEmail: 'a@example.com', superuserPassword: 'p4ss -- word' }).success).toBe(true);
  });
});
