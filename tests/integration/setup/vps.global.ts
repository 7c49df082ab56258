// Boots one fresh test VPS for the integration suite and tears it down by pid afterwards,
// whatever happened in the tests (unless SKIFF_SHARED_VPS=off: see scripts/test.mjs).
import 'vitest';
import type { TestProject } from 'vitest/node';
import { TestVps, type VpsDescriptor } from '../../../e2e/vps/vm';

declare module 'vitest' {
  export interface ProvidedContext { vps: VpsDescriptor }
}

export default async function setup(project: TestProject) {
  // A test lane whose files each boot their own VM (scripts/test.mjs) needs no shared one.
  if (process.env.SKIFF_SHARED_VPS === 'off') return;
  const vps = await TestVps.boot({ log: (s) => console.log(`[vps] ${s}`) });
  project.provide('vps', vps.describe());
  return async () => { await vps.stop(); };
}
