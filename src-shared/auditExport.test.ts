import { describe, expect, it } from 'vitest';
import { auditToJson, auditToMarkdown } from './auditExport';
import type { AuditReport } from './domain';

const report: AuditReport = {
  serverId: 's', serverName: 'prod | eu', host: '203.0.113.10', at: '2026-11-25T08:00:00.000Z',
  items: [
    { id: 'ssh.password-auth', category: 'ssh', title: 'Password logins', status: 'fail', detail: 'PasswordAuthentication yes', fix: 'Run "Harden" in Skiff.' },
    { id: 'fw.active', category: 'firewall', title: 'Firewall (ufw)', status: 'pass', detail: 'active', fix: '' },
  ],
  summary: { pass: 1, warn: 0, fail: 1, info: 0 },
};

describe('audit export', () => {
  it('renders a Markdown table with escaped cells', () => {
    const md = auditToMarkdown(report);
    expect(md).toContain('# Security audit: prod | eu (203.0.113.10)');
    expect(md).toContain('1 pass · 0 warn · 1 fail · 0 info');
    expect(md).toContain('| ❌ fail | Password logins | PasswordAuthentication yes | Run "Harden" in Skiff. |');
    expect(md).toContain('| ✅ pass | Firewall (ufw) | active |  |');
  });
  it('renders JSON that parses back to the report', () => {
    expect(JSON.parse(auditToJson(report))).toEqual(report);
  });
});
