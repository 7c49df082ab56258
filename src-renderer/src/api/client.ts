// The renderer's only door to main: typed calls over `window.skiff`, whichever host provides it.
import type { EventName, EventPayload, InputOf, Method, OutputOf, SkiffBridge } from '../../../src-shared/contract';
import { SkiffError } from '../../../src-shared/errors';

declare global {
  interface Window { skiff: SkiffBridge }
}

export async function call<M extends Method>(method: M, input: InputOf<M>): Promise<OutputOf<M>> {
  const res = await window.skiff.invoke(method, input);
  if (!res.ok) throw SkiffError.fromPayload(res.error);
  return res.value as OutputOf<M>;
}

export function onEvent<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
  return window.skiff.on(event, listener as (p: unknown) => void);
}

/** Any thrown value as a SkiffError, so the UI always has a message and a fix to show. */
export function asSkiffError(e: unknown): SkiffError {
  if (e instanceof SkiffError) return e;
  return new SkiffError('INTERNAL', { detail: e instanceof Error ? e.message : String(e) });
}
