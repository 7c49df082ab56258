export declare function debianVersion(v: string): string;
export declare function buildDeb(o: { root: string; unpacked: string; outDir: string }): string;
