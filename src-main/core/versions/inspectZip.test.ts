// Every bad zip is refused locally, with its own message, before any upload; the hostile corpus
// (zips that Info-ZIP unzip would unpack differently than they look) is refused entry by entry.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACCEPTED_ZIPS, HOSTILE_ZIPS, type HostileZipName } from '../../../e2e/fixtures/hostileZips';
import { buildVersionZip, writeZip } from '../../../e2e/fixtures/versionZip';
import { SkiffError, type ErrorCode } from '../../../src-shared/errors';
import { archMatches, binaryArch, inspectVersionZip, readVersionZip, unsafeEntryName } from './inspectZip';

const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-zip-'));
const zip = (name: string) => path.join(dir, name);

async function refusal(file: string, opts?: Parameters<typeof inspectVersionZip>[1]): Promise<SkiffError> {
  const e = await inspectVersionZip(file, opts).then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(SkiffError);
  return e as SkiffError;
}

function elfHead(machine: number): string {
  const b = Buffer.alloc(64);
  b.writeUInt32BE(0x7f454c46, 0);
  b[4] = 2; b[5] = 1;
  b.writeUInt16LE(machine, 18);
  return `b64:${b.toString('base64')}`;
}

// Python's zipfile builds these zips: a cold python3 start can take over a second on a loaded machine.
describe('inspectVersionZip', { timeout: 30_000 }, () => {
  it('summarizes a good version', async () => {
    const file = buildVersionZip(zip('good v1.zip'), { label: 'v1', publicFiles: { 'index.html': '<h1>v1</h1>' }, migrations: { '1_init.js': '// m' } });
    const s = await inspectVersionZip(file);
    expect(s).toMatchObject({ binary: 'pocketbase', binaryArch: 'script', hasPublic: true, hasMigrations: true, hasHooks: false, entries: 4 });
    expect(s.topLevel).toEqual(['fixture.json', 'pb_migrations/', 'pb_public/', 'pocketbase']);
  });

  it('refuses a file that is not a zip', async () => {
    writeFileSync(zip('notes.zip'), 'this is just text');
    expect((await refusal(zip('notes.zip'))).code).toBe('VERSION_NOT_ZIP');
  });

  it.each([
    ['../../etc/cron.d/evil', /climbs out of the folder/],
    ['pb_public/../../x', /climbs out of the folder/],
    ['/etc/passwd', /absolute path/],
    ['C:/Windows/x', /absolute path/],
    ['pb_public\\..\\x', /backslashes/],
  ])('refuses the entry %s', async (name, why) => {
    const file = buildVersionZip(zip(`bad-${Math.random()}.zip`), { label: 'x', extra: [{ name, data: 'x' }] });
    const e = await refusal(file);
    expect(e.code).toBe('VERSION_UNSAFE_PATH');
    expect(e.message).toContain(name);
    expect(e.message).toMatch(why);
  });

  it('refuses symlinks', async () => {
    const file = buildVersionZip(zip('link.zip'), { label: 'x', extra: [{ name: 'pb_public/secrets', symlink: '/etc/shadow' }] });
    const e = await refusal(file);
    expect(e.code).toBe('VERSION_SYMLINK');
    expect(e.message).toContain('pb_public/secrets');
  });

  it('refuses too many entries and too many bytes', async () => {
    const many = buildVersionZip(zip('many.zip'), { label: 'x', publicFiles: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}.txt`, 'x'])) });
    expect((await refusal(many, { limits: { maxEntries: 10, maxUncompressedBytes: 1e9 } })).code).toBe('VERSION_TOO_MANY_ENTRIES');
    const big = buildVersionZip(zip('big.zip'), { label: 'x', payloadBytes: 2 * 1024 * 1024 });
    const e = await refusal(big, { limits: { maxEntries: 100, maxUncompressedBytes: 1024 * 1024 } });
    expect(e.code).toBe('VERSION_TOO_LARGE');
    expect(e.message).toMatch(/more than 1 MiB/);
  });

  it('refuses a zip without the binary, or with a binary that is not executable', async () => {
    expect((await refusal(buildVersionZip(zip('nobin.zip'), { label: 'x', binaryMode: null }))).code).toBe('VERSION_NO_BINARY');
    const e = await refusal(buildVersionZip(zip('noexec.zip'), { label: 'x', binaryMode: 0o644 }));
    expect(e.code).toBe('VERSION_NO_BINARY');
    expect(e.message).toMatch(/not executable/);
    // A binary in a sub-folder is not "at the top level".
    const nested = writeZip(zip('nested.zip'), [{ name: 'app/pocketbase', data: '#!/bin/sh', mode: 0o755 }]);
    expect((await refusal(nested)).code).toBe('VERSION_NO_BINARY');
    // The app's configured binary name is honoured.
    const custom = writeZip(zip('custom.zip'), [{ name: 'myapp', data: '#!/bin/sh', mode: 0o755 }]);
    expect((await inspectVersionZip(custom, { binary: 'myapp' })).binary).toBe('myapp');
  });

  it('reads the binary architecture from its ELF header', async () => {
    const arm = writeZip(zip('arm.zip'), [{ name: 'pocketbase', data: elfHead(0xb7), mode: 0o755 }]);
    expect((await inspectVersionZip(arm)).binaryArch).toBe('aarch64');
    const amd = writeZip(zip('amd.zip'), [{ name: 'pocketbase', data: elfHead(0x3e), mode: 0o755 }]);
    expect((await inspectVersionZip(amd)).binaryArch).toBe('x86_64');
    expect(binaryArch(Buffer.from('#!/usr/bin/env python3\n'))).toBe('script');
    expect(archMatches('aarch64', 'x86_64')).toBe(false);
    expect(archMatches('aarch64', 'arm64')).toBe(true);
    expect(archMatches('x86_64', 'x86_64')).toBe(true);
    expect(archMatches('script', 'aarch64')).toBe(true);
  });
});

/** Each hostile zip: the refusal code, then texts its message must contain (the entries it names). */
const REFUSALS: Record<HostileZipName, [ErrorCode, ...string[]]> = {
  nonUnixSymlink: ['VERSION_SYMLINK', '"pb_public/secrets"', 'symbolic link'],
  understatedCount: ['VERSION_AMBIGUOUS', '"pb_public/huge.bin"', 'holds 3 entries', 'lists 4'],
  understatedCountZip64: ['VERSION_AMBIGUOUS', '"pb_public/huge.bin"', 'holds 3 entries', 'lists 4'],
  duplicateNames: ['VERSION_AMBIGUOUS', '"pb_public/index.html" twice'],
  caseCollision: ['VERSION_AMBIGUOUS', '"pb_public/index.html"', '"pb_public/Index.html"', 'case'],
  nfcCollision: ['VERSION_AMBIGUOUS', '"pb_public/caf\u00e9.html"', '"pb_public/cafe\u0301.html"', 'Unicode'],
  fileFolderCollision: ['VERSION_AMBIGUOUS', '"pb_public/app"', '"pb_public/app/index.html"', 'both a file and a folder'],
  unicodePathCentral: ['VERSION_AMBIGUOUS', '"run.sh"', '"pocketbase"', 'Unicode Path'],
  unicodePathLocal: ['VERSION_AMBIGUOUS', '"run.sh"', '"pocketbase"', 'local header'],
  fifo: ['VERSION_SPECIAL_FILE', '"pb_public/pipe"', 'named pipe'],
  charDevice: ['VERSION_SPECIAL_FILE', '"pb_public/tty"', 'character device'],
  blockDevice: ['VERSION_SPECIAL_FILE', '"pb_public/disk"', 'block device'],
  socket: ['VERSION_SPECIAL_FILE', '"pb_public/sock"', 'socket'],
  setuidBinary: ['VERSION_SPECIAL_FILE', '"pocketbase"', 'setuid'],
  encrypted: ['VERSION_UNSUPPORTED', '"pb_public/secret.txt"', 'encrypted'],
  unknownMethod: ['VERSION_UNSUPPORTED', '"pb_public/data.bz2"', 'method 12'],
  overlapping: ['VERSION_AMBIGUOUS', '"pb_public/a.bin"', '"pb_public/b.txt"', 'overlap'],
  localNameMismatch: ['VERSION_AMBIGUOUS', '"pb_public/app.js"', '"pb_public/evil.js"'],
  localSizeMismatch: ['VERSION_AMBIGUOUS', '"pb_public/app.js"', 'size of 5'],
  prependedData: ['VERSION_AMBIGUOUS', 'bytes are unaccounted for'],
  prependedDataShifted: ['VERSION_AMBIGUOUS', '"pocketbase"', 'before its first entry'],
  appendedData: ['VERSION_AMBIGUOUS', 'end of the file'],
  deflateLongerThanDeclared: ['VERSION_DAMAGED', '"pb_public/bomb.bin"', 'more than the 1000 bytes'],
  deflateLongerThanDeclaredStreamed: ['VERSION_DAMAGED', '"pb_public/noise.bin"', 'more than the 2097152 bytes'],
  crcMismatch: ['VERSION_DAMAGED', '"pb_public/app.js"', 'CRC-32'],
  nonAsciiWithoutUtf8Flag: ['VERSION_AMBIGUOUS', '"pb_public/caf\\x82.html"', 'UTF-8 flag'],
  invalidUtf8WithFlag: ['VERSION_AMBIGUOUS', '"pb_public/\\xc3(.html"', 'not valid UTF-8'],
  secondEocdInComment: ['VERSION_AMBIGUOUS', 'second end record'],
  multiDisk: ['VERSION_UNSUPPORTED', 'several disks'],
  vmsVersionSuffix: ['VERSION_AMBIGUOUS', '"pocketbase;1"', 'strips'],
  volumeLabelBinary: ['VERSION_AMBIGUOUS', '"pocketbase"', 'volume label'],
  versionTooNew: ['VERSION_UNSUPPORTED', '"pocketbase"', 'version 6.3'],
  asiUnixSymlink: ['VERSION_AMBIGUOUS', '"pb_public/secrets"', 'ASi'],
  zip64FieldLongerThanMarked: ['VERSION_AMBIGUOUS', '"pb_public/app.js"', 'zip64'],
  folderModeOnFile: ['VERSION_AMBIGUOUS', '"pb_public/assets"', 'folder'],
  controlCharacterName: ['VERSION_UNSAFE_PATH', '"pb_public/a\\x07.html"', 'control character'],
};

describe('the hostile zip corpus', () => {
  it.each(Object.keys(REFUSALS) as HostileZipName[])('refuses %s', async (name) => {
    const file = zip(`hostile-${name}.zip`);
    writeFileSync(file, HOSTILE_ZIPS[name]());
    const [code, ...texts] = REFUSALS[name];
    const e = await refusal(file);
    expect({ code: e.code, message: e.message }).toMatchObject({ code });
    for (const text of texts) expect(e.message).toContain(text);
  });

  it('accepts a zip64 archive', async () => {
    writeFileSync(zip('zip64.zip'), ACCEPTED_ZIPS.zip64());
    const s = await inspectVersionZip(zip('zip64.zip'));
    expect(s).toMatchObject({ binary: 'pocketbase', binaryArch: 'script', hasPublic: true, hasMigrations: true, entries: 5 });
  });

  it('accepts a zip without Unix modes (made on Windows), whose binary is chmod-ed on the server', async () => {
    writeFileSync(zip('fat.zip'), ACCEPTED_ZIPS.noUnixModes());
    const { summary, listing } = await readVersionZip(zip('fat.zip'));
    expect(summary).toMatchObject({ binary: 'pocketbase', hasPublic: true, entries: 4 });
    expect(listing.find((e) => e.name === 'pb_public/')).toMatchObject({ isDir: true });
  });

  it('accepts a UTF-8 name from a zip made on Unix without the UTF-8 flag (zip -r on Linux), as unzip writes it', async () => {
    writeFileSync(zip('cafe.zip'), ACCEPTED_ZIPS.unixUtf8WithoutFlag());
    const { listing } = await readVersionZip(zip('cafe.zip'));
    expect(listing.map((e) => e.name)).toContain('pb_public/café.html');
  });

  it('accepts a "#!" script as the binary, and streamed zips with data descriptors', async () => {
    writeFileSync(zip('script.zip'), ACCEPTED_ZIPS.scriptBinary());
    expect((await inspectVersionZip(zip('script.zip'))).binaryArch).toBe('script');
    writeFileSync(zip('streamed.zip'), ACCEPTED_ZIPS.dataDescriptors());
    expect((await inspectVersionZip(zip('streamed.zip'))).entries).toBe(4);
  });

  it('names what is wrong with a path', () => {
    expect(unsafeEntryName('pb_public//x')).toMatch(/empty path part/);
    expect(unsafeEntryName('./pocketbase')).toMatch(/"\." path part/);
    expect(unsafeEntryName('pb_public/\x1b[31m.html')).toMatch(/control character/);
    expect(unsafeEntryName(`pb_public/${'a'.repeat(256)}`)).toMatch(/longer than 255 bytes/);
    expect(unsafeEntryName('pb_public/')).toBeNull();
  });

  it('inspects a 50 MB zip quickly', async () => {
    const file = buildVersionZip(zip('bench.zip'), { label: 'x', payloadBytes: 50 * 1024 * 1024 });
    const started = performance.now();
    await inspectVersionZip(file);
    console.log(`inspected a 50 MB zip in ${Math.round(performance.now() - started)} ms`);
    rmSync(file);
  }, 60_000);
});
