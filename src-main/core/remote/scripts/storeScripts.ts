// The server's content store (docs/deploy.md, "Delta uploads"): every file of every release on the
// server, once, named by its content's sha256 ("-x" when executable), owned by the deploy user in a
// folder only it can enter. A deploy asks which files the store lacks, uploads only those (checked
// by name and hash on arrival), and builds the release as hard links into the store: nothing is
// copied, and a file no release links to any more is pruned with the releases.
import type { ReleaseEntry } from '../../versions/inspectZip';
import { STORE_KEY, storeKey } from '../../versions/storeZip';
import { APPS_ROOT } from '../paths';
import { sh, type ShellText } from '../quote';

/** Inside the apps folder (the deploy user's, and the releases' file system, so links work). */
export const STORE = `${APPS_ROOT}/.store`;

/** Seconds the server may spend unpacking an upload into the store. */
export const STORE_UNPACK_TIMEOUT_S = 600;

/** Store files no release has linked to for this long are pruned (a deploy in flight keeps its own). */
export const STORE_PRUNE_MINUTES = 60;

/** The store keys a release needs, once each. */
export function storeKeys(entries: readonly ReleaseEntry[]): string[] {
  return [...new Set(entries.flatMap((e) => (e.kind === 'file' ? [storeKey(e)] : [])))];
}

/** Prints `missing=<key>` for each key the store lacks (builtins only: no process per key). */
export function storeMissingScript(keys: readonly string[]): ShellText {
  for (const k of keys) if (!STORE_KEY.test(k)) throw new Error(`not a store key: ${k}`);
  if (keys.length === 0) return sh`:`;
  return sh`for k in ${keys}; do [ -f ${STORE}/"$k" ] || echo "missing=$k"; done`;
}

/** Makes sure the store exists (the upload lands there) and asks it which keys it lacks. */
export function storeQueryScript(keys: readonly string[]): ShellText {
  return sh`install -d -m 700 ${STORE}
${storeMissingScript(keys)}`;
}

/**
 * Takes an uploaded store zip into the store: unpacked into a private folder (bounded in time and
 * size), every member a plain file named by a store key whose content has that sha256, `count` of
 * them, then moved in (a file another deploy put there meanwhile is kept as it is).
 */
export function receiveIntoStoreScript(o: { remote: string; count: number; maxBytes: number; jobId: string }): ShellText {
  const incoming = `${STORE}/.in-${o.jobId}`;
  const blocks = Math.ceil(o.maxBytes / 1024) + 1;
  return sh`store_in=${incoming}
rm -rf "$store_in"; mkdir -m 700 "$store_in"
trap 'rm -rf "$store_in"' EXIT
if ! ( ulimit -f ${blocks}; timeout ${STORE_UNPACK_TIMEOUT_S} unzip -o -q ${o.remote} -d "$store_in" </dev/null ); then rm -f ${o.remote}; echo "unzip of the upload failed or took longer than ${STORE_UNPACK_TIMEOUT_S} s; nothing was kept" >&2; exit 3; fi
rm -f ${o.remote}
if [ -n "$(find "$store_in" -mindepth 1 \\( ! -type f -o -path "$store_in/*/*" \\) -print -quit)" ]; then echo "the upload holds something other than plain files: nothing was kept" >&2; exit 3; fi
if find "$store_in" -type f -printf '%f\\n' | grep -qvE '^[0-9a-f]{64}(-x)?$'; then echo "the upload holds a file that is not named by its content: nothing was kept" >&2; exit 3; fi
n=$(find "$store_in" -type f | wc -l)
if [ "$n" -ne ${o.count} ]; then echo "the upload holds $n files where ${o.count} were sent: nothing was kept" >&2; exit 3; fi
if ! (cd "$store_in" && find . -type f -printf '%f\\0' | xargs -0r sha256sum --) | awk '{ if (substr($2, 1, 64) != $1) bad = 1 } END { exit bad }'; then echo "an uploaded file does not match its sha256: nothing was kept" >&2; exit 3; fi
find "$store_in" -type f -exec chmod 0644 {} +
find "$store_in" -type f -name '*-x' -exec chmod 0755 {} +
find "$store_in" -type f -exec mv -n -t ${STORE} -- {} +
rm -rf "$store_in"
trap - EXIT
echo "stored $n new files"`;
}

