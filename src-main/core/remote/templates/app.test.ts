import { describe, expect, it } from 'vitest';
import { renderCaddySite, renderSystemdUnit } from './app';

describe('app templates', () => {
  it('render the systemd unit with sandboxing and only the folders the release has', () => {
    const unit = renderSystemdUnit({ app: 'blog', appUser: 'skiff', port: 8091, binary: 'pocketbase', has: { public: true, hooks: false, migrations: true } });
    expect(unit).toMatchSnapshot();
    expect(unit).toContain('ExecStart=/opt/skiff/apps/blog/current/pocketbase serve --http=127.0.0.1:8091 --dir=/opt/skiff/apps/blog/shared/pb_data --publicDir=/opt/skiff/apps/blog/current/pb_public --migrationsDir=/opt/skiff/apps/blog/current/pb_migrations');
    for (const line of ['Restart=always', 'RestartSec=5s', 'LimitNOFILE=4096', 'NoNewPrivileges=true', 'ProtectSystem=strict', 'ReadWritePaths=/opt/skiff/apps/blog', 'PrivateTmp=true', 'User=skiff']) {
      expect(unit).toContain(line);
    }
  });

  it('render the Caddy site: body limit, client IP, long reads, retries while restarting', () => {
    const site = renderCaddySite({ app: 'blog', domain: 'blog.example.com', port: 8091, tls: 'auto' });
    expect(site).toMatchSnapshot();
    expect(site).toMatch(/^blog\.example\.com \{$/m);
    expect(site).toContain('lb_try_duration 30s');
    expect(renderCaddySite({ app: 'b', domain: 'b.test', port: 1, tls: 'off' })).toMatch(/^http:\/\/b\.test \{$/m);
    expect(renderCaddySite({ app: 'b', domain: 'b.test', port: 1, tls: 'internal' })).toMatch(/^\ttls internal$/m);
  });
});
