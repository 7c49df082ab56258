// SSH on a non-default port: hardening must keep the port Skiff really connects on open
// (the leading open-source tool opens 22 whatever sshd listens on).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addTrusted, authorize, makeCore, makeKeyFile, ownVps, runJob, type KeyFile, type TestCore } from './helpers';

// Setup's apt work is proven by setupHarden.test.ts: this one starts from the prepared disk.
const vm = ownVps({ prepared: true });
let core: TestCore;
let key: KeyFile;

beforeAll(async () => {
  await vm.boot();
  const vps = vm.get();
  key = makeKeyFile();
  await authorize(vps, key.publicKey);
  // Move sshd to 2222 only, as many VPS owners do.
  await vps.exec("echo 'Port 2222' > /etc/ssh/sshd_config.d/10-port.conf && systemctl restart ssh");
  await vps.waitForSsh(30_000, vps.ports.ssh2222);
  core = makeCore();
}, 300_000);

afterAll(async () => {
  core?.close();
  await vm.stop();
});

it('hardens a server whose sshd listens on 2222: 2222 stays open, 22 is not opened, fail2ban watches 2222', async () => {
  const vps = vm.get();
  const server = await addTrusted(core, vps, { name: 'port 2222', user: 'root', port: vps.ports.ssh2222, auth: { kind: 'keyFile', privateKey: key.text } });
  const setup = await runJob(core, () => core.ops.setup(server.id, 'deploy'));
  expect(setup.job.error).toBeUndefined();
  expect(setup.log).toMatch(/sshd port 2222/);

  const preview = await core.ops.hardenPreview(server.id);
  expect(preview.sshPort).toBe(2222);
  expect(preview.firewall.rulesToAdd).toContain('2222/tcp ALLOW IN (SSH)');
  expect(preview.firewall.rulesToAdd.join(' ')).not.toMatch(/\b22\/tcp/);

  const harden = await runJob(core, () => core.ops.harden(server.id));
  expect(harden.job.error).toBeUndefined();
  expect(harden.job.status).toBe('succeeded');
  expect(core.servers.get(server.id).hardening?.sshPort).toBe(2222);

  const ufw = (await vps.exec('ufw status')).stdout;
  expect(ufw).toMatch(/^2222\/tcp\s+ALLOW/m);
  expect(ufw).not.toMatch(/^22\/tcp\s+ALLOW/m);
  expect((await vps.exec('cat /etc/fail2ban/jail.d/skiff-sshd.local')).stdout).toMatch(/^port = 2222$/m);
  expect((await vps.exec("fail2ban-client get sshd journalmatch >/dev/null && echo ok")).stdout.trim()).toBe('ok');
  expect(await vps.canLogin('deploy', key.path, vps.ports.ssh2222)).toBe(true);
  expect(await vps.canLogin('root', vps.rootKeyPath, vps.ports.ssh2222)).toBe(false);
  // And Skiff keeps working on that port.
  const audit = await runJob(core, () => core.ops.audit(server.id));
  expect(audit.job.status).toBe('succeeded');
  expect(core.servers.get(server.id).lastAudit?.items.find((i) => i.id === 'fw.ssh-allowed')).toMatchObject({ status: 'pass', detail: '2222/tcp allowed' });
}, 600_000);
