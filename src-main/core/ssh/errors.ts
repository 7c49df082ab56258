// Turns what ssh2 and the network throw into errors a user can act on.
import { SkiffError } from '../../../src-shared/errors';

export interface ConnectContext { host: string; port: number; user: string; banHint?: BanHint }

/** What Skiff knows of a hardened server's fail2ban, to name a ban as the likely cause. */
export interface BanHint {
  /** This desktop's address as the server saw it at the last login. */
  clientIp?: string;
  /** "1 hour" */
  banTime: string;
  maxRetry: number;
  findTime: string;
}

/** The handshake did not complete, on a server whose fail2ban Skiff set up: most likely a ban. */
function likelyBanned(e: SkiffError, hint: BanHint, where: string): SkiffError {
  const ip = hint.clientIp ?? 'YOUR-IP';
  return new SkiffError(e.code, {
    message: `${where} does not complete the SSH handshake. This server's fail2ban has most likely banned this computer's address${hint.clientIp ? ` (${hint.clientIp})` : ''}: it bans for ${hint.banTime} after ${hint.maxRetry} refused logins within ${hint.findTime} (a mistyped user or key counts, e.g. \`ssh root@…\`). Your apps keep running.`,
    fix: `Wait ${hint.banTime} and try again, or lift the ban from your provider's web console: fail2ban-client set sshd unbanip ${ip}`,
    detail: e.detail,
  });
}

export function mapConnectError(err: unknown, ctx: ConnectContext): SkiffError {
  const e = mapError(err, ctx);
  if (ctx.banHint && ['CONNECTION_REFUSED', 'CONNECTION_TIMEOUT', 'CONNECTION_LOST'].includes(e.code)) return likelyBanned(e, ctx.banHint, `${ctx.host}:${ctx.port}`);
  return e;
}

function mapError(err: unknown, ctx: ConnectContext): SkiffError {
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
