// versions.* : the local version library and official PocketBase releases.
import path from 'node:path';
import type { SkiffCore } from '../core/skiffCore';
import { runScript } from '../core/ssh/exec';
import { ARCH_SCRIPT } from '../core/remote/scripts/serverScripts';
import { fetchOfficialRelease, releaseArch } from '../core/versions/official';
import type { Handlers } from './index';

type VersionMethods = 'versions.list' | 'versions.add' | 'versions.setNotes' | 'versions.remove' | 'versions.export' | 'versions.fetchOfficial';

export function versionHandlers({ versions, servers, pool, dataDir }: SkiffCore): Pick<Handlers, VersionMethods> {
  return {
    'versions.list': async () => versions.list(),
    'versions.add': ({ path: file, fileName, notes, binary }) => versions.add(file, { fileName, notes, binary }),
    'versions.setNotes': async ({ sha256, notes }) => versions.setNotes(sha256, notes),
    'versions.remove': async ({ sha256 }) => { versions.remove(sha256); return { removed: true as const }; },
    'versions.export': async ({ sha256 }) => ({ path: versions.export(sha256) }),
    'versions.fetchOfficial': async ({ version, serverId }) => {
      const server = servers.get(serverId);
      const arch = server.facts?.arch ?? (await runScript(await pool.get(serverId), ARCH_SCRIPT.text, { check: true })).stdout.trim();
      const got = await fetchOfficialRelease({
        version,
        arch: releaseArch(arch),
        baseUrl: process.env.SKIFF_POCKETBASE_RELEASES_URL,
        cacheDir: path.join(dataDir, 'cache', 'pocketbase'),
      });
      return versions.add(got.file, { fileName: got.fileName, notes: `Official PocketBase ${version}`, origin: { source: 'official', pbVersion: version } });
    },
  };
}
