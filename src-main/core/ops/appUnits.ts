// Which apps on a server run as their own service user (read from systemd by APP_UNITS_SCRIPT).
import { serviceUser } from '../remote/paths';
import { parseKv } from '../remote/readBack';

/** The apps a server runs (APP_UNITS_SCRIPT's output) and the user each runs as. */
function unitUsers(unitsOutput: string): Map<string, string> {
  return new Map((parseKv(unitsOutput).get('unit') ?? []).map((l) => [l.split(' ')[0], l.split(' ')[1] ?? '']));
}

/** Names of the apps on the server that do not run as their own service user. */
export function appsNotOnServiceUsers(unitsOutput: string): string[] {
  return [...unitUsers(unitsOutput)].filter(([name, user]) => user !== serviceUser(name)).map(([name]) => name);
}

