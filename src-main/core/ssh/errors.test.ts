import { describe, expect, it } from 'vitest';
import { mapConnectError } from './errors';

const ctx = { host: 'vps.example', port: 2222, user: 'deploy' };
const err = (props: Record<string, string>) => Object.assign(new Error(props.message ?? 'x'), props);

describe('connection errors', () => {
  it.each([
    [{ code: 'ECONNREFUSED' }, 'CONNECTION_REFUSED', /vps\.example:2222 refused/],
    [{ code: 'ENOTFOUND' }, 'HOST_UNREACHABLE', /"vps\.example" could not be resolved/],
    [{ code: 'EHOSTUNREACH' }, 'HOST_UNREACHABLE', /cannot be reached/],
    [{ code: 'ETIMEDOUT' }, 'CONNECTION_TIMEOUT', /did not answer in time/],
    [{ level: 'client-timeout', message: 'Timed out while waiting for handshake' }, 'CONNECTION_TIMEOUT', /handshake in time/],
    [{ level: 'client-authentication', message: 'All configured authentication methods failed' }, 'AUTH_FAILED', /as "deploy"/],
    [{ code: 'ECONNRESET' }, 'CONNECTION_LOST', /closed the connection/],
  ])('maps %o to %s with a message naming the target', (props, code, message) => {
    const mapped = mapConnectError(err(props as Record<string, string>), ctx);
    expect(mapped.code).toBe(code);
    expect(mapped.message).toMatch(message);
    expect(mapped.fix.length).toBeGreaterThan(10);
  });
});
