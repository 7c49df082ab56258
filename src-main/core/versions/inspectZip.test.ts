// Every bad zip is refused locally, with its own message, before any upload.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildVersionZip, writeZip } from '../../../e2e/fixtures/versionZip';
import { SkiffError } from '../../../src-shared/errors';
import { archMatches, binaryArch, inspectVersionZip } from './inspectZip';

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

describe('inspectVersionZip', () => {
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
