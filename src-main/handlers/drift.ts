// drift.* : the drift check, its fixes, its schedule, the record of written files and the audit trail.
import type { SkiffCore } from '../core/skiffCore';
import type { Handlers } from './index';

type DriftMethods = 'drift.check' | 'drift.fix' | 'drift.schedule' | 'drift.record' | 'drift.trail';

export function driftHandlers({ servers, ops, written }: SkiffCore): Pick<Handlers, DriftMethods> {
  return {
    'drift.check': async ({ id }) => ops.driftCheck(id),
    'drift.fix': async ({ id, action, findings }) => ops.driftFix(id, action, findings),
    'drift.schedule': ({ id, every }) => servers.patch(id, (s) => ({ ...s, driftEvery: every })),
    'drift.record': async ({ id }) => { servers.get(id); return written.get(id); },
    'drift.trail': ({ id, appId, lines }) => ops.trail(id, { appId, lines }),
  };
}
