// Which backups retention keeps (restic's --keep-last/--keep-daily/--keep-weekly, applied to each
// place a copy lives). Backups taken before a restore and archives are never pruned: they are
// what "nothing is ever lost" rests on.
import type { BackupKind, BackupSettings } from '../../../src-shared/domain';

export interface Dated { id: string; createdAt: string; kind: BackupKind }

const dayOf = (iso: string) => iso.slice(0, 10);

/** ISO week (Monday first) of a date, as "YYYY-Www". */
function weekOf(iso: string): string {
  const d = new Date(`${dayOf(iso)}T00:00:00Z`);
  const day = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - day + 3);
  const firstThursday = new Date(Date.UTC(d.getUTCFullYear(), 0, 4));
  const week = 1 + Math.round(((d.getTime() - firstThursday.getTime()) / 86400000 - 3 + ((firstThursday.getUTCDay() + 6) % 7)) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

export function backupsToKeep(list: Dated[], policy: Pick<BackupSettings, 'keepLast' | 'keepDaily' | 'keepWeekly'>): Set<string> {
  const keep = new Set(list.filter((b) => b.kind === 'pre-restore' || b.kind === 'archive').map((b) => b.id));
  const rotating = list.filter((b) => !keep.has(b.id)).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  rotating.slice(0, policy.keepLast).forEach((b) => keep.add(b.id));
  const newestPer = (bucket: (iso: string) => string, n: number) => {
    const seen = new Set<string>();
    for (const b of rotating) {
      const k = bucket(b.createdAt);
      if (seen.has(k)) continue;
      if (seen.size >= n) break;
      seen.add(k);
      keep.add(b.id);
    }
  };
  newestPer(dayOf, policy.keepDaily);
  newestPer(weekOf, policy.keepWeekly);
  return keep;
}
