import { describe, expect, it } from 'vitest';
import { parseSshConfig } from './sshConfig';

describe('parseSshConfig', () => {
  it('resolves concrete hosts like ssh does, skipping patterns', () => {
    const text = `
Host *
  User defaultuser
  ServerAliveInterval 30

Host web prod-db
  HostName 203.0.113.10
  Port 2222
  IdentityFile ~/.ssh/id_web

Host *.internal !bastion
  ProxyJump bastion

Host lonely
`;
    const hosts = parseSshConfig(text, { home: '/home/me', localUser: 'me' });
    expect(hosts).toEqual([
      // First obtained value wins in ssh_config, so "Host *" above sets the user for everyone.
      { alias: 'web', host: '203.0.113.10', port: 2222, user: 'defaultuser', identityFile: '/home/me/.ssh/id_web' },
      { alias: 'prod-db', host: '203.0.113.10', port: 2222, user: 'defaultuser', identityFile: '/home/me/.ssh/id_web' },
      { alias: 'lonely', host: 'lonely', port: 22, user: 'defaultuser' },
    ]);
  });

  it('falls back to the local user and port 22', () => {
    expect(parseSshConfig('Host box\n  HostName box.example\n', { home: '/h', localUser: 'me' })).toEqual([{ alias: 'box', host: 'box.example', port: 22, user: 'me' }]);
  });
});
