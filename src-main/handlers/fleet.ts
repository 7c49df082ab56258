// fleet.* : one deploy or rollback over many apps and servers, followed live.
import type { SkiffCore } from '../core/skiffCore';
import type { Handlers } from './index';

type FleetMethods = 'fleet.state' | 'fleet.deploy' | 'fleet.retryFailed' | 'fleet.rollback';

export function fleetHandlers({ fleet }: SkiffCore): Pick<Handlers, FleetMethods> {
  return {
    'fleet.state': async () => ({ run: fleet.current() ?? null }),
    'fleet.deploy': async ({ appIds, sha256, ...options }) => fleet.startDeploy(appIds, sha256, options),
    'fleet.retryFailed': async (options) => fleet.startRetryFailed(options),
    'fleet.rollback': async (options) => fleet.startRollbackFleet(options),
  };
}
