// Each entry's local header, checked against its central record (unzip reads some fields from one,
// some from the other), and the layout: entries must tile the file from byte 0 to the central
// directory, with no prepended bytes, hidden gaps or overlaps.
import type { FileWindow } from './fileWindow';
import { applyZip64, damaged, decodeExtras, decodeLocal, FLAG, LOCAL_SIZE, refuse, showName, SIG, unicodePath } from './format';
import type { ZipEntry } from './readArchive';

/** Reads every entry's local header (in file order) and sets its `dataOffset` and `recordEnd`. */
export async function readLocalHeaders(file: FileWindow, entries: ZipEntry[], cdOffset: number): Promise<void> {
  const byOffset = [...entries].sort((a, b) => a.localOffset - b.localOffset || a.index - b.index);
  for (const [i, e] of byOffset.entries()) {
    await readLocal(file, e);
    const next = byOffset[i + 1]?.localOffset ?? cdOffset;
    e.recordEnd = e.dataOffset + e.compressedSize + (e.flags & FLAG.descriptor ? await descriptorLength(file, e, next) : 0);
  }
  checkLayout(byOffset, cdOffset);
}

/** The local header must repeat what the central record says: unzip reads some fields from each. */
async function readLocal(file: FileWindow, e: ZipEntry): Promise<void> {
  if (e.localOffset + LOCAL_SIZE > file.size) throw damaged(`the zip entry "${e.shown}" points past the end of the file`);
  const fixed = await file.read(e.localOffset, LOCAL_SIZE);
  if (fixed.readUInt32LE(0) !== SIG.local) throw damaged(`the zip entry "${e.shown}" points at byte ${e.localOffset}, where there is no local header`);
  const loc = decodeLocal(fixed);
  const rest = await file.read(e.localOffset + LOCAL_SIZE, loc.nameLength + loc.extraLength);
  const localName = rest.subarray(0, loc.nameLength);
  const disagree = (what: string) => refuse('VERSION_AMBIGUOUS', `The zip entry "${e.shown}" ${what}: unzip reads some fields from one header and some from the other.`);
  if (!localName.equals(e.nameBytes)) throw disagree(`is named "${showName(localName)}" in its local header`);
  if (loc.method !== e.method) throw disagree(`uses compression method ${loc.method} in its local header but ${e.method} in the central directory`);
  if (loc.flags !== e.flags) throw disagree(`has flags 0x${loc.flags.toString(16)} in its local header but 0x${e.flags.toString(16)} in the central directory`);
  const where = `the local header of the zip entry "${e.shown}"`;
  const extras = decodeExtras(rest.subarray(loc.nameLength), where);
  const sizes = applyZip64({ uncompressedSize: loc.uncompressedSize, compressedSize: loc.compressedSize }, extras, where);
  const local = { crc: loc.crc, compressedSize: sizes.compressedSize, uncompressedSize: sizes.uncompressedSize };
  const labels = { crc: 'CRC-32', compressedSize: 'compressed size', uncompressedSize: 'size' } as const;
  for (const key of ['crc', 'compressedSize', 'uncompressedSize'] as const) {
    // With a data descriptor the local values may be left as 0; unzip then uses the central ones.
    const ok = local[key] === e[key] || (e.flags & FLAG.descriptor && local[key] === 0);
    if (!ok) throw disagree(`declares a ${labels[key]} of ${local[key]} in its local header but ${e[key]} in the central directory`);
  }
  e.unicodePaths.push(...unicodePath(extras, 'local header', e.shown));
  for (const f of extras) e.extraIds.add(f.id);
  e.dataOffset = e.localOffset + LOCAL_SIZE + loc.nameLength + loc.extraLength;
}

/**
 * A data descriptor's length: with or without its optional signature, with 4- or 8-byte sizes. The
 * form whose values match the central record and which ends where the next record starts wins.
 */
async function descriptorLength(file: FileWindow, e: ZipEntry, next: number): Promise<number> {
  const at = e.dataOffset + e.compressedSize;
  const b = await file.read(at, Math.max(0, Math.min(24, file.size - at)));
  const forms = [
    { signed: true, wide: false },
    { signed: true, wide: true },
    { signed: false, wide: false },
    { signed: false, wide: true },
  ].map((f) => ({ ...f, length: (f.signed ? 4 : 0) + 4 + (f.wide ? 16 : 8) }));
  const matching = forms.filter((f) => {
    if (f.length > b.length || (f.signed && b.readUInt32LE(0) !== SIG.descriptor)) return false;
    const o = f.signed ? 4 : 0;
    const size = (k: number) => (f.wide ? Number(b.readBigUInt64LE(o + 4 + 8 * k)) : b.readUInt32LE(o + 4 + 4 * k));
    return b.readUInt32LE(o) === e.crc && size(0) === e.compressedSize && size(1) === e.uncompressedSize;
  });
  const best = matching.find((f) => at + f.length === next) ?? matching[0];
  if (!best) throw refuse('VERSION_AMBIGUOUS', `The zip entry "${e.shown}" has a data descriptor that does not match its central record.`);
  return best.length;
}

/**
 * Entries must follow each other from byte 0 to the central directory: prepended bytes, hidden gaps
 * and overlapping entries (the Fifield zip bomb reuses one compressed stream for many entries) are
 * all places where two readers can see different contents.
 */
function checkLayout(byOffset: ZipEntry[], cdOffset: number): void {
  let pos = 0;
  let prev: ZipEntry | undefined;
  for (const e of byOffset) {
    if (prev && e.localOffset < pos) {
      throw refuse('VERSION_AMBIGUOUS', `The zip entries "${prev.shown}" and "${e.shown}" overlap (they share bytes, a zip-bomb trick): what they unpack to is not what the zip appears to hold.`);
    }
    if (e.localOffset > pos) {
      throw refuse('VERSION_AMBIGUOUS', prev
        ? `The zip has ${e.localOffset - pos} hidden bytes between the entries "${prev.shown}" and "${e.shown}".`
        : `The zip has ${e.localOffset} bytes of unknown data before its first entry "${e.shown}" (for example a self-extractor stub added in front of it).`);
    }
    pos = e.recordEnd;
    prev = e;
  }
  if (prev && pos > cdOffset) throw refuse('VERSION_AMBIGUOUS', `The zip entry "${prev.shown}" runs into the central directory (the two overlap).`);
  if (pos < cdOffset) {
    throw refuse('VERSION_AMBIGUOUS', prev
      ? `The zip has ${cdOffset - pos} hidden bytes between its last entry "${prev.shown}" and its central directory.`
      : `The zip has ${cdOffset} bytes of unknown data before its central directory.`);
  }
}
