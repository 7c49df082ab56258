// fleet.* : one deploy or rollback over many apps, or setup, hardening or an audit over many servers, followed live.
import type { SkiffCore } from '../core/skiffCore';
import type { Handlers } from './index';

type FleetMethods = 'fleet.state' | 'fleet.deploy' | 'fleet.servers' | 'fleet.retryFailed' | 'fleet.rollback';

export function fleetHandlers({ fleet }: SkiffCore): Pick<Handlers, FleetMethods> {
  return {
    'fleet.state': async () => ({ run: fleet.current() ?? null }),
    'fleet.deploy': async ({ appIds, sha256, ...options }) => fleet.startDeploy(appIds, sha256, options),
    'fleet.servers': async ({ action, serverIds, appUser, ...options }) => fleet.startServers(action, serverIds, options, appUser),
    'fleet.retryFailed': async (options) => fleet.startRetryFailed(options),
    'fleet.rollback': async (options) => fleet.startRollbackFleet(options),
  };
}
