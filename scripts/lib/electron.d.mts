export function electronBinary(root?: string): { path?: string; reason?: string };
