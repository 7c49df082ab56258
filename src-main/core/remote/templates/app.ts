// What a deployed app looks like on the server: its paths, systemd unit and Caddy site, rendered
// from typed inputs. Snapshot-tested; the deploy writes them only when their hash changed.
import { createHash } from 'node:crypto';
import type { TlsMode } from '../../../../src-shared/domain';

export const APPS_ROOT = '/opt/skiff/apps';

export function appPaths(app: string) {
  const root = `${APPS_ROOT}/${app}`;
  return {
    root,
    releases: `${root}/releases`,
    current: `${root}/current`,
    shared: `${root}/shared`,
    data: `${root}/shared/pb_data`,
    env: `${root}/shared/env`,
    backups: `${root}/backups`,
    meta: `${root}/.skiff`,
    manifest: `${root}/.skiff/manifest.json`,
    lock: `${root}/.skiff/lock`,
    uploads: `${root}/.skiff/uploads`,
    unit: `/etc/systemd/system/skiff-${app}.service`,
    unitName: `skiff-${app}.service`,
    site: `/etc/caddy/skiff/${app}.caddy`,
  };
}

export interface UnitInput {
  app: string;
  appUser: string;
  port: number;
  binary: string;
  /** Which optional folders the release being started has. */
  has: { public: boolean; hooks: boolean; migrations: boolean };
}

export function renderSystemdUnit(u: UnitInput): string {
  const p = appPaths(u.app);
  const flags = [
    `--http=127.0.0.1:${u.port}`,
    `--dir=${p.data}`,
    ...(u.has.public ? [`--publicDir=${p.current}/pb_public`] : []),
    ...(u.has.hooks ? [`--hooksDir=${p.current}/pb_hooks`] : []),
    ...(u.has.migrations ? [`--migrationsDir=${p.current}/pb_migrations`] : []),
  ];
  return `# Managed by Skiff: PocketBase app "${u.app}". Skiff rewrites this file when it changes.
[Unit]
Description=Skiff app ${u.app} (PocketBase)
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=${u.appUser}
Group=${u.appUser}
WorkingDirectory=${p.current}
EnvironmentFile=-${p.env}
ExecStart=${p.current}/${u.binary} serve ${flags.join(' ')}
Restart=always
RestartSec=5s
LimitNOFILE=4096
NoNewPrivileges=true
ProtectSystem=strict
ProtectHome=true
PrivateTmp=true
ReadWritePaths=${p.root}

[Install]
WantedBy=multi-user.target
`;
}

export interface SiteInput {
  app: string;
  domain: string;
  port: number;
  tls: TlsMode;
  maxBodyMb?: number;
}

/**
 * The Caddy site (seed 001's block is the reference): body limit, client IP headers, long read
 * timeout, and retries while the backend restarts, so a deploy or rollback drops no request.
 */
export function renderCaddySite(s: SiteInput): string {
  const address = s.tls === 'off' ? `http://${s.domain}` : s.domain;
  const tls = s.tls === 'internal' ? '\n\ttls internal' : '';
  return `# Managed by Skiff: app "${s.app}". Skiff rewrites this file when it changes.
${address} {${tls}
\tencode zstd gzip
\trequest_body {
\t\tmax_size ${s.maxBodyMb ?? 100}MB
\t}
\treverse_proxy 127.0.0.1:${s.port} {
\t\theader_up X-Real-IP {remote_host}
\t\t# Hold requests while the app restarts instead of failing them.
\t\tlb_try_duration 30s
\t\tlb_try_interval 250ms
\t\ttransport http {
\t\t\tread_timeout 360s
\t\t}
\t}
}
`;
}

/** Config files are rewritten only when this changes (seed 001's config hashes). */
export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
