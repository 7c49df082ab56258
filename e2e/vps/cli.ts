// `npm run vps -- build [--prepared]` builds the cached base image (and the prepared disk);
// `npm run vps -- shell [--prepared]` boots a VM (with setup's packages already installed, with
// --prepared) and prints how to reach it, for poking at by hand, and its descriptor
// (TestVps.attach) on a line `VPS=<json>`. Ctrl-C stops it.
import { ensureBaseImage } from './image.js';
import { ensurePreparedDisk } from './prepared.js';
import { TestVps } from './vm.js';

const cmd = process.argv[2] ?? 'build';
if (cmd === 'build') {
  // Both disks at once: each is one mmdebstrap run, mostly waiting on downloads and dpkg.
  const [img, prepared] = await Promise.all([
    ensureBaseImage((s) => console.log(`[base] ${s}`)),
    process.argv.includes('--prepared') ? ensurePreparedDisk((s) => console.log(`[prepared] ${s}`)) : undefined,
  ]);
  console.log(img.qcow2);
  if (prepared) console.log(prepared);
} else if (cmd === 'shell') {
  const disk = process.argv.includes('--prepared') ? await ensurePreparedDisk((s) => console.log(s)) : undefined;
  const vps = await TestVps.boot({ log: (s) => console.log(s), disk });
  console.log(`VPS=${JSON.stringify(vps.describe())}`);
  console.log(`ssh -i ${vps.rootKeyPath} -p ${vps.ports.ssh} root@127.0.0.1   (http ${vps.ports.http}, https ${vps.ports.https})`);
  process.on('SIGINT', () => void vps.stop().then(() => process.exit(0)));
  // An unsettled promise alone does not keep Node running (it would exit and take the VM with it).
  setInterval(() => {}, 1 << 30);
} else {
  console.error('usage: npm run vps -- build|shell');
  process.exit(2);
}
