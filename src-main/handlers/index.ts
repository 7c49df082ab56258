// Implements the contract on top of core: the only place the two meet. Each domain's handlers
// live in their own file; `dispatch` is what both hosts call after receiving a message.
import { contract, isMethod, type InvokeResult, type Method, type OutputOf, type ParsedInputOf } from '../../src-shared/contract';
import { SkiffError } from '../../src-shared/errors';
import type { SkiffCore } from '../core/skiffCore';
import { hostHandlers } from './host';
import { serverHandlers } from './servers';
import { jobHandlers } from './jobs';
import { appHandlers } from './apps';
import { versionHandlers } from './versions';
import { sshConfigHandlers } from './sshConfig';
import { backupHandlers } from './backups';
import { fleetHandlers } from './fleet';
import { driftHandlers } from './drift';

export type Handlers = { [M in Method]: (input: ParsedInputOf<M>) => Promise<OutputOf<M>> };

export interface HostInfo { host: 'electron' | 'browser'; version: string }

export function createHandlers(core: SkiffCore, host: HostInfo): Handlers {
  return { ...hostHandlers(core, host), ...serverHandlers(core), ...sshConfigHandlers(core), ...jobHandlers(core), ...appHandlers(core), ...versionHandlers(core), ...backupHandlers(core), ...fleetHandlers(core), ...driftHandlers(core) };
}

/** Validates a raw request against the contract, runs its handler, and wraps the outcome. */
export async function dispatch(handlers: Handlers, method: unknown, input: unknown): Promise<InvokeResult<unknown>> {
  if (!isMethod(method)) {
    return { ok: false, error: new SkiffError('UNKNOWN_METHOD', { detail: String(method).slice(0, 100) }).toPayload() };
  }
  const parsed = contract[method].input.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.');
    return {
      ok: false,
      error: new SkiffError('INVALID_INPUT', { message: field ? `${field}: ${issue.message}` : issue?.message ?? 'Invalid request.' }).toPayload(),
    };
  }
  try {
    const handler = handlers[method] as (i: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.data) };
  } catch (e) {
    if (e instanceof SkiffError) return { ok: false, error: e.toPayload() };
    return { ok: false, error: new SkiffError('INTERNAL', { detail: e instanceof Error ? e.message : String(e) }).toPayload() };
  }
}
