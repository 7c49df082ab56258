// The app's Caddy site (seed 001's block is the reference): body limit, client IP headers, long read
// timeout, and retries while the backend restarts, so a deploy or rollback drops no request.
import type { TlsMode } from '../../../../src-shared/domain';
import { fillTemplate } from '../template';

export const SITE_TEMPLATE = `# Managed by Skiff: app "{{app}}". Rendered by skiff-root; do not edit.
{{address}} {
{{tls}}	encode zstd gzip
	request_body {
		max_size {{maxBodyMb}}MB
	}
	reverse_proxy 127.0.0.1:{{port}} {
		header_up X-Real-IP {remote_host}
		# Hold requests while the app restarts instead of failing them.
		lb_try_duration 30s
		lb_try_interval 250ms
		transport http {
			read_timeout 360s
		}
	}
}
`;

export interface SiteInput {
  app: string;
  domain: string;
  port: number;
  tls: TlsMode;
  maxBodyMb?: number;
}

export const DEFAULT_MAX_BODY_MB = 100;

export function renderCaddySite(s: SiteInput): string {
  return fillTemplate(SITE_TEMPLATE, {
    app: s.app,
    address: s.tls === 'off' ? `http://${s.domain}` : s.domain,
    tls: s.tls === 'internal' ? '\ttls internal\n' : '',
    maxBodyMb: String(s.maxBodyMb ?? DEFAULT_MAX_BODY_MB),
    port: String(s.port),
  });
}
