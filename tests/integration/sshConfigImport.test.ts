// Importing hosts from an ssh_config file, then logging in to one of them.
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestVps } from '../../e2e/vps/vm';
import { authorize, makeCore, makeKeyFile, ownVps } from './helpers';

// A VM of this file's own, stopped after it: no VM idles through the other files' minutes.
const vm = ownVps();
let vps: TestVps;
beforeAll(async () => { await vm.boot(); vps = vm.get(); }, 240_000);
afterAll(() => vm.stop());

describe('import from ~/.ssh/config', () => {
  it('imports concrete hosts with HostName, Port, User and IdentityFile, and connects', async () => {
    const key = makeKeyFile();
    const enc = makeKeyFile({ passphrase: 'imported pass' });
    await authorize(vps, key.publicKey);
    await authorize(vps, enc.publicKey);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-sshcfg-'));
    const cfg = path.join(dir, 'config');
    writeFileSync(cfg, [
      'Host *', '  ServerAliveInterval 30', '',
      'Host testvps', `  HostName ${vps.host}`, `  Port ${vps.ports.ssh}`, '  User root', `  IdentityFile ${key.path}`, '',
      'Host locked', `  HostName ${vps.host}`, `  Port ${vps.ports.ssh}`, '  User root', `  IdentityFile ${enc.path}`, '',
      'Host broken', '  HostName bad host name', '',
    ].join('\n'));
    const core = makeCore();
    const read = await core.servers.readSshConfig(cfg);
    expect(read.hosts.map((h) => h.alias)).toEqual(['testvps', 'locked', 'broken']);
    expect(read.hosts[0]).toMatchObject({ host: vps.host, port: vps.ports.ssh, user: 'root', identityFile: key.path, exists: false });

    const res = await core.servers.importSshConfig(cfg, ['testvps', 'locked', 'broken']);
    expect(res.imported.map((s) => s.name)).toEqual(['testvps', 'locked']);
    expect(res.skipped).toEqual([{ alias: 'broken', reason: expect.stringMatching(/host/i) }]);
    expect(readFileSync(core.settingsPath, 'utf8')).not.toContain('PRIVATE KEY');

    const again = await core.servers.importSshConfig(cfg, ['testvps']);
    expect(again.skipped[0].reason).toMatch(/exists/);

    const [plain, locked] = res.imported;
    const scan = await core.servers.scanHostKey(plain.id);
    await core.servers.trustHostKey(plain.id, scan.fingerprint, false);
    expect((await core.servers.testConnection(plain.id)).facts?.os).toMatch(/Debian/);

    // The encrypted key was imported without its passphrase: connecting asks for it…
    await core.servers.trustHostKey(locked.id, scan.fingerprint, false);
    await expect(core.servers.testConnection(locked.id)).rejects.toMatchObject({ code: 'PASSPHRASE_REQUIRED' });
    // …and once the user enters it, the same key logs in.
    await core.servers.update({ id: locked.id, auth: { kind: 'keyFile', passphrase: 'imported pass' } });
    const tested = await core.servers.testConnection(locked.id);
    expect(tested.auth).toMatchObject({ kind: 'keyFile', keyPath: enc.path, hasPassphrase: true });
    expect((tested.auth as { publicKey: string }).publicKey).toContain(enc.publicKey.split(' ')[1]);
    core.close();
  });

  it('says clearly when the file cannot be read', async () => {
    const core = makeCore();
    await expect(core.servers.readSshConfig('/nonexistent/ssh_config')).rejects.toMatchObject({ code: 'SSH_CONFIG_UNREADABLE' });
    core.close();
  });
});
