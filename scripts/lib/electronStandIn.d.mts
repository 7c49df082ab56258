/** Electron's shipped fuse wire (v1), one '0'/'1' per fuse. */
export declare const SHIPPED_WIRE: string;
/** Writes a stand-in Electron release zip for `version` (Linux x64) and returns its path. */
export declare function makeElectronStandInZip(version: string): Promise<string>;
