// A "provider image" with the packages Skiff's setup installs already there, cached like the base
// image: tests that need a set-up server run Skiff's real setup on it, which then finds the slow
// apt work done (skipped steps) instead of spending minutes per suite under emulation. It is built
// like the base image, by mmdebstrap on the host's CPU (apt inside the VM took 5 to 10 minutes).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SETUP_PACKAGES } from '../../src-main/core/ops/setup.js';
import { BASE_PACKAGES, buildDebianDisk, cacheRoot, ensureRootKey } from './image.js';
import { buildOnce } from './lock.js';

export async function ensurePreparedDisk(log: (s: string) => void = () => {}): Promise<string> {
  // Not built from the base image (it is built beside it): the same packages and root key, then setup's.
  const rootKey = await ensureRootKey();
  const key = createHash('sha256').update(JSON.stringify({ key: readFileSync(`${rootKey}.pub`, 'utf8'), BASE_PACKAGES, SETUP_PACKAGES, v: 6 })).digest('hex').slice(0, 12);
  const dir = join(cacheRoot(), 'prepared');
  // The disk, with the kernel and initrd it boots with beside it (vm.ts looks there).
  const file = join(dir, `packages-${key}`, 'disk.qcow2');
  mkdirSync(dir, { recursive: true });
  await buildOnce(`${dirname(file)}.lock`, file, () => buildPreparedDisk(rootKey, file, log));
  return file;
}

async function buildPreparedDisk(rootKey: string, file: string, log: (s: string) => void): Promise<void> {
  log('building the prepared test VPS disk: the base plus the setup packages (once, about 2 min)');
  const final = dirname(file);
  const work = `${final}.tmp-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    // The base as the base image has it, then setup's packages as setup's own apt-get installs them
    // (with their Recommends: a server set up by Skiff has dbus, for one). The package lists stay, as
    // on a server where apt-get ran: setup's refresh then checks them (13 s under emulation) instead
    // of fetching and parsing 15 MB (28 s), in every suite.
    await buildDebianDisk({ work, packages: BASE_PACKAGES, thenInstall: SETUP_PACKAGES, keepAptLists: true, securitySource: true, rootKeyPub: `${rootKey}.pub`, qcow2: basename(file) });
    rmSync(final, { recursive: true, force: true });
    renameSync(work, final);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
