// A small line diff for previews ("what will change"): unified-style, whole file as context,
// since Skiff's config files are a few dozen lines.

/** Longest-common-subsequence line diff: each line prefixed with ' ', '-' or '+'. */
export function lineDiff(before: string, after: string): string[] {
  const a = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const b = after === '' ? [] : after.replace(/\n$/, '').split('\n');
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) { out.push(` ${a[i]}`); i++; j++; }
    else if (lcs[i + 1][j] >= lcs[i][j + 1]) out.push(`-${a[i++]}`);
    else out.push(`+${b[j++]}`);
  }
  while (i < n) out.push(`-${a[i++]}`);
  while (j < m) out.push(`+${b[j++]}`);
  return out;
}

export function unifiedDiff(path: string, before: string | null, after: string): string {
  const header = before === null ? `--- /dev/null\n+++ ${path} (new file)` : `--- ${path} (now)\n+++ ${path} (after hardening)`;
  return `${header}\n${lineDiff(before ?? '', after).join('\n')}\n`;
}

/** A diff between two versions of one file, each side labelled (the drift check's "recorded → now"). */
export function unifiedDiffBetween(path: string, before: string, after: string, beforeLabel: string, afterLabel: string): string {
  return `--- ${path} (${beforeLabel})\n+++ ${path} (${afterLabel})\n${lineDiff(before, after).join('\n')}\n`;
}
