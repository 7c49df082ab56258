// The byte layouts of the zip records Skiff reads (PKWARE APPNOTE 6.3), decoded from Buffers, plus
// the small helpers every zip module shares (refusals, printable names). No file I/O here.
import { SkiffError, type ErrorCode } from '../../../../src-shared/errors';

export const SIG = {
  local: 0x04034b50,
  central: 0x02014b50,
  eocd: 0x06054b50,
  zip64Eocd: 0x06064b50,
  zip64Locator: 0x07064b50,
  descriptor: 0x08074b50,
} as const;

export const LOCAL_SIZE = 30;
export const CENTRAL_SIZE = 46;
export const EOCD_SIZE = 22;
export const ZIP64_LOCATOR_SIZE = 20;
/** Fixed part of the zip64 end record (its "size" field counts the bytes after its first 12). */
export const ZIP64_EOCD_SIZE = 56;
export const U16_MAX = 0xffff;
export const U32_MAX = 0xffffffff;

export const EXTRA = { zip64: 0x0001, unicodePath: 0x7075, asiUnix: 0x756e } as const;

/** Longer names are refused: unzip truncates names near PATH_MAX, and it bounds what Skiff keeps in memory. */
export const MAX_NAME_BYTES = 1024;

export const FLAG = { encrypted: 1 << 0, descriptor: 1 << 3, strongEncryption: 1 << 6, utf8: 1 << 11, maskedHeaders: 1 << 13 } as const;

export function refuse(code: ErrorCode, message: string, fix?: string): SkiffError {
  return new SkiffError(code, { message, ...(fix ? { fix } : {}) });
}

/** `text` with its first letter in upper case, for messages built from a "where" phrase. */
export function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Damaged structure: what a zip tool could not read at all. */
export function damaged(what: string): SkiffError {
  return refuse('VERSION_NOT_ZIP', `The file is not a readable zip: ${what}.`, 'Re-create the zip with a standard tool (zip -r, 7-Zip, Finder/Explorer) and copy it again.');
}

/** Refuses invalid UTF-8 (fatal) and keeps a leading BOM as part of the name (ignoreBOM). */
export const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * An entry name as a user can read it in a message: UTF-8 when it is valid UTF-8, other bytes as
 * \xNN, control characters escaped, so a hostile name cannot garble the message it appears in.
 */
