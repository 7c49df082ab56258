// The settings file (same format electron-store writes, through `conf`), in a directory the host
// injects: Electron passes userData, tests and the browser host pass their own. Holds no secret.
import Conf from 'conf';
import { randomUUID } from 'node:crypto';
import { PRIVATE_FILE_MODE } from './dataDir';
import type { Preferences, Server } from '../../../src-shared/domain';

export interface SettingsData {
  servers: Server[];
  /** This desktop installation, so a server's lock names which desktop holds it. */
  installationId?: string;
  preferences?: Partial<Preferences>;
}

const DEFAULT_PREFERENCES: Preferences = { keepRunningInTray: false };

/** The user's app preferences, with defaults for what was never set. */
export function readPreferences(file: SettingsFile): Preferences {
  return { ...DEFAULT_PREFERENCES, ...(file.get('preferences') ?? {}) };
}

export function writePreferences(file: SettingsFile, change: Partial<Preferences>): Preferences {
  const next = { ...readPreferences(file), ...change };
  file.set('preferences', next);
  return next;
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
