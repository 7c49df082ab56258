// `npm run check-fuses`: reads the fuses back from the packaged app (what `npm run dist` left in
// dist/) and fails on any that is not as a release must have it. CI runs it after building the
// installers on each system; the packaging test runs the same check on a stand-in build.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';

/** The release fuses: '1' on, '0' off. */
export const RELEASE_FUSES = {
  RunAsNode: '0',
  EnableNodeOptionsEnvironmentVariable: '0',
  EnableNodeCliInspectArguments: '0',
  EnableCookieEncryption: '1',
  EnableEmbeddedAsarIntegrityValidation: '1',
  OnlyLoadAppFromAsar: '1',
};

/** The fuses of one packed binary that are not as RELEASE_FUSES says, as "Name is X, want Y". */
export async function fuseProblems(binary) {
  const wire = await getCurrentFuseWire(binary);
  return Object.entries(RELEASE_FUSES)
    .map(([name, want]) => [name, String.fromCharCode(wire[FuseV1Options[name]]), want])
    .filter(([, is, want]) => is !== want)
    .map(([name, is, want]) => `${name} is ${is === '1' ? 'on' : 'off'}, want ${want === '1' ? 'on' : 'off'}`);
}

/** The packed binaries electron-builder left in `dist` (Linux, macOS, Windows). */
export function packedBinaries(dist) {
  if (!existsSync(dist)) return [];
  return readdirSync(dist).flatMap((d) => {
    const dir = path.join(dist, d);
    if (!/unpacked$|^mac/.test(d)) return [];
    const candidates = [path.join(dir, 'skiff'), path.join(dir, 'Skiff.exe'), path.join(dir, 'skiff.exe'), path.join(dir, 'Skiff.app/Contents/MacOS/Skiff')];
    return candidates.filter((c) => existsSync(c));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const binaries = packedBinaries(path.resolve(path.dirname(new URL(import.meta.url).pathname), '../dist'));
  if (!binaries.length) {
    console.error('[skiff] check-fuses: no packed app in dist/: run npm run dist first.');
    process.exit(1);
  }
  let bad = 0;
  for (const b of binaries) {
    const problems = await fuseProblems(b);
    console.log(`${b}: ${problems.length ? problems.join('; ') : 'every release fuse as it must be'}`);
    bad += problems.length;
  }
  process.exit(bad ? 1 : 0);
}
