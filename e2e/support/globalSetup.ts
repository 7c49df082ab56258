// Says up front why the Electron project will skip, where it will (the specs boot their own VMs).
import { electronBinary } from '../../scripts/lib/electron.mjs';

export default async function globalSetup() {
  const electron = electronBinary();
  if (!electron.path) console.log(`[e2e] the electron project will skip every spec: ${electron.reason}`);
}
