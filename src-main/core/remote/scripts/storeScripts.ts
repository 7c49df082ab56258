// The server's content store (docs/deploy.md, "Delta uploads"): every file of every release on the
// server, once, named by its content's sha256 ("-x" when executable), owned by the deploy user in a
// folder only it can enter. A deploy asks which files the store lacks, uploads only those (checked
// by name and hash on arrival), and builds the release as hard links into the store: nothing is
// copied, and a file no release links to any more is pruned with the releases.
import type { ReleaseEntry } from '../../versions/inspectZip';
import { STORE_KEY, storeKey } from '../../versions/storeZip';
import { APPS_ROOT } from '../paths';
import { sh, shellQuote, type ShellText } from '../quote';

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

/** The keys, each checked to be a store key before it goes into a script. */
function checkedKeys(keys: readonly string[]): readonly string[] {
  for (const k of keys) if (!STORE_KEY.test(k)) throw new Error(`not a store key: ${k}`);
  return keys;
}

/** Prints `missing=<key>` for each key the store lacks (builtins only: no process per key). */
export function storeMissingScript(keys: readonly string[]): ShellText {
  checkedKeys(keys);
  if (keys.length === 0) return sh`:`;
  return sh`for k in ${keys}; do [ -f ${STORE}/"$k" ] || echo "missing=$k"; done`;
}

/** A job's hard links to the store files it counts on (see storeQueryScript). */
export function storeHold(jobId: string): string {
  return `${STORE}/.hold-${jobId}`;
}

/**
 * Makes sure the store exists (the upload lands there) and asks it which keys it lacks. With
 * `holdFor`, the files it has are hard-linked into that job's hold folder until its release is
 * built: another job pruning meanwhile (a file no release links to any more) cannot take a file
 * this job was told the store has. One `ln` for all of them.
 */
export function storeQueryScript(keys: readonly string[], holdFor?: string): ShellText {
  checkedKeys(keys);
  if (!holdFor) return sh`[ -d ${STORE} ] || install -d -m 700 ${STORE}
${storeMissingScript(keys)}`;
  const hold = storeHold(holdFor);
  return sh`[ -d ${STORE} ] || install -d -m 700 ${STORE}
held=()
for k in ${keys}; do if [ -f ${STORE}/"$k" ]; then held+=(${STORE}/"$k"); else echo "missing=$k"; fi; done
rm -rf ${hold}
if [ "\${#held[@]}" -gt 0 ]; then mkdir -m 700 ${hold} && ln -f -t ${hold} -- "\${held[@]}"; fi`;
}

/**
 * What a job uploaded into the store: `zip` (files packed as they are in the version's zip) and
 * `raw` (store keys sent as plain files, at `rawUploadPath`), `count` files in all.
 */
export interface StoreUpload { zip?: string; raw: readonly string[]; count: number; maxBytes: number; jobId: string }

/** Where a job's upload lands before the store takes it in: `<prefix>.zip`, and `<prefix>.<key>` for a file sent as itself. */
function uploadPrefix(jobId: string): string {
  return `${STORE}/.upload-${jobId}`;
}

export function zipUploadPath(jobId: string): string {
  return `${uploadPrefix(jobId)}.zip`;
}

export function rawUploadPath(jobId: string, key: string): string {
  return `${uploadPrefix(jobId)}.${checkedKeys([key])[0]}`;
}

/**
 * Gathers this job's upload in a private folder (the zip unpacked, bounded in time and size; the
 * raw files moved in), for STORE_PY to check and move into the store.
 */
function gatherUploadScript(o: StoreUpload, alsoRemoveOnFailure?: string): ShellText {
  const incoming = `${STORE}/.in-${o.jobId}`;
  const cleanup = ['rm -rf "$store_in"', ...(alsoRemoveOnFailure ? [shellQuote(alsoRemoveOnFailure)] : [])].join(' ');
  const blocks = Math.ceil(o.maxBytes / 1024) + 1;
  const unzip = o.zip
    ? sh`if ! ( ulimit -f ${blocks}; timeout ${STORE_UNPACK_TIMEOUT_S} unzip -o -q ${o.zip} -d "$store_in" </dev/null ); then rm -f ${o.zip}; echo "unzip of the upload failed or took longer than ${STORE_UNPACK_TIMEOUT_S} s; nothing was kept" >&2; exit 3; fi
rm -f ${o.zip}`
    : sh`:`;
  const raw = o.raw.length
    ? sh`for k in ${checkedKeys(o.raw)}; do mv -f -- ${uploadPrefix(o.jobId) + '.'}"$k" "$store_in/$k" 2>/dev/null || { echo "the upload of $k did not arrive: nothing was kept" >&2; exit 3; }; done`
    : sh`:`;
  return sh`store_in=${incoming}
rm -rf "$store_in"; mkdir -m 700 "$store_in"
trap ${cleanup} EXIT
${unzip}
${raw}`;
}

/** The assembler's input: "d <path>" for a folder, "f <key> <size> <path>" for a file. */
export function assemblyLines(entries: readonly ReleaseEntry[]): string {
  return entries.map((e) => (e.kind === 'dir' ? `d ${e.path}\n` : `f ${storeKey(e)} ${e.size} ${e.path}\n`)).join('');
}

