export declare const RELEASE_FUSES: Record<string, '0' | '1'>;
export declare function fuseProblems(binary: string): Promise<string[]>;
export declare function packedBinaries(dist: string): string[];
