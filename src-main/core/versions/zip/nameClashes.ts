// Names that land on the same path: exact duplicates (unzip asks "replace?", or silently overwrites
// with -o), names equal ignoring case or Unicode normalisation (one file on case-insensitive or
// normalising file systems), and a path that is both a file and a folder ("a" and "a/b").
import { refuse } from './format';

export interface NamedEntry {
  name: string;
  isDir: boolean;
}

interface Claim {
  /** The path as spelled by the entry that first claimed it. */
  spelling: string;
  kind: 'file' | 'dir';
  /** False for a folder only implied by a deeper entry ("a" for "a/b"). */
  explicit: boolean;
  entry: string;
}

const RENAME = 'Rename one of the two so that their names differ by more than letter case or Unicode form, then zip again.';

/** The key two paths share when some file system would make them one. */
function fold(path: string): string {
  // ASCII is its own NFC form; skipping normalize() keeps 20 000 names fast.
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(path) ? path.toLowerCase() : path.normalize('NFC').toLowerCase();
}

export function checkNameClashes(entries: NamedEntry[]): void {
  const claims = new Map<string, Claim>();
  const claim = (spelling: string, kind: Claim['kind'], explicit: boolean, entry: string): void => {
    const key = fold(spelling);
    const prev = claims.get(key);
    if (!prev) {
      claims.set(key, { spelling, kind, explicit, entry });
      return;
    }
    clash(prev, { spelling, kind, explicit, entry });
    if (explicit) claims.set(key, { spelling, kind, explicit, entry });
  };
  for (const e of entries) {
    const parts = (e.isDir ? e.name.slice(0, -1) : e.name).split('/');
    for (let i = 1; i < parts.length; i++) claim(parts.slice(0, i).join('/'), 'dir', false, e.name);
    claim(parts.join('/'), e.isDir ? 'dir' : 'file', true, e.name);
  }
}

/** Two claims on one folded path are fine only when both are the same folder, at most one listed explicitly. */
function clash(a: Claim, b: Claim): void {
  const both = `The zip entries "${a.entry}" and "${b.entry}"`;
  if (a.spelling !== b.spelling) {
    const nfcEqual = a.spelling.normalize('NFC') === b.spelling.normalize('NFC');
    const how = nfcEqual ? 'are the same name written in two Unicode forms (NFC and NFD)' : 'differ only in upper/lower case';
    throw refuse('VERSION_AMBIGUOUS', `${both} ${how} ("${a.spelling}" and "${b.spelling}"): on many file systems they are one file, and which one wins depends on the tool.`, RENAME);
  }
  if (a.kind !== b.kind) {
    throw refuse('VERSION_AMBIGUOUS', `${both} make "${a.spelling}" both a file and a folder: unzip cannot write both.`, 'Rename the file or the folder, then zip again.');
  }
  if (a.kind === 'file' || (a.explicit && b.explicit)) {
    throw refuse('VERSION_AMBIGUOUS', `The zip lists "${b.entry}" twice: unzip would write one over the other (or stop to ask).`, 'Re-create the zip with a standard tool (zip -r, 7-Zip, Finder/Explorer) from your app folder.');
  }
}
