// What one entry may be: a regular file or folder with a safe, unambiguous name, stored or deflated,
// not encrypted, whose Unix mode (read whatever system made the zip, as unzip's mapattr() does), DOS
// attributes and Unicode Path field leave the server's unzip no room to write something else.
import { EXTRA, FLAG, refuse, showName, strictUtf8 } from './format';
import type { ZipEntry } from './readArchive';

export interface CheckedEntry extends ZipEntry {
  /** The decoded name, exactly as unzip will write it. */
  name: string;
  isDir: boolean;
  /** The Unix mode from the upper 16 bits of the external attributes; 0 when the zip carries none. */
  mode: number;
}

const S_IFMT = 0o170000;
const S_IFSOCK = 0o140000;
const S_IFLNK = 0o120000;
const S_IFREG = 0o100000;
const S_IFBLK = 0o060000;
const S_IFDIR = 0o040000;
const S_IFCHR = 0o020000;
const S_IFIFO = 0o010000;
const S_ISUID = 0o4000;
const S_ISGID = 0o2000;
const DOS_VOLUME_LABEL = 0x08;
const DOS_DIRECTORY = 0x10;
const UNIX = 3;
/** The newest "version needed to extract" Info-ZIP unzip 6.0 handles (zip64); it skips newer entries. */
const UNZIP_VERSION = 45;
const VMS = 2;

const METHODS: Record<number, string> = { 1: 'shrink', 6: 'implode', 9: 'deflate64', 12: 'bzip2', 14: 'LZMA', 93: 'Zstandard', 95: 'xz', 98: 'PPMd', 99: 'AES encryption' };

export function checkEntry(e: ZipEntry): CheckedEntry {
  checkSupported(e);
  const name = decodeName(e);
  const why = unsafeEntryName(name);
  if (why) throw refuse('VERSION_UNSAFE_PATH', `The zip entry "${e.shown}" ${why}.`);
  checkRenamedByUnzip(e, name);
  checkUnicodePaths(e);
  if (e.extraIds.has(EXTRA.asiUnix)) {
    throw refuse('VERSION_AMBIGUOUS', `The zip entry "${e.shown}" carries an old ASi Unix extra field, from which the server's unzip can take a file type (such as a link) that Skiff does not see.`);
  }
  return { ...e, name, ...checkType(e, name) };
}

/** Why `name` is not a plain relative path inside the app folder, or null when it is. */
export function unsafeEntryName(name: string): string | null {
  if (name.includes('\0')) return 'contains a NUL byte';
  if (/\p{Cc}/u.test(name)) return 'contains a control character';
  if (name.includes('\\')) return 'uses backslashes';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'is an absolute path';
  if (name === '') return 'has an empty name';
  const parts = (name.endsWith('/') ? name.slice(0, -1) : name).split('/');
  if (parts.some((part) => part === '..')) return 'climbs out of the folder with ".."';
  if (parts.some((part) => part === '')) return 'has an empty path part ("//")';
  if (parts.some((part) => part === '.')) return 'has a "." path part';
  if (parts.some((part) => Buffer.byteLength(part) > 255)) return 'has a path part longer than 255 bytes';
  return null;
}

function checkSupported(e: ZipEntry): void {
  if (e.flags & (FLAG.encrypted | FLAG.strongEncryption | FLAG.maskedHeaders)) {
    throw refuse('VERSION_UNSUPPORTED', `The zip entry "${e.shown}" is encrypted: Skiff cannot check what it holds.`);
  }
  if (e.method !== 0 && e.method !== 8) {
    const known = METHODS[e.method] ? ` (${METHODS[e.method]})` : '';
    throw refuse('VERSION_UNSUPPORTED', `The zip entry "${e.shown}" is compressed with method ${e.method}${known}; Skiff accepts only stored and deflate entries.`);
  }
  // unzip skips an entry whose "version needed" it does not support, or asks before a VMS one.
  const needed = e.versionNeeded & 0xff;
  if (needed > UNZIP_VERSION || e.versionNeeded >> 8 === VMS) {
    throw refuse('VERSION_UNSUPPORTED', `The zip entry "${e.shown}" says it needs zip version ${Math.floor(needed / 10)}.${needed % 10}${e.versionNeeded >> 8 === VMS ? ' for VMS' : ''} to unpack; the server's unzip would skip it.`);
  }
}

/**
 * Without the UTF-8 flag a non-ASCII name's encoding is a guess: unzip transcodes it from the DOS code
 * page (CP437) when the zip says it was made on DOS/Windows and keeps the raw bytes otherwise, and
 * other tools use their own locale. A zip made on Unix whose name bytes are valid UTF-8 is what
 * Info-ZIP zip 3.0 writes (`zip -r` on Linux): the server's unzip writes exactly those bytes, so it is
 * read as UTF-8; anything else non-ASCII is refused.
 */
