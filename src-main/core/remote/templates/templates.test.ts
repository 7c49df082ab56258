// Kamal-style: the exact text of every file the helper renders on a server (the helper's own bash
// rendering is compared with these byte for byte in helper/helper.test.ts).
import { describe, expect, it } from 'vitest';
import { AUTO_UPGRADES } from './autoUpgrades';
import { renderCaddySite } from './caddySite';
import { renderEnvFile } from './envFile';
import { FILTER, renderFail2banJail } from './fail2ban';
import { firewallRules, SSHD_DROP_IN } from './sshd';
import { renderSudoers } from './sudoers';
import { renderSystemdUnit } from './systemdUnit';

describe('templates', () => {
  it('the unit runs the app as its own service user, sandboxed, its folders always through current', () => {
    const unit = renderSystemdUnit({ app: 'blog', port: 8091, binary: 'pocketbase' });
    expect(unit).toMatchSnapshot();
    expect(unit).toContain('User=pb-blog\nGroup=pb-blog\n');
    expect(unit).toContain('ExecStart=/opt/skiff/apps/blog/current/pocketbase serve --http=127.0.0.1:8091 --dir=/opt/skiff/apps/blog/shared/pb_data --publicDir=/opt/skiff/apps/blog/current/pb_public --hooksDir=/opt/skiff/apps/blog/current/pb_hooks --migrationsDir=/opt/skiff/apps/blog/current/pb_migrations --automigrate=false --hooksWatch=false\n');
    expect(unit).toContain('EnvironmentFile=-/etc/skiff/apps/blog.env\n');
    expect(unit).toContain('ReadWritePaths=/opt/skiff/apps/blog/shared/pb_data\n');
    for (const line of ['Restart=always', 'RestartSec=5s', 'LimitNOFILE=4096', 'NoNewPrivileges=yes', 'ProtectSystem=strict', 'CapabilityBoundingSet=', 'UMask=0077', 'SystemCallFilter=@system-service']) {
      expect(unit).toMatch(new RegExp(`^${line}$`, 'm'));
    }
  });

  it('the Caddy site: body limit, client IP, long reads, retries while the app restarts', () => {
    const site = renderCaddySite({ app: 'blog', domain: 'blog.example.com', port: 8091, tls: 'auto' });
    expect(site).toMatchSnapshot();
    expect(site).toContain('lb_try_duration 30s');
    expect(renderCaddySite({ app: 'b', domain: 'b.test', port: 1, tls: 'off' })).toMatch(/^http:\/\/b\.test \{$/m);
    expect(renderCaddySite({ app: 'b', domain: 'b.test', port: 1, tls: 'internal' })).toMatch(/^\ttls internal$/m);
  });

  it('the sshd drop-in, fail2ban jail and filter, auto-upgrades and sudoers, exactly', () => {
    expect(SSHD_DROP_IN).toMatchSnapshot();
    expect(renderFail2banJail(2222)).toMatchSnapshot();
    expect(FILTER).toMatchSnapshot();
    expect(AUTO_UPGRADES).toMatchSnapshot();
    expect(renderSudoers('skiff')).toBe("# Managed by Skiff: skiff may run Skiff's root helper, nothing else, as root.\nskiff ALL=(root) NOPASSWD: /usr/local/sbin/skiff-root\n");
    expect(firewallRules(2222)).toEqual(['2222/tcp ALLOW IN (SSH)', '80/tcp ALLOW IN (HTTP)', '443/tcp ALLOW IN (HTTPS)']);
  });

  it('the env file escapes what systemd unescapes', () => {
    expect(renderEnvFile([{ key: 'A', value: 'say "hi" $(id) `x` \\ end' }])).toBe('A="say \\"hi\\" $(id) `x` \\\\ end"\n');
  });
});
