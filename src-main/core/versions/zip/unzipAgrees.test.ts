// Runs the real Info-ZIP unzip (what unpacks versions on the server) on the hostile corpus, to show
// each refusal guards against something unzip really does (a symlink, hidden bytes, another name…),
// and on the unusual-but-good zips, to show it writes exactly the entries the inspection listed.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ACCEPTED_ZIPS, EVIL_SCRIPT, HIDDEN_BYTES, HOSTILE_ZIPS, type AcceptedZipName, type HostileZipName } from '../../../../e2e/fixtures/hostileZips';
import { FIXTURE_BINARY } from '../../../../e2e/fixtures/versionZip';
import type { ErrorCode } from '../../../../src-shared/errors';
import { inspectVersionZip, readVersionZip } from '../inspectZip';

const haveUnzip = spawnSync('unzip', ['-v'], { stdio: 'ignore' }).status === 0;
if (!haveUnzip) console.log('Skipping the unzip agreement tests: Info-ZIP unzip is not installed on this machine.');
const haveZip = spawnSync('zip', ['-v'], { stdio: 'ignore' }).status === 0;
if (haveUnzip && !haveZip) console.log('Skipping the Info-ZIP zip round trips: zip is not installed on this machine.');

const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-unzip-'));
// unzip writes tens of MiB here (the hidden entries, the bomb): leave nothing behind.
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes the zip, checks Skiff refuses it with `code` (or accepts it), and unpacks it with unzip as the server would. */
function unpack(name: string, bytes: Buffer): { out: string; file: string } {
  const file = path.join(dir, `${name}.zip`);
  writeFileSync(file, bytes);
  const out = mkdtempSync(path.join(dir, `${name}-`));
  // -o: overwrite without asking, stdin from /dev/null: no prompt can hang; the timeout guards against
  // unzip itself looping on garbage (it does, on a bogus bzip2 stream).
  spawnSync('unzip', ['-o', '-q', file, '-d', out], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  return { out, file };
}

async function refusedThenUnpacked(name: HostileZipName, code: ErrorCode): Promise<string> {
  const { out, file } = unpack(name, HOSTILE_ZIPS[name]());
  await expect(inspectVersionZip(file)).rejects.toMatchObject({ code });
  return out;
}

/** Every path unzip wrote, folders with a trailing "/", files with their size. */
function tree(root: string, rel = ''): Map<string, number> {
  const found = new Map<string, number>();
  for (const name of readdirSync(path.join(root, rel))) {
    const p = rel ? `${rel}/${name}` : name;
    const st = lstatSync(path.join(root, p));
    if (st.isDirectory()) {
      found.set(`${p}/`, 0);
      for (const [k, v] of tree(root, p)) found.set(k, v);
    } else found.set(p, st.size);
  }
  return found;
}

describe.skipIf(!haveUnzip)('Info-ZIP unzip really unpacks the refused zips dangerously', { timeout: 60_000 }, () => {
  it('makes a symbolic link from a FAT-made entry whose mode bits say S_IFLNK', async () => {
    const out = await refusedThenUnpacked('nonUnixSymlink', 'VERSION_SYMLINK');
    expect(lstatSync(path.join(out, 'pb_public/secrets')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(path.join(out, 'pb_public/secrets'))).toBe('/etc/passwd');
  });

  it('makes a symbolic link from an ASi Unix extra field when the mode bits are empty', async () => {
    const out = await refusedThenUnpacked('asiUnixSymlink', 'VERSION_AMBIGUOUS');
    expect(lstatSync(path.join(out, 'pb_public/secrets')).isSymbolicLink()).toBe(true);
  });

  it.each(['understatedCount', 'understatedCountZip64'] as const)('unpacks the entries an understated count hides (%s)', async (name) => {
    const out = await refusedThenUnpacked(name, 'VERSION_AMBIGUOUS');
    expect(statSync(path.join(out, 'pb_public/huge.bin')).size).toBe(HIDDEN_BYTES);
  });

  it('writes a script over "pocketbase" when its Unicode Path field says so', async () => {
    const out = await refusedThenUnpacked('unicodePathCentral', 'VERSION_AMBIGUOUS');
    expect(readFileSync(path.join(out, 'pocketbase'), 'utf8')).toBe(EVIL_SCRIPT);
    expect(existsSync(path.join(out, 'run.sh'))).toBe(false);
  });

  it('writes the second of two entries with one name over the first', async () => {
    const out = await refusedThenUnpacked('duplicateNames', 'VERSION_AMBIGUOUS');
    expect(readFileSync(path.join(out, 'pb_public/index.html'), 'utf8')).toBe('<h1>the other one</h1>\n');
  });

  it('strips a ";1" version suffix, writing a script over "pocketbase"', async () => {
    const out = await refusedThenUnpacked('vmsVersionSuffix', 'VERSION_AMBIGUOUS');
    expect(readFileSync(path.join(out, 'pocketbase'), 'utf8')).toBe(EVIL_SCRIPT);
  });

  it('drops control characters from a name, writing another name than the entry has', async () => {
    const out = await refusedThenUnpacked('controlCharacterName', 'VERSION_UNSAFE_PATH');
    expect(existsSync(path.join(out, 'pb_public/a.html'))).toBe(true);
  });

  it.each(['volumeLabelBinary', 'versionTooNew'] as const)('skips the binary the inspection saw (%s)', async (name) => {
    const out = await refusedThenUnpacked(name, name === 'versionTooNew' ? 'VERSION_UNSUPPORTED' : 'VERSION_AMBIGUOUS');
    expect(existsSync(path.join(out, 'fixture.json'))).toBe(true);
    expect(existsSync(path.join(out, 'pocketbase'))).toBe(false);
  });

  it('writes a deflate stream past the size it declares', async () => {
    const out = await refusedThenUnpacked('deflateLongerThanDeclared', 'VERSION_DAMAGED');
    expect(statSync(path.join(out, 'pb_public/bomb.bin')).size).toBeGreaterThan(1000);
  });

  it('shifts every offset to make up for data prepended to the zip', async () => {
    const out = await refusedThenUnpacked('prependedData', 'VERSION_AMBIGUOUS');
    expect(readFileSync(path.join(out, 'pocketbase'), 'utf8')).toBe(FIXTURE_BINARY);
  });

  it('reads the end record hidden in the comment (an empty zip) instead of the real one', async () => {
    const out = await refusedThenUnpacked('secondEocdInComment', 'VERSION_AMBIGUOUS');
    expect(readdirSync(out)).toEqual([]);
  });
});

/** unzip's output must be exactly the inspection's listing (plus the folders the paths imply). */
async function expectSameFiles(file: string, out: string): Promise<void> {
  const { listing } = await readVersionZip(file);
  const expected = new Map<string, number>();
  for (const e of listing) {
    // unzip also makes the folders an entry's path implies.
    const parts = e.name.split('/').filter(Boolean);
    for (let i = 1; i < parts.length + (e.isDir ? 1 : 0); i++) expected.set(`${parts.slice(0, i).join('/')}/`, 0);
    if (!e.isDir) expected.set(e.name, e.size);
  }
  expect(new Map([...tree(out)].sort())).toEqual(new Map([...expected].sort()));
}

describe.skipIf(!haveUnzip)('Info-ZIP unzip unpacks the accepted zips to what the inspection listed', () => {
  it.each(Object.keys(ACCEPTED_ZIPS) as AcceptedZipName[])('%s', async (name) => {
    const { out, file } = unpack(name, ACCEPTED_ZIPS[name]());
    await expectSameFiles(file, out);
  });

  // What users actually upload: Info-ZIP zip's own output, plain, forced zip64 (-fz), and streamed to a pipe.
  it.skipIf(!haveZip).each([
    ['plain', 'zip -qr ../version.zip .'],
    ['forced zip64', 'zip -qr -fz ../version.zip .'],
    ['streamed', 'zip -qr - . | cat > ../version.zip'],
  ])('Info-ZIP zip, %s', async (label, command) => {
    const root = mkdtempSync(path.join(dir, 'infozip-'));
    const app = path.join(root, 'app');
    mkdirSync(path.join(app, 'pb_public'), { recursive: true });
    mkdirSync(path.join(app, 'pb_migrations'));
    writeFileSync(path.join(app, 'pocketbase'), FIXTURE_BINARY);
    chmodSync(path.join(app, 'pocketbase'), 0o755);
    writeFileSync(path.join(app, 'pb_public/index.html'), '<h1>hi</h1>\n');
    writeFileSync(path.join(app, 'pb_migrations/1_init.js'), '// m\n'.repeat(1000));
    execFileSync('sh', ['-c', command], { cwd: app });
    const { out, file } = unpack(`infozip-${label.replace(/ /g, '-')}`, readFileSync(path.join(root, 'version.zip')));
    expect(await inspectVersionZip(file)).toMatchObject({ binary: 'pocketbase', hasPublic: true, hasMigrations: true });
    await expectSameFiles(file, out);
  });
});
