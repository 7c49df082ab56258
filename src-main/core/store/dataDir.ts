// Privacy of Skiff's data folder: the folder is 0700 and every file Skiff writes in it 0600 on
// every host, whatever the umask. It holds server addresses, job logs that show remote output,
// app zips and downloaded pb_data backups (user records, password hashes): no other local
// account has any business reading them.
import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Options for fs writes that create a file (writeFile, appendFile, createWriteStream): 0600. */
export const privateFile = { mode: PRIVATE_FILE_MODE } as const;

/**
 * What Skiff itself keeps in the data folder. Only these are tightened at start: in Electron the
 * folder is userData, shared with Chromium's caches, which are not Skiff's to walk or touch.
 */
const SKIFF_ENTRIES = ['settings.json', 'apps.json', 'history.json', 'versions.json', 'backups.json', 'logs', 'versions', 'backups', 'cache'];

/**
 * Creates the data folder (and its parents) as 0700, chmods an existing one to 0700, and tightens
 * what an older Skiff (or a library that ignores modes) left there readable by others.
 */
export function prepareDataDir(dataDir: string): void {
  ensurePrivateDir(dataDir);
  for (const name of SKIFF_ENTRIES) tighten(path.join(dataDir, name));
  // The release cache is filled by code that creates its folder without a mode: made here first,
  // it is private from the start (what lands in it is tightened at the next start, see above).
  ensurePrivateDir(path.join(dataDir, 'cache'));
}

/** mkdir -p with 0700, and 0700 on the folder even when it already existed. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(dir, PRIVATE_DIR_MODE);
}

/** For a file a library created with its own mode (0644 under the usual umask): make it 0600. */
export function makePrivate(file: string): void {
  chmodSync(file, PRIVATE_FILE_MODE);
}

/** Folders 0700 and files 0600, recursively; symlinks are left alone (a chmod would follow them). */
function tighten(entry: string): void {
  let st;
  try {
    st = lstatSync(entry);
  } catch {
    return; // not there (yet): nothing to tighten
  }
  if (st.isSymbolicLink()) return;
  if (st.isDirectory()) {
    if ((st.mode & 0o777) !== PRIVATE_DIR_MODE) chmodSync(entry, PRIVATE_DIR_MODE);
    for (const child of readdirSync(entry)) tighten(path.join(entry, child));
  } else if (st.isFile() && (st.mode & 0o777) !== PRIVATE_FILE_MODE) {
    chmodSync(entry, PRIVATE_FILE_MODE);
  }
}
