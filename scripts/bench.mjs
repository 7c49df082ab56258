#!/usr/bin/env node
// `npm run bench`: installs what the benchmark needs (wrk, and everything `npm test` needs), then
// runs scripts/bench.ts inside the test keychain session.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { build, ensureAptPackages, ensureNodeModules, root } from './lib/prepare.mjs';

process.env.SKIFF_VPS_CACHE ??= path.join(os.homedir(), '.cache', 'skiff-test-vps');
ensureAptPackages({ 'qemu-system-x86_64': 'qemu-system-x86', 'qemu-img': 'qemu-utils', mmdebstrap: 'mmdebstrap', ssh: 'openssh-client', scp: 'openssh-client', wrk: 'wrk', 'gnome-keyring-daemon': 'gnome-keyring', 'dbus-run-session': 'dbus-daemon' });
ensureNodeModules();
build();
// `npm run bench -- backups` runs only that section (a set-up VM is still booted for it).
const r = spawnSync(process.execPath, [path.join(root, 'scripts/with-keyring.mjs'), path.join(root, 'node_modules/.bin/tsx'), 'scripts/bench.ts', ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
