// A drift check's findings as audit items, so the security audit reports Skiff's own config drift.
import type { AuditItem, DriftFinding } from '../../../src-shared/domain';

const FIX: Record<NonNullable<DriftFinding['fix']>, string> = {
  harden: 'Open "Harden": its preview shows what it puts back.',
  reapply: 'Open Drift on the server page and choose "Re-apply" (or "Adopt" to keep the change).',
  setup: 'Run "Set up" again as root.',
};

export function driftAuditItems(findings: DriftFinding[]): AuditItem[] {
  const changes = findings.filter((f) => f.category !== 'unchanged');
  if (!changes.length) {
    return [{ id: 'drift.clean', category: 'drift', title: "Skiff's configuration", status: 'pass', detail: `no drift: ${findings.length} file(s) as Skiff wrote them`, fix: '' }];
  }
  return changes.map((f) => ({
    id: `drift.${f.id}`,
    category: 'drift',
    title: `Drift: ${f.subject}`,
    status: f.area === 'sshd' || f.area === 'firewall' || f.category === 'missing' ? 'fail' : f.category === 'unknown' && !f.fix ? 'info' : 'warn',
    detail: `${f.category}: ${f.detail}`,
    fix: f.fix ? FIX[f.fix] : f.canAdopt ? FIX.reapply : '',
  }));
}
