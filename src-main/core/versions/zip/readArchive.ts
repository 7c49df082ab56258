// Reads a zip's structure the way Info-ZIP unzip will, and refuses every layout where another reader
// (or Skiff) could see different entries: one end record, at the very end; a central directory read
// by its size (not its entry count) that ends exactly where the end record starts; then hands the
// entries to localHeaders.ts, which checks each local header and how the entries tile the file.
import { SkiffError } from '../../../../src-shared/errors';
import type { FileWindow } from './fileWindow';
import { readLocalHeaders } from './localHeaders';
import {
  applyZip64, CENTRAL_SIZE, damaged, decodeCentral, decodeEocd, decodeExtras, decodeZip64Eocd, decodeZip64Locator, EOCD_SIZE, EXTRA,
  MAX_NAME_BYTES, refuse, showName, SIG, U16_MAX, U32_MAX, unicodePath, ZIP64_EOCD_SIZE, ZIP64_LOCATOR_SIZE,
  type CentralRecord, type Eocd, type ExtraField, type UnicodePath,
} from './format';

export interface ZipEntry {
  /** Position in the central directory (0-based): unzip's order. */
  index: number;
  nameBytes: Buffer;
  /** The name as a user can read it, for messages. */
  shown: string;
  madeByOs: number;
  versionNeeded: number;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  externalAttr: number;
  localOffset: number;
  /** Where the compressed data starts, after the local header. */
  dataOffset: number;
  /** Where this entry's bytes end: its data, plus its data descriptor if it has one. */
  recordEnd: number;
  /** Info-ZIP Unicode Path fields (0x7075) found in either header. */
  unicodePaths: UnicodePath[];
  /** Ids of the extra fields in either header. */
  extraIds: Set<number>;
}

interface Directory {
  cdOffset: number;
  cdSize: number;
  totalEntries: number;
  /** Where the directory must end: the zip64 end record if there is one, else the end record. */
  mustEndAt: number;
}

/** Every entry, in central-directory order, each checked against its local header and its neighbours. */
export async function readArchive(file: FileWindow, opts: { maxEntries: number }): Promise<ZipEntry[]> {
  const end = await findEnd(file);
  const dir = await locateDirectory(file, end.at, end.eocd);
  if (dir.totalEntries > opts.maxEntries) {
    throw new SkiffError('VERSION_TOO_MANY_ENTRIES', { message: `The zip has ${dir.totalEntries} entries; Skiff allows ${opts.maxEntries}.` });
  }
  const cdEnd = dir.cdOffset + dir.cdSize;
  if (cdEnd !== dir.mustEndAt) {
    // unzip treats the difference as bytes prepended to the zip and shifts every offset by it; a
    // reader that does not would read other bytes as the entries.
    throw refuse('VERSION_AMBIGUOUS', `The zip's central directory ends at byte ${cdEnd} but its end record starts at byte ${dir.mustEndAt}: ${Math.abs(dir.mustEndAt - cdEnd)} bytes are unaccounted for (data was added in front of or inside the zip, as in a self-extractor, or the zip was tampered with).`);
  }
  const entries = await readCentralDirectory(file, dir, opts.maxEntries);
  if (entries.length !== dir.totalEntries) {
    const hidden = entries.length > dir.totalEntries ? ` (the first one past the count is "${entries[dir.totalEntries]!.shown}")` : '';
    throw refuse('VERSION_AMBIGUOUS', `The zip's end record says it holds ${dir.totalEntries} entries but its central directory lists ${entries.length}${hidden}: unzip unpacks all ${entries.length}, other tools only ${dir.totalEntries}.`);
  }
  await readLocalHeaders(file, entries, dir.cdOffset);
  return entries;
}

const EOCD_SIG = Buffer.from([0x50, 0x4b, 0x05, 0x06]);

/**
 * The end record unzip uses is the LAST signature in the file. Refused: a signature whose comment
 * does not reach exactly the end of the file (data appended, or a stray signature in the comment),
 * and an earlier end record whose comment would also reach the end (one record hidden in another's
 * comment: readers that search forwards, or check comment lengths, pick the other one).
 */
