// The audit trail as a file a user keeps or shares: CSV (one row per line, spreadsheet-safe).
import type { TrailEntry } from './domain';

const COLUMNS: (keyof TrailEntry)[] = ['at', 'source', 'who', 'installation', 'jobId', 'jobKind', 'verb', 'target', 'args', 'outcome'];

/** Quotes a CSV field; a leading = + - @ is defused so a spreadsheet never runs it as a formula. */
function cell(v: unknown): string {
  let s = String(v ?? '');
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function trailToCsv(entries: TrailEntry[]): string {
  return [COLUMNS.join(','), ...entries.map((e) => COLUMNS.map((c) => cell(e[c])).join(','))].join('\n') + '\n';
}
