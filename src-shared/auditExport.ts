// The audit report as Markdown (to paste in a ticket) and JSON (for tools). Pure: used by the
// renderer's export buttons and by tests.
import type { AuditReport, AuditStatus } from './domain';

const ICON: Record<AuditStatus, string> = { pass: '✅ pass', warn: '⚠️ warn', fail: '❌ fail', info: 'ℹ️ info' };

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function auditToMarkdown(r: AuditReport): string {
  const lines = [
    `# Security audit: ${r.serverName} (${r.host})`,
    '',
    `${r.at} · ${r.summary.pass} pass · ${r.summary.warn} warn · ${r.summary.fail} fail · ${r.summary.info} info`,
    '',
    '| Status | Check | Found | Fix |',
    '| --- | --- | --- | --- |',
    ...r.items.map((i) => `| ${ICON[i.status]} | ${cell(i.title)} | ${cell(i.detail)} | ${cell(i.fix)} |`),
    '',
  ];
  return lines.join('\n');
}

export function auditToJson(r: AuditReport): string {
  return JSON.stringify(r, null, 2) + '\n';
}
