// Boots one fresh test VPS for the integration suite and tears it down by pid afterwards,
// whatever happened in the tests.
import 'vitest';
import type { TestProject } from 'vitest/node';
import { TestVps, type VpsDescriptor } from '../../../e2e/vps/vm';

declare module 'vitest' {
  export interface ProvidedContext { vps: VpsDescriptor }
}

export default async function setup(project: TestProject) {
  const vps = await TestVps.boot({ log: (s) => console.log(`[vps] ${s}`) });
  project.provide('vps', vps.describe());
  return async () => { await vps.stop(); };
}
