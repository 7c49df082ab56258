import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSshConfig } from './sshConfig';
import { readSshConfigText } from './sshConfigIncludes';

/** A home folder with the given files under it. */
function home(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-sshinc-'));
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  }
  return dir;
}

async function hosts(h: string) {
  return parseSshConfig(await readSshConfigText(path.join(h, '.ssh/config'), h), { home: h, localUser: 'me' });
}

describe('Include in ssh_config', () => {
  it('inlines relative and quoted ~ includes, globs in lexical order, skipping dot files', async () => {
    const h = home({
      '.ssh/config': 'Include config.d/*\nInclude "~/my configs/extra.conf"\nHost main\n  HostName main.example\n',
      '.ssh/config.d/20-db': 'Host db\n  HostName db.example\n  Port 2200\n',
      '.ssh/config.d/10-web': 'Host web\n  HostName web.example\n  User deploy\n',
      '.ssh/config.d/.hidden': 'Host hidden\n',
      'my configs/extra.conf': 'Host spaced\n  HostName spaced.example\n',
    });
    const found = await hosts(h);
    expect(found.map((x) => x.alias)).toEqual(['web', 'db', 'spaced', 'main']);
    expect(found.find((x) => x.alias === 'db')).toMatchObject({ host: 'db.example', port: 2200, user: 'me' });
    expect(found.find((x) => x.alias === 'main')).toMatchObject({ host: 'main.example', user: 'me' });
  });

  it('resumes the top level after an included file opened Host blocks of its own', async () => {
    const h = home({
      '.ssh/config': 'Include hosts.conf\nUser everyone\nHost solo\n',
      '.ssh/hosts.conf': 'Host web\n  HostName web.example\n',
    });
    const found = await hosts(h);
    // "User everyone" sits at the top level of the main file, so it applies to every host.
    expect(found.map((x) => [x.alias, x.user])).toEqual([['web', 'everyone'], ['solo', 'everyone']]);
  });

  it('applies an Include inside a Host block to that block only', async () => {
    const h = home({
      '.ssh/config': 'Host web\n  Include web-extra.conf\n  HostName web.example\nHost other\n',
      '.ssh/web-extra.conf': 'Port 2222\n',
    });
    const found = await hosts(h);
    expect(found).toEqual([
      { alias: 'web', host: 'web.example', port: 2222, user: 'me' },
      { alias: 'other', host: 'other', port: 22, user: 'me' },
    ]);
  });

  it('ignores patterns that match nothing, and stops an include loop with a clear error', async () => {
    expect(await hosts(home({ '.ssh/config': 'Include nowhere/*\nInclude missing.conf\nHost a\n' }))).toEqual([{ alias: 'a', host: 'a', port: 22, user: 'me' }]);
    const loop = home({ '.ssh/config': 'Include config\nHost a\n' });
    await expect(readSshConfigText(path.join(loop, '.ssh/config'), loop)).rejects.toMatchObject({ code: 'SSH_CONFIG_UNREADABLE', message: expect.stringMatching(/deeper than 16 levels/) });
  });
});
