// `npm run vps -- build` builds the cached base image; `npm run vps -- shell` boots a VM and prints
// how to reach it, for poking at by hand. Ctrl-C stops it.
import { ensureBaseImage } from './image.js';
import { TestVps } from './vm.js';

const cmd = process.argv[2] ?? 'build';
if (cmd === 'build') {
  const img = await ensureBaseImage((s) => console.log(s));
  console.log(img.qcow2);
} else if (cmd === 'shell') {
  const vps = await TestVps.boot({ log: (s) => console.log(s) });
  console.log(`ssh -i ${vps.rootKeyPath} -p ${vps.ports.ssh} root@127.0.0.1   (http ${vps.ports.http}, https ${vps.ports.https})`);
  process.on('SIGINT', () => void vps.stop().then(() => process.exit(0)));
  await new Promise(() => {});
} else {
  console.error('usage: npm run vps -- build|shell');
  process.exit(2);
}
