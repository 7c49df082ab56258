// Many apps from one template: a name list whose items may hold a range ("shop-{1..50}",
// "t{01..12}"), and patterns where {name} stands for each app's name (domain, env values).
// Shared so the form previews exactly what main will create.

/** The most apps one template makes (a server runs dozens, not thousands). */
export const MAX_TEMPLATE_APPS = 200;

const APP_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** The app names a spec stands for, in order; throws an Error saying what is wrong. */
export function expandNames(spec: string): string[] {
  const items = spec.split(/[\s,]+/).filter(Boolean);
  if (items.length === 0) throw new Error('Give at least one name, or a range like shop-{1..50}.');
  const names: string[] = [];
  for (const item of items) {
    const m = /^([^{}]*)\{(\d+)\.\.(\d+)\}([^{}]*)$/.exec(item);
    if (!m) {
      if (/[{}]/.test(item)) throw new Error(`"${item}" is not a range: write it like shop-{1..50}.`);
      names.push(item);
    } else {
      const [, before, from, to, after] = m;
      const [a, b] = [Number(from), Number(to)];
      if (b < a) throw new Error(`"${item}" counts down: write the smaller number first.`);
      if (b - a + 1 > MAX_TEMPLATE_APPS) throw new Error(`"${item}" makes ${b - a + 1} apps; at most ${MAX_TEMPLATE_APPS} at once.`);
      // "{01..12}" keeps the zeros: t01 … t12.
      const width = from.length > 1 && from.startsWith('0') ? from.length : 0;
      for (let n = a; n <= b; n++) names.push(`${before}${String(n).padStart(width, '0')}${after}`);
    }
    if (names.length > MAX_TEMPLATE_APPS) throw new Error(`That makes more than ${MAX_TEMPLATE_APPS} apps; create them in parts.`);
  }
  const bad = names.find((n) => !APP_NAME.test(n));
  if (bad !== undefined) throw new Error(`"${bad}" cannot be an app name: lowercase letters, digits and dashes (a DNS label, at most 63).`);
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new Error(`"${n}" is named twice.`);
    seen.add(n);
  }
  return names;
}

/** `pattern` with every {name} replaced by `name`. */
export function fillPattern(pattern: string, name: string): string {
  return pattern.replaceAll('{name}', name);
}