async function findEnd(file: FileWindow): Promise<{ at: number; eocd: Eocd }> {
  if (file.size < EOCD_SIZE) throw new SkiffError('VERSION_NOT_ZIP', { detail: 'The file is too small to be a zip.' });
  const tailStart = Math.max(0, file.size - (EOCD_SIZE + U16_MAX));
  const tail = await file.read(tailStart, file.size - tailStart);
  const last = tail.lastIndexOf(EOCD_SIG, tail.length - 4);
  if (last < 0) throw new SkiffError('VERSION_NOT_ZIP', { detail: 'No end-of-central-directory record.' });
  const at = tailStart + last;
  const eocd = last + EOCD_SIZE <= tail.length ? decodeEocd(tail, last) : undefined;
  if (!eocd || at + EOCD_SIZE + eocd.commentLength !== file.size) {
    throw refuse('VERSION_AMBIGUOUS', `The zip's last end record (at byte ${at}) does not reach exactly to the end of the file: there is data after the zip, or an end-record signature inside the zip comment. Zip tools disagree on where such a zip ends.`);
  }
  for (let i = previousSignature(tail, last); i >= 0; i = previousSignature(tail, i)) {
    if (tailStart + i + EOCD_SIZE + tail.readUInt16LE(i + 20) === file.size) {
      throw refuse('VERSION_AMBIGUOUS', `The zip comment contains a second end record (at byte ${at}): unzip reads the last one, other tools the first, and they may list different entries.`);
    }
  }
  return { at, eocd };
}

/** The end-record signature before byte `before`, or -1 (a negative offset would search from the end). */
function previousSignature(tail: Buffer, before: number): number {
  return before <= 0 ? -1 : tail.lastIndexOf(EOCD_SIG, before - 1);
}

function multiDisk(detail: string): SkiffError {
  return refuse('VERSION_UNSUPPORTED', `The zip says it is part of an archive split over several disks (${detail}). Skiff accepts single-file zips only.`);
}

function checkSingleDisk(disk: number, cdDisk: number, diskEntries: number, totalEntries: number): void {
  if (disk !== 0 || cdDisk !== 0) throw multiDisk(`this is disk ${disk}, its directory starts on disk ${cdDisk}`);
  if (diskEntries !== totalEntries) throw multiDisk(`${diskEntries} of its ${totalEntries} entries are on this disk`);
}

async function locateDirectory(file: FileWindow, at: number, eocd: Eocd): Promise<Directory> {
  const locator = at >= ZIP64_LOCATOR_SIZE ? await file.read(at - ZIP64_LOCATOR_SIZE, ZIP64_LOCATOR_SIZE) : undefined;
  if (!locator || locator.readUInt32LE(0) !== SIG.zip64Locator) {
    checkSingleDisk(eocd.disk, eocd.cdDisk, eocd.diskEntries, eocd.totalEntries);
    if (eocd.cdSize === U32_MAX || eocd.cdOffset === U32_MAX) throw damaged('its end record points to a zip64 end record that is missing');
    return { cdOffset: eocd.cdOffset, cdSize: eocd.cdSize, totalEntries: eocd.totalEntries, mustEndAt: at };
  }
  const loc = decodeZip64Locator(locator);
  if (loc.eocdDisk !== 0 || loc.totalDisks > 1) throw multiDisk(`its zip64 locator counts ${loc.totalDisks} disks`);
  const recordEnd = at - ZIP64_LOCATOR_SIZE;
  if (loc.eocdOffset + ZIP64_EOCD_SIZE > recordEnd) throw damaged('its zip64 end record is not where its locator says');
  const head = await file.read(loc.eocdOffset, ZIP64_EOCD_SIZE);
  if (head.readUInt32LE(0) !== SIG.zip64Eocd) throw damaged('its zip64 end record is not where its locator says');
  const z = decodeZip64Eocd(head);
  if (loc.eocdOffset + 12 + z.recordSize !== recordEnd) {
    throw refuse('VERSION_AMBIGUOUS', `The zip's zip64 end record does not end where its locator starts (${Math.abs(recordEnd - loc.eocdOffset - 12 - z.recordSize)} bytes unaccounted for).`);
  }
  checkSingleDisk(z.disk, z.cdDisk, z.diskEntries, z.totalEntries);
  // Each classic field must hold the "see zip64" marker or the same value as the zip64 record: a
  // reader that ignores zip64 would otherwise find another directory, or another entry count.
  const pairs: [string, number, number, number][] = [
    ['disk number', eocd.disk, U16_MAX, z.disk],
    ['directory disk', eocd.cdDisk, U16_MAX, z.cdDisk],
    ['entry count on this disk', eocd.diskEntries, U16_MAX, z.diskEntries],
    ['entry count', eocd.totalEntries, U16_MAX, z.totalEntries],
    ['directory size', eocd.cdSize, U32_MAX, z.cdSize],
    ['directory offset', eocd.cdOffset, U32_MAX, z.cdOffset],
  ];
  for (const [what, classic, marker, wide] of pairs) {
    if (classic !== marker && classic !== wide) {
      throw refuse('VERSION_AMBIGUOUS', `The zip's end record and its zip64 end record disagree on the ${what} (${classic} and ${wide}).`);
    }
  }
  return { cdOffset: z.cdOffset, cdSize: z.cdSize, totalEntries: z.totalEntries, mustEndAt: loc.eocdOffset };
}

