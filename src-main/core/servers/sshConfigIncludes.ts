// Reads an OpenSSH client config with its `Include` directives inlined, as ssh reads it: relative
// paths are under ~/.ssh, `~` is the home folder, globs expand in lexical order, patterns that match
// nothing are ignored, and nesting stops at 16 levels (ssh's own limit). Many configs keep their
// hosts in `Include config.d/*`, so without this the import would find none of them.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { SkiffError } from '../../../src-shared/errors';
import { expandTilde } from './sshConfig';

const MAX_DEPTH = 16;
const INCLUDE = /^\s*include(?:\s*=\s*|\s+)(.+?)\s*$/i;
const BLOCK = /^\s*(host|match)(?:\s*=\s*|\s+)\S/i;

/** Whitespace-separated words, double quotes grouping (as in ssh_config). */
function words(value: string): string[] {
  return [...value.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

function globToRegExp(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = segment.indexOf(']', i + 1);
      if (end < 0) { re += '\\['; continue; }
      const body = segment.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
      re += `[${body}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Files matching an absolute glob pattern, sorted; like glob(3), `*` does not match a leading dot. */
async function expandGlob(pattern: string): Promise<string[]> {
  let found = [path.parse(pattern).root];
  for (const segment of pattern.split(path.sep).filter(Boolean)) {
    if (!/[*?[]/.test(segment)) { found = found.map((d) => path.join(d, segment)); continue; }
    const re = globToRegExp(segment);
    const next: string[] = [];
    for (const dir of found) {
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const n of names) if (re.test(n) && (segment.startsWith('.') || !n.startsWith('.'))) next.push(path.join(dir, n));
    }
    found = next;
  }
  return found.sort();
}

function resolveIncludePath(p: string, home: string): string {
  const expanded = expandTilde(p, home);
  return path.isAbsolute(expanded) ? expanded : path.join(home, '.ssh', expanded);
}

async function inline(file: string, home: string, depth: number): Promise<string> {
  if (depth > MAX_DEPTH) {
    throw new SkiffError('SSH_CONFIG_UNREADABLE', { message: `${file}: Include nests deeper than ${MAX_DEPTH} levels (a loop?).` });
  }
  const text = await readFile(file, 'utf8');
  const out: string[] = [];
  let block: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (BLOCK.test(line)) block = line;
    const m = INCLUDE.exec(line);
    if (!m) { out.push(line); continue; }
    out.push(`# ${line.trim()}`);
    for (const pattern of words(m[1])) {
      for (const included of await expandGlob(resolveIncludePath(pattern, home))) {
        const body = await inline(included, home, depth + 1).catch((e) => {
          if (e instanceof SkiffError) throw e;
          return ''; // a matched file that cannot be read (a folder, say) adds nothing
        });
        // The included file may open Host blocks of its own; as in ssh, the context the Include
        // stood in (a Host/Match block, or the top level, which `Host *` matches) resumes after it.
        out.push(body, block ?? 'Host *');
      }
    }
  }
  return out.join('\n');
}

/** The config file's text with every Include replaced by the files it names. */
export function readSshConfigText(file: string, home: string): Promise<string> {
  return inline(file, home, 0);
}