/**
 * The store's one program (one process where bash took a dozen: each costs ~40 ms on a slow
 * server). `build STORE DEST` builds a release folder of hard links into the store from assembly
 * lines on stdin; `take-build STORE INCOMING COUNT DEST` first takes an upload in: every member a
 * plain file named by a store key whose content has that sha256, `count` of them, moved into the
 * store (a file another deploy put there meanwhile is kept as it is), nothing kept unless all of it
 * checks. Every line is data from the desktop and checked again here: a
 * relative path without "." or ".." segments, a store key, a size the store file has. The folder
 * is new, so no path in it can be a link.
 */
export const STORE_PY = String.raw`import hashlib, os, re, stat, sys
KEY = re.compile(rb'[0-9a-f]{64}(-x)?\Z')
def fail(why):
    sys.stderr.write(why + '\n')
    sys.exit(3)
def take(store, incoming, count):
    names = os.listdir(incoming)
    for n in names:
        if not stat.S_ISREG(os.lstat(os.path.join(incoming, n)).st_mode):
            fail('the upload holds something other than plain files: nothing was kept')
        if not KEY.match(n):
            fail('the upload holds a file that is not named by its content: nothing was kept')
    if len(names) != count:
        fail('the upload holds %d files where %d were sent: nothing was kept' % (len(names), count))
    for n in names:
        h = hashlib.sha256()
        with open(os.path.join(incoming, n), 'rb') as f:
            for chunk in iter(lambda: f.read(1 << 20), b''):
                h.update(chunk)
        if h.hexdigest().encode() != n[:64]:
            fail('an uploaded file does not match its sha256: nothing was kept')
    for n in names:
        p = os.path.join(incoming, n)
        os.chmod(p, 0o755 if n.endswith(b'-x') else 0o644)
        try:
            os.link(p, os.path.join(store, n))
        except FileExistsError:
            pass
        os.unlink(p)
    os.rmdir(incoming)
    print('stored %d new files' % len(names))
def checked(p):
    parts = p.split(b'/')
    if not p or len(p) > 4096 or b'\0' in p or any(x in (b'', b'.', b'..') for x in parts):
        fail('cannot build the release: the path %r is not a plain relative path' % p)
    return p
def build(store, dest):
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
                fail('cannot build the release: a line names no store file: %r' % line[:200])
            key, want, path = fields[0], int(fields[1]), checked(fields[2])
            try:
                st = os.lstat(os.path.join(store, key))
            except FileNotFoundError:
                fail('cannot build the release: %s is missing from the store' % key.decode())
            if not stat.S_ISREG(st.st_mode) or st.st_size != want:
                fail('cannot build the release: %s in the store is not the %d-byte file it should be' % (key.decode(), want))
            parent = os.path.dirname(path)
            if parent:
                os.makedirs(os.path.join(dest, parent), 0o750, exist_ok=True)
            os.link(os.path.join(store, key), os.path.join(dest, path))
            files += 1
            size += want
        else:
            fail('cannot build the release: a line is neither a folder nor a file: %r' % line[:200])
    print('linked %d files (%d bytes) from the store' % (files, size))
mode, store = sys.argv[1], os.fsencode(sys.argv[2])
if mode not in ('build', 'take-build'):
    fail('unknown mode %r' % mode)
if mode == 'take-build':
    take(store, os.fsencode(sys.argv[3]), int(sys.argv[4]))
build(store, os.fsencode(sys.argv[-1]))
`;

/** Builds `dest` from the store (see STORE_PY); the lines travel base64, as data. */
export function assembleScript(o: { dest: string; entries: readonly ReleaseEntry[] }): ShellText {
  const lines = Buffer.from(assemblyLines(o.entries)).toString('base64');
  return sh`printf '%s' ${lines} | base64 -d | python3 -c ${STORE_PY} build ${STORE} ${o.dest}`;
}

/**
 * Takes this job's upload into the store and builds `dest` from it, in one python run. On failure
 * the upload and `dest` are removed; on success the caller clears the trap once `dest` is in place.
 */
export function takeAndAssembleScript(o: { upload: StoreUpload; dest: string; entries: readonly ReleaseEntry[] }): ShellText {
  const lines = Buffer.from(assemblyLines(o.entries)).toString('base64');
  return sh`${gatherUploadScript(o.upload, o.dest)}
printf '%s' ${lines} | base64 -d | python3 -c ${STORE_PY} take-build ${STORE} "$store_in" ${o.upload.count} ${o.dest}`;
}

/**
 * Removes store files that no release links to any more (link count 1), once they are old enough;
 * that includes uploads, unpack folders and holds a dropped connection or a killed job left behind.
 */
export function pruneStoreScript(): ShellText {
  return sh`if [ -d ${STORE} ]; then
  find ${STORE} -maxdepth 1 -type f -links 1 -mmin +${STORE_PRUNE_MINUTES} -delete
  find ${STORE} -mindepth 1 -maxdepth 1 -type d \\( -name '.in-*' -o -name '.hold-*' \\) -mmin +${STORE_PRUNE_MINUTES} -exec rm -rf {} +
fi`;
}
