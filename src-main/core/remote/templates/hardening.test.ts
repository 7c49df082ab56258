// Kamal-style: assert the exact text Skiff renders, with no SSH at all.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { firewallRules, renderAutoUpgrades, renderFail2banJail, renderSshdDropIn, renderSudoers, writeFileCommand } from './hardening';
import { ROOT_HELPER } from './rootHelper';

describe('hardening templates', () => {
  it('render the sshd drop-in, jail, auto-upgrades and sudoers exactly', () => {
    expect(renderSshdDropIn()).toMatchSnapshot();
    expect(renderFail2banJail(2222)).toMatchSnapshot();
    expect(renderAutoUpgrades()).toMatchSnapshot();
    expect(renderSudoers('skiff')).toBe('# Managed by Skiff: skiff may run Skiff\'s root helper, nothing else, as root.\nskiff ALL=(root) NOPASSWD: /usr/local/sbin/skiff-root\n');
    expect(firewallRules(2222)).toEqual(['2222/tcp ALLOW IN (SSH)', '80/tcp ALLOW IN (HTTP)', '443/tcp ALLOW IN (HTTPS)']);
  });

  it('the fail2ban jail uses the systemd backend on the given port', () => {
    expect(renderFail2banJail(2222)).toMatch(/^backend = systemd$/m);
    expect(renderFail2banJail(2222)).toMatch(/^port = 2222$/m);
  });

  it('the root helper is valid bash and versioned by its content', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-helper-'));
    const f = path.join(dir, 'skiff-root');
    writeFileSync(f, ROOT_HELPER.script);
    execFileSync('bash', ['-n', f]);
    expect(ROOT_HELPER.version).toMatch(/^[0-9a-f]{16}$/);
    expect(ROOT_HELPER.script).toContain(`skiff-root ${ROOT_HELPER.version}`);
    // Unknown verbs and out-of-list packages are refused before anything runs.
    const bad = (args: string[]) => { try { execFileSync('bash', [f, ...args], { stdio: 'pipe' }); return ''; } catch (e) { return String((e as { stderr: Buffer }).stderr); } };
    expect(bad(['rm-rf'])).toMatch(/unknown command: rm-rf/);
    expect(bad(['apt-install', 'netcat'])).toMatch(/package not allowed: netcat/);
    expect(bad(['ufw-apply', '22; reboot'])).toMatch(/not a port/);
    expect(bad(['config-write', '../../etc/passwd'])).toMatch(/unknown config/);
    expect(bad(['fail2ban-unban', '1.2.3.4;id'])).toMatch(/not an IP address/);
    expect(bad(['sudoers-show', '../x'])).toMatch(/not a user name/);
  });

  it('writes files byte for byte, and a failed validation leaves the target untouched', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-write-'));
    const target = path.join(dir, "it's a file");
    const content = 'line with $(id) and `x` and \'quotes\'\n\ttab\n';
    execFileSync('bash', ['-c', writeFileCommand(target, content, '0640')]);
    expect(readFileSync(target, 'utf8')).toBe(content);
    expect(() => execFileSync('bash', ['-c', writeFileCommand(target, 'new', '0640', () => 'false')], { stdio: 'pipe' })).toThrow();
    expect(readFileSync(target, 'utf8')).toBe(content);
  });
});
