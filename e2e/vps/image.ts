// Builds (once) and caches the Debian 12 base image the test VPS boots from.
// The cache key is a hash of the recipe, so editing the recipe rebuilds it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { run } from './run.js';

export interface BaseImage {
  dir: string;
  qcow2: string;
  kernel: string;
  initrd: string;
  /** Private key that logs in as root on every VM booted from this image. */
  rootKey: string;
}

export const BASE_PACKAGES = [
  'systemd', 'systemd-sysv', 'openssh-server', 'sudo', 'python3', 'iproute2', 'ca-certificates',
  'linux-image-cloud-amd64', 'udev', 'ifupdown', 'isc-dhcp-client',
  // The harness's console: lets tests reach a VM that SSH no longer lets in.
  'qemu-guest-agent',
];

function mirror(): string {
  // Use the archive host Debian's own sources already point at (the only one reachable here).
  for (const f of ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list']) {
    if (!existsSync(f)) continue;
    // Only live lines: a commented-out snapshot URL must not win.
    const m = /^(?:URIs:|deb)\s+(?:\[[^\]]*\]\s+)?(https?:\/\/\S+?\/debian)\/?(?:\s|$)/m.exec(readFileSync(f, 'utf8'));
    if (m) return m[1];
  }
  return 'http://deb.debian.org/debian';
}

export function cacheRoot(): string {
  return process.env.SKIFF_VPS_CACHE ?? join(os.homedir(), '.cache', 'skiff-test-vps');
}

let rootKeyMade: Promise<string> | undefined;

/**
 * The harness's root key, one per cache, made before any disk: the base image and the prepared
 * disk both authorize it, so they can be built at the same time.
 */
export function ensureRootKey(): Promise<string> {
  // The base and the prepared disk ask at the same moment in one process: make it once.
  rootKeyMade ??= makeRootKey();
  return rootKeyMade;
}

async function makeRootKey(): Promise<string> {
  const dir = join(cacheRoot(), 'root-key');
  const key = join(dir, 'id_test');
  if (existsSync(`${key}.pub`)) return key;
  mkdirSync(cacheRoot(), { recursive: true });
  const work = `${dir}.tmp-${process.pid}-${Date.now()}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'skiff-test-vps', '-f', join(work, 'id_test')]);
  // Two processes may make one at once: the first rename wins, the other's key is dropped.
  try { renameSync(work, dir); } catch { rmSync(work, { recursive: true, force: true }); }
  return key;
}

function recipeHash(rootKey: string): string {
  return createHash('sha256').update(JSON.stringify({ PACKAGES: BASE_PACKAGES, key: readFileSync(`${rootKey}.pub`, 'utf8'), v: 5 })).digest('hex').slice(0, 12);
}

/**
 * Builds a bootable Debian 12 disk in `work` with mmdebstrap (packages installed natively, on the
 * host's CPU, not under emulation): `<qcow2>`, and the `vmlinuz` and `initrd.img` it must boot with
 * (a kernel whose modules are on the disk). Root logs in with `rootKeyPub`.
 */
export async function buildDebianDisk(o: {
  work: string;
  packages: readonly string[];
  /** Installed afterwards by apt-get inside the new system, with Debian's defaults (Recommends too), as Skiff's setup does on a server. */
  thenInstall?: readonly string[];
  /** Leave apt's package lists in place, as a server that ran apt-get has them (its next update then only checks). */
  keepAptLists?: boolean;
  /** Add the release's security suite and install its updates (natively), as Skiff's setup would: a server that setup has nothing left to upgrade on. */
  securitySource?: boolean;
  rootKeyPub: string;
  qcow2: string;
}): Promise<void> {
  const { work } = o;
  const hooks = [
    ...(o.securitySource ? [
      `echo "deb ${mirror()}-security bookworm-security main" > "$1/etc/apt/sources.list.d/security.list"`,
      'chroot "$1" apt-get update -q -o Acquire::Languages=none',
      'chroot "$1" env DEBIAN_FRONTEND=noninteractive apt-get upgrade -y -q',
    ] : []),
    ...(o.thenInstall?.length ? [`chroot "$1" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o APT::Install-Recommends=true ${o.thenInstall.join(' ')}`] : []),
    'mkdir -p "$1/root/.ssh" && chmod 700 "$1/root/.ssh"',
    `cp ${o.rootKeyPub} "$1/root/.ssh/authorized_keys"`,
    'echo vps > "$1/etc/hostname"',
    'printf "127.0.0.1 localhost\\n127.0.1.1 vps\\n" > "$1/etc/hosts"',
    'printf "auto lo\\niface lo inet loopback\\nauto eth0\\niface eth0 inet dhcp\\n" > "$1/etc/network/interfaces"',
    // A real VPS resolves names; slirp offers a DNS forwarder at 10.0.2.3.
    'printf "nameserver 10.0.2.3\\n" > "$1/etc/resolv.conf"',
  ];
  await run('mmdebstrap', [
    '--variant=apt', `--include=${o.packages.join(',')}`,
    ...(o.keepAptLists ? ['--skip=cleanup/apt/lists'] : []),
    ...hooks.map((h) => `--customize-hook=${h}`),
    'bookworm', join(work, 'rootfs.tar'), mirror(),
  ]);
  const root = join(work, 'root');
  mkdirSync(root);
  await run('tar', ['-C', root, '-xf', join(work, 'rootfs.tar')]);
  const boot = readdirSync(join(root, 'boot'));
  copyFileSync(join(root, 'boot', boot.find((f) => f.startsWith('vmlinuz-'))!), join(work, 'vmlinuz'));
  copyFileSync(join(root, 'boot', boot.find((f) => f.startsWith('initrd.img-'))!), join(work, 'initrd.img'));
  await run('qemu-img', ['create', '-q', '-f', 'raw', join(work, 'disk.img'), '4G']);
  await run('mkfs.ext4', ['-q', '-d', root, join(work, 'disk.img')]);
  await run('qemu-img', ['convert', '-O', 'qcow2', join(work, 'disk.img'), join(work, o.qcow2)]);
  rmSync(root, { recursive: true, force: true });
  rmSync(join(work, 'disk.img'));
  rmSync(join(work, 'rootfs.tar'));
}

export async function ensureBaseImage(log: (s: string) => void = () => {}): Promise<BaseImage> {
  const rootKey = await ensureRootKey();
  const dir = join(cacheRoot(), `base-${recipeHash(rootKey)}`);
  const image: BaseImage = {
    dir,
    qcow2: join(dir, 'base.qcow2'),
    kernel: join(dir, 'vmlinuz'),
    initrd: join(dir, 'initrd.img'),
    rootKey,
  };
  if (existsSync(join(dir, 'READY'))) return image;

  log(`building the test VPS base image in ${dir} (about 70 s, once)`);
  const work = `${dir}.tmp-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  await buildDebianDisk({ work, packages: BASE_PACKAGES, rootKeyPub: `${rootKey}.pub`, qcow2: 'base.qcow2' });
  await run('touch', [join(work, 'READY')]);
  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
  log('base image ready');
  return image;
}