export function showName(bytes: Buffer): string {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    text = [...bytes].map((b) => (b < 0x80 ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`)).join('');
  }
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A 64-bit field as a number; values past 2^53 are not exact, but are far past any file's end. */
function u64(b: Buffer, at: number): number {
  return Number(b.readBigUInt64LE(at));
}

export interface Eocd {
  disk: number;
  cdDisk: number;
  diskEntries: number;
  totalEntries: number;
  cdSize: number;
  cdOffset: number;
  commentLength: number;
}

export function decodeEocd(b: Buffer, at: number): Eocd {
  return {
    disk: b.readUInt16LE(at + 4),
    cdDisk: b.readUInt16LE(at + 6),
    diskEntries: b.readUInt16LE(at + 8),
    totalEntries: b.readUInt16LE(at + 10),
    cdSize: b.readUInt32LE(at + 12),
    cdOffset: b.readUInt32LE(at + 16),
    commentLength: b.readUInt16LE(at + 20),
  };
}

export interface Zip64Locator {
  eocdDisk: number;
  eocdOffset: number;
  totalDisks: number;
}

export function decodeZip64Locator(b: Buffer): Zip64Locator {
  return { eocdDisk: b.readUInt32LE(4), eocdOffset: u64(b, 8), totalDisks: b.readUInt32LE(16) };
}

export interface Zip64Eocd {
  /** Bytes after the signature and this size field. */
  recordSize: number;
  disk: number;
  cdDisk: number;
  diskEntries: number;
  totalEntries: number;
  cdSize: number;
  cdOffset: number;
}

export function decodeZip64Eocd(b: Buffer): Zip64Eocd {
  return {
    recordSize: u64(b, 4),
    disk: b.readUInt32LE(16),
    cdDisk: b.readUInt32LE(20),
    diskEntries: u64(b, 24),
    totalEntries: u64(b, 32),
    cdSize: u64(b, 40),
    cdOffset: u64(b, 48),
  };
}

export interface ExtraField {
  id: number;
  data: Buffer;
}

/**
 * Splits an extra field block into its records. A record whose length runs past the block is
 * refused: unzip stops reading there while other readers do not, so they would see different
 * fields. Fewer than 4 trailing bytes (alignment padding) are ignored by every reader.
 */
export function decodeExtras(block: Buffer, where: string): ExtraField[] {
  const hex = (id: number) => `0x${id.toString(16).padStart(4, '0')}`;
  const fields: ExtraField[] = [];
  let at = 0;
  while (block.length - at >= 4) {
    const id = block.readUInt16LE(at);
    const len = block.readUInt16LE(at + 2);
    if (at + 4 + len > block.length) throw refuse('VERSION_AMBIGUOUS', `${sentence(where)} has a malformed extra field (field ${hex(id)} runs past the end of the block).`);
    fields.push({ id, data: Buffer.from(block.subarray(at + 4, at + 4 + len)) });
    at += 4 + len;
  }
  // Two copies of a field Skiff or unzip acts on: which one wins depends on the reader.
  for (const id of Object.values(EXTRA)) {
    if (fields.filter((f) => f.id === id).length > 1) throw refuse('VERSION_AMBIGUOUS', `${sentence(where)} has two extra fields ${hex(id)}: zip tools differ on which one counts.`);
  }
  return fields;
}

export interface UnicodePath {
  where: 'central directory' | 'local header';
  /** The field's data: version, CRC-32 of the header name, UTF-8 name. */
  data: Buffer;
}

/** The Info-ZIP Unicode Path field (0x7075) among `extras`, kept for the entry rules to compare. */
export function unicodePath(extras: ExtraField[], where: UnicodePath['where'], shown: string): UnicodePath[] {
  const field = extras.find((f) => f.id === EXTRA.unicodePath);
  if (!field) return [];
  // Version, CRC and a name: one longer than any name Skiff accepts names another file for sure.
  if (field.data.length > 5 + MAX_NAME_BYTES) throw refuse('VERSION_AMBIGUOUS', `The zip entry "${shown}" has a Unicode Path field (in its ${where}) naming a different, overlong file.`);
  return [{ where, data: field.data }];
}

export interface Sizes {
  uncompressedSize: number;
  compressedSize: number;
  localOffset?: number;
  diskStart?: number;
}

/**
 * Replaces the 32-bit size/offset fields that hold the "see zip64" marker (0xFFFFFFFF, or 0xFFFF for
 * the disk) with the zip64 extra field's values, which appear in that fixed order and only for the
 * marked fields — the rule unzip's getZip64Data() follows.
 */
export function applyZip64(sizes: Sizes, extras: ExtraField[], where: string): Sizes {
  const field = extras.find((f) => f.id === EXTRA.zip64);
  const marked = {
    uncompressedSize: sizes.uncompressedSize === U32_MAX,
    compressedSize: sizes.compressedSize === U32_MAX,
    localOffset: sizes.localOffset === U32_MAX,
    diskStart: sizes.diskStart === U16_MAX,
  };
  if (!Object.values(marked).some(Boolean)) return sizes;
  if (!field) throw damaged(`${where} says its sizes are in a zip64 field but has none`);
  const out = { ...sizes };
  let at = 0;
  const take = (n: 4 | 8): number => {
    if (at + n > field.data.length) throw damaged(`${where} has a zip64 field too short for the sizes it should hold`);
    const v = n === 8 ? u64(field.data, at) : field.data.readUInt32LE(at);
    at += n;
    return v;
  };
  if (marked.uncompressedSize) out.uncompressedSize = take(8);
  if (marked.compressedSize) out.compressedSize = take(8);
  if (marked.localOffset) out.localOffset = take(8);
  if (marked.diskStart) out.diskStart = take(4);
  return out;
}

export interface CentralRecord {
  madeByOs: number;
  versionNeeded: number;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  nameLength: number;
  extraLength: number;
  commentLength: number;
  diskStart: number;
  externalAttr: number;
  localOffset: number;
}

export function decodeCentral(b: Buffer): CentralRecord {
  return {
    madeByOs: b[5]!,
    versionNeeded: b.readUInt16LE(6),
    flags: b.readUInt16LE(8),
    method: b.readUInt16LE(10),
    crc: b.readUInt32LE(16),
    compressedSize: b.readUInt32LE(20),
    uncompressedSize: b.readUInt32LE(24),
    nameLength: b.readUInt16LE(28),
    extraLength: b.readUInt16LE(30),
    commentLength: b.readUInt16LE(32),
    diskStart: b.readUInt16LE(34),
    externalAttr: b.readUInt32LE(38),
    localOffset: b.readUInt32LE(42),
  };
}

export interface LocalRecord {
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  nameLength: number;
  extraLength: number;
}

export function decodeLocal(b: Buffer): LocalRecord {
  return {
    flags: b.readUInt16LE(6),
    method: b.readUInt16LE(8),
    crc: b.readUInt32LE(14),
    compressedSize: b.readUInt32LE(18),
    uncompressedSize: b.readUInt32LE(22),
    nameLength: b.readUInt16LE(26),
    extraLength: b.readUInt16LE(28),
  };
}
