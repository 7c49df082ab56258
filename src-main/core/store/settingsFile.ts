// The settings file (same format electron-store writes, through `conf`), in a directory the host
// injects: Electron passes userData, tests and the browser host pass their own. Holds no secret.
import Conf from 'conf';
import type { Server } from '../../../src-shared/domain';

export interface SettingsData {
  servers: Server[];
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
  });
}
