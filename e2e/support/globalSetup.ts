// Boots one fresh test VPS for the e2e run; the returned function stops it by pid.
import { TestVps } from '../vps/vm';
import { electronBinary } from '../../scripts/lib/electron.mjs';

export default async function globalSetup() {
  const electron = electronBinary();
  if (!electron.path) console.log(`[e2e] the electron project will skip every spec: ${electron.reason}`);
  // A run of specs that each boot their own VM (scripts/test.mjs) needs no shared one.
  if (process.env.SKIFF_SHARED_VPS === 'off') return async () => {};
  const vps = await TestVps.boot({ log: (s) => console.log(`[vps] ${s}`) });
  // Workers start after global setup and inherit this.
  process.env.SKIFF_E2E_VPS = JSON.stringify(vps.describe());
  return async () => { await vps.stop(); };
}
