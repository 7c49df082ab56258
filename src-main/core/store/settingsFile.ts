// The settings file (same format electron-store writes, through `conf`), in a directory the host
// injects: Electron passes userData, tests and the browser host pass their own. Holds no secret.
import Conf from 'conf';
import { randomUUID } from 'node:crypto';
import { PRIVATE_FILE_MODE } from './dataDir';
import type { Server } from '../../../src-shared/domain';

export interface SettingsData {
  servers: Server[];
  /** This desktop installation, so a server's lock names which desktop holds it. */
  installationId?: string;
}

export type SettingsFile = Conf<SettingsData>;

export function openSettingsFile(dataDir: string): SettingsFile {
  return new Conf<SettingsData>({
    cwd: dataDir,
    configName: 'settings',
    projectName: 'skiff',
    defaults: { servers: [] },
    // Written by Skiff only; no need to pay for JSON schema validation on every read.
    clearInvalidConfig: false,
    // conf rewrites the file atomically (a new file each time): the mode must be set on every write.
    configFileMode: PRIVATE_FILE_MODE,
  });
}

/** The installation's id, made once. */
export function installationId(file: SettingsFile): string {
  let id = file.get('installationId');
  if (!id) {
    id = randomUUID();
    file.set('installationId', id);
  }
  return id;
}
