// Turns what ssh2 and the network throw into errors a user can act on.
import { SkiffError } from '../../../src-shared/errors';

export interface ConnectContext { host: string; port: number; user: string }

export function mapConnectError(err: unknown, ctx: ConnectContext): SkiffError {
  if (err instanceof SkiffError) return err;
  const e = err as { code?: string; level?: string; message?: string };
  const msg = e?.message ?? String(err);
  const where = `${ctx.host}:${ctx.port}`;
  switch (e?.code) {
    case 'ECONNREFUSED':
      return new SkiffError('CONNECTION_REFUSED', { message: `${where} refused the connection: nothing is listening for SSH on port ${ctx.port}.`, detail: msg });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new SkiffError('HOST_UNREACHABLE', { message: `The host name "${ctx.host}" could not be resolved.`, detail: msg });
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'EADDRNOTAVAIL':
      return new SkiffError('HOST_UNREACHABLE', { message: `${ctx.host} cannot be reached from this computer.`, detail: msg });
    case 'ETIMEDOUT':
      return new SkiffError('CONNECTION_TIMEOUT', { message: `${where} did not answer in time.`, detail: msg });
    case 'ECONNRESET':
    case 'EPIPE':
      return new SkiffError('CONNECTION_LOST', { message: `${where} closed the connection.`, detail: msg });
  }
  if (e?.level === 'client-timeout' || /timed out/i.test(msg)) {
    return new SkiffError('CONNECTION_TIMEOUT', { message: `${where} did not complete the SSH handshake in time.`, detail: msg });
  }
  if (e?.level === 'client-authentication' || /authentication methods failed/i.test(msg)) {
    return new SkiffError('AUTH_FAILED', { message: `The server rejected the login as "${ctx.user}".`, detail: msg });
  }
  if (e?.level === 'agent' || /agent/i.test(msg)) {
    return new SkiffError('AGENT_UNAVAILABLE', { detail: msg });
  }
  if (/before handshake|connection lost|not connected|no response from server/i.test(msg)) {
    return new SkiffError('CONNECTION_LOST', { message: `${where} closed the connection before SSH could start.`, detail: msg });
  }
  return new SkiffError('INTERNAL', { message: `Could not connect to ${where}.`, detail: msg });
}