/** Walks the directory by its byte size, so entries an understated count would hide are found. */
async function readCentralDirectory(file: FileWindow, dir: Directory, maxEntries: number): Promise<ZipEntry[]> {
  const entries: ZipEntry[] = [];
  const end = dir.cdOffset + dir.cdSize;
  for (let at = dir.cdOffset; at < end; ) {
    const fixed = end - at >= CENTRAL_SIZE ? await file.read(at, CENTRAL_SIZE) : undefined;
    if (fixed?.readUInt32LE(0) !== SIG.central) {
      if (entries.length === 0) throw damaged('its central directory does not start with an entry');
      throw refuse('VERSION_AMBIGUOUS', `The zip's central directory has ${end - at} bytes after its last entry ("${entries[entries.length - 1]!.shown}") that are not an entry.`);
    }
    if (entries.length === maxEntries) throw new SkiffError('VERSION_TOO_MANY_ENTRIES', { message: `The zip has more than ${maxEntries} entries; Skiff allows ${maxEntries}.` });
    const rec = decodeCentral(fixed);
    const varLength = rec.nameLength + rec.extraLength + rec.commentLength;
    if (at + CENTRAL_SIZE + varLength > end) throw damaged(`entry ${entries.length + 1} of its central directory runs past the directory's end`);
    entries.push(centralEntry(entries.length, rec, await file.read(at + CENTRAL_SIZE, varLength)));
    at += CENTRAL_SIZE + varLength;
  }
  return entries;
}

function centralEntry(index: number, rec: CentralRecord, rest: Buffer): ZipEntry {
  const nameBytes = Buffer.from(rest.subarray(0, rec.nameLength));
  const shown = showName(nameBytes);
  if (rec.nameLength > MAX_NAME_BYTES) {
    throw refuse('VERSION_UNSAFE_PATH', `The zip entry "${shown.slice(0, 80)}…" has a name longer than ${MAX_NAME_BYTES} bytes.`);
  }
  const where = `the central record of the zip entry "${shown}"`;
  const extras = decodeExtras(rest.subarray(rec.nameLength, rec.nameLength + rec.extraLength), where);
  const sizes = applyZip64({ uncompressedSize: rec.uncompressedSize, compressedSize: rec.compressedSize, localOffset: rec.localOffset, diskStart: rec.diskStart }, extras, where);
  if (sizes.diskStart !== 0) throw refuse('VERSION_UNSUPPORTED', `The zip entry "${shown}" is on disk ${sizes.diskStart} of an archive split over several disks. Skiff accepts single-file zips only.`);
  checkCentralZip64(rec, extras, shown);
  return {
    index,
    nameBytes,
    shown,
    madeByOs: rec.madeByOs,
    versionNeeded: rec.versionNeeded,
    flags: rec.flags,
    method: rec.method,
    crc: rec.crc,
    compressedSize: sizes.compressedSize,
    uncompressedSize: sizes.uncompressedSize,
    externalAttr: rec.externalAttr,
    localOffset: sizes.localOffset ?? rec.localOffset,
    dataOffset: 0,
    recordEnd: 0,
    unicodePaths: unicodePath(extras, 'central directory', shown),
    extraIds: new Set(extras.map((f) => f.id)),
  };
}

/**
 * unzip's getZip64Data() reads a central zip64 field's sizes when they are marked in the central
 * record OR in the local header it read last (a flag left over from an earlier entry). With both
 * sizes marked that changes nothing. Otherwise the field is only unambiguous in the form Info-ZIP
 * `zip -fz` writes: the size alone, 8 bytes, last in the block, so a leftover read of the compressed
 * size runs past the end and is dropped instead of taking bytes Skiff reads as something else.
 */
function checkCentralZip64(rec: CentralRecord, extras: ExtraField[], shown: string): void {
  const at = extras.findIndex((f) => f.id === EXTRA.zip64);
  if (at < 0 || (rec.uncompressedSize === U32_MAX && rec.compressedSize === U32_MAX)) return;
  const sizeOnly = rec.uncompressedSize === U32_MAX && rec.localOffset !== U32_MAX && rec.diskStart !== U16_MAX;
  if (!sizeOnly || extras[at]!.data.length !== 8 || at !== extras.length - 1) {
    throw refuse('VERSION_AMBIGUOUS', `The zip entry "${shown}" has a zip64 field in its central record that Info-ZIP unzip can read at other positions than Skiff does (its sizes are not both marked as zip64).`);
  }
}

