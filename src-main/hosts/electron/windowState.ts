// The window's size and position, remembered between runs (a JSON file in the user data folder)
// and brought back only where a display still shows it: a monitor unplugged since must not leave
// the window off-screen.

export interface Bounds { x: number; y: number; width: number; height: number }
export interface WindowState { bounds: Bounds; maximized: boolean }

export const DEFAULT_SIZE = { width: 1200, height: 800 } as const;
const MIN = { width: 900, height: 600 } as const;

/** Parses a saved state; anything that is not a sane one is no state. */
export function parseWindowState(text: string | undefined): WindowState | undefined {
  try {
    const v = JSON.parse(text ?? '') as Partial<WindowState>;
    const b = v.bounds as Partial<Bounds> | undefined;
    const nums = b && [b.x, b.y, b.width, b.height].every((n) => typeof n === 'number' && Number.isFinite(n) && Math.abs(n) < 100_000);
    if (!nums) return undefined;
    return { bounds: { x: b.x!, y: b.y!, width: b.width!, height: b.height! }, maximized: v.maximized === true };
  } catch {
    return undefined;
  }
}

/**
 * Where to open the window: the saved bounds when at least a 100×100 corner of them lies on one of
 * the displays' work areas (shrunk to that area if larger), else centred default size (undefined
 * x/y: Electron centres it).
 */
export function restoreBounds(saved: WindowState | undefined, workAreas: Bounds[]): Partial<Bounds> & { width: number; height: number } {
  if (!saved) return { ...DEFAULT_SIZE };
  const b = saved.bounds;
  const area = workAreas.find((a) => overlap(b, a) >= 100 * 100);
  if (!area) return { ...DEFAULT_SIZE };
  const width = Math.max(MIN.width, Math.min(b.width, area.width));
  const height = Math.max(MIN.height, Math.min(b.height, area.height));
  return { x: clamp(b.x, area.x, area.x + area.width - width), y: clamp(b.y, area.y, area.y + area.height - height), width, height };
}

function overlap(a: Bounds, b: Bounds): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), Math.max(lo, hi));
}