function decodeName(e: ZipEntry): string {
  if (e.flags & FLAG.utf8) {
    try {
      return strictUtf8.decode(e.nameBytes);
    } catch {
      throw refuse('VERSION_AMBIGUOUS', `The zip entry "${e.shown}" is marked as UTF-8 but its name is not valid UTF-8: tools would each spell it differently.`);
    }
  }
  if (e.nameBytes.some((b) => b >= 0x80)) {
    if (e.madeByOs === UNIX) {
      try {
        return strictUtf8.decode(e.nameBytes);
      } catch { /* not UTF-8: refused below */ }
    }
    throw refuse('VERSION_AMBIGUOUS', `The zip entry "${e.shown}" has non-ASCII characters in its name without the UTF-8 flag: which characters they are depends on the tool (the server's unzip may read them as the DOS code page, CP437).`,
      'Rename the file with ASCII letters only, or zip with a tool that marks names as UTF-8 (for example 7-Zip with -mcu=on, or Python\'s zipfile).');
  }
  return e.nameBytes.toString('latin1');
}

/** unzip drops a trailing ";<digits>" from names (a VMS version number): "pocketbase;1" is written as "pocketbase". */
function checkRenamedByUnzip(e: ZipEntry, name: string): void {
  const part = name.split('/').find((p) => /;\d+$/.test(p));
  if (part) {
    throw refuse('VERSION_AMBIGUOUS', `The zip entry "${e.shown}" ends a name in ";${part.split(';').pop()}", which the server's unzip strips (it reads it as a VMS version number): it would write another name than Skiff checked.`);
  }
}

/** unzip writes the Unicode Path field's name (when its checksum fits) instead of the entry's own. */
function checkUnicodePaths(e: ZipEntry): void {
  for (const { where, data } of e.unicodePaths) {
    const path = data.subarray(5);
    if (data.length < 5 || data[0] !== 1) {
      throw refuse('VERSION_AMBIGUOUS', `The zip entry "${e.shown}" carries a malformed Unicode Path field in its ${where}: tools disagree on which name it has.`);
    }
    if (!path.equals(e.nameBytes)) {
      throw refuse('VERSION_AMBIGUOUS', `The zip entry "${e.shown}" carries a Unicode Path field in its ${where} naming "${showName(path)}": the server's unzip would write it under that name instead.`);
    }
  }
}

const SPECIAL: Record<number, string> = { [S_IFIFO]: 'a named pipe (FIFO)', [S_IFCHR]: 'a character device', [S_IFBLK]: 'a block device', [S_IFSOCK]: 'a socket' };

/**
 * The type comes from the Unix mode in the upper 16 bits whatever the "made by" system: unzip
 * honours those bits for zips made on FAT too (PKZip for Unix marks its zips that way).
 */
function checkType(e: ZipEntry, name: string): { isDir: boolean; mode: number } {
  const mode = e.externalAttr >>> 16;
  const type = mode & S_IFMT;
  const dos = e.externalAttr & 0xff;
  const isDir = name.endsWith('/');
  const it = `The zip entry "${e.shown}"`;
  if (type === S_IFLNK) {
    const note = e.madeByOs === UNIX ? '' : ' (its Unix mode says so, and unzip honours that even in a zip made on Windows or DOS)';
    throw refuse('VERSION_SYMLINK', `${it} is a symbolic link${note}.`);
  }
  if (SPECIAL[type]) throw refuse('VERSION_SPECIAL_FILE', `${it} is ${SPECIAL[type]}, not a regular file.`);
  if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) throw refuse('VERSION_AMBIGUOUS', `${it} has an unknown file type (mode 0o${mode.toString(8)}).`);
  if (mode & (S_ISUID | S_ISGID)) {
    const bits = [mode & S_ISUID ? 'setuid' : '', mode & S_ISGID ? 'setgid' : ''].filter(Boolean).join(' and ');
    throw refuse('VERSION_SPECIAL_FILE', `${it} has the ${bits} bit set (mode 0o${mode.toString(8)}): it would run with its owner's rights.`);
  }
  if (type === S_IFDIR && !isDir) throw refuse('VERSION_AMBIGUOUS', `${it} is marked as a folder in its mode, but its name does not end with "/" (unzip would write a file).`);
  if (type === S_IFREG && isDir) throw refuse('VERSION_AMBIGUOUS', `${it} is marked as a file in its mode, but its name ends with "/" (unzip would make a folder).`);
  if (dos & DOS_DIRECTORY && !isDir) throw refuse('VERSION_AMBIGUOUS', `${it} is marked as a folder in its DOS attributes, but its name does not end with "/" (unzip would write a file).`);
  if (dos & DOS_VOLUME_LABEL) throw refuse('VERSION_AMBIGUOUS', `${it} is marked as a disk volume label, which the server's unzip skips.`);
  if (isDir && e.uncompressedSize > 0) throw refuse('VERSION_AMBIGUOUS', `${it} is a folder but carries ${e.uncompressedSize} bytes of data, which unzip ignores.`);
  return { isDir, mode };
}