/** The assembler's input: "d <path>" for a folder, "f <key> <size> <path>" for a file. */
export function assemblyLines(entries: readonly ReleaseEntry[]): string {
  return entries.map((e) => (e.kind === 'dir' ? `d ${e.path}\n` : `f ${storeKey(e)} ${e.size} ${e.path}\n`)).join('');
}

/**
 * Builds a release folder of hard links into the store, from assembly lines on stdin. Every line is
 * data from the desktop and checked again here: a relative path without "." or ".." segments, a
 * store key, a size the store file has. The folder is new, so no path in it can be a link.
 */
export const ASSEMBLE_PY = String.raw`import os, re, stat, sys
store, dest = os.fsencode(sys.argv[1]), os.fsencode(sys.argv[2])
KEY = re.compile(rb'[0-9a-f]{64}(-x)?\Z')
def fail(why):
    sys.stderr.write('cannot build the release: %s\n' % why)
    sys.exit(3)
def checked(p):
    parts = p.split(b'/')
    if not p or len(p) > 4096 or b'\0' in p or any(x in (b'', b'.', b'..') for x in parts):
        fail('the path %r is not a plain relative path' % p)
    return p
os.mkdir(dest, 0o750)
files = size = 0
for raw in sys.stdin.buffer:
    line = raw.rstrip(b'\n')
    kind, _, rest = line.partition(b' ')
    if kind == b'd':
        os.makedirs(os.path.join(dest, checked(rest)), 0o750, exist_ok=True)
    elif kind == b'f':
        fields = rest.split(b' ', 2)
        if len(fields) != 3 or not KEY.match(fields[0]) or not fields[1].isdigit():
            fail('a line names no store file: %r' % line[:200])
        key, want, path = fields[0], int(fields[1]), checked(fields[2])
        try:
            st = os.lstat(os.path.join(store, key))
        except FileNotFoundError:
            fail('%s is missing from the store' % key.decode())
        if not stat.S_ISREG(st.st_mode) or st.st_size != want:
            fail('%s in the store is not the %d-byte file it should be' % (key.decode(), want))
        parent = os.path.dirname(path)
        if parent:
            os.makedirs(os.path.join(dest, parent), 0o750, exist_ok=True)
        os.link(os.path.join(store, key), os.path.join(dest, path))
        files += 1
        size += want
    else:
        fail('a line is neither a folder nor a file: %r' % line[:200])
print('linked %d files (%d bytes) from the store' % (files, size))
`;

/** Builds `dest` from the store (see ASSEMBLE_PY); the lines travel base64, as data. */
export function assembleScript(o: { dest: string; entries: readonly ReleaseEntry[] }): ShellText {
  const lines = Buffer.from(assemblyLines(o.entries)).toString('base64');
  return sh`printf '%s' ${lines} | base64 -d | python3 -c ${ASSEMBLE_PY} ${STORE} ${o.dest}`;
}

/**
 * Removes store files that no release links to any more (link count 1), once they are old enough;
 * that includes uploads and unpack folders a dropped connection or a killed job left behind.
 */
export function pruneStoreScript(): ShellText {
  return sh`if [ -d ${STORE} ]; then
  find ${STORE} -maxdepth 1 -type f -links 1 -mmin +${STORE_PRUNE_MINUTES} -delete
  find ${STORE} -mindepth 1 -maxdepth 1 -type d -name '.in-*' -mmin +${STORE_PRUNE_MINUTES} -exec rm -rf {} +
fi`;
}
