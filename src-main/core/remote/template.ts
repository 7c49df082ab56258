// Config files Skiff writes on a server are templates with `{{name}}` placeholders. The same
// template text is filled here (previews, snapshots, tests) and by the root helper on the server
// (the only writer), after the helper has validated every value: see helper/build.ts.

export type TemplateValues = Record<string, string>;

/** Replaces every `{{name}}`; throws on a value missing or a placeholder left unfilled. */
export function fillTemplate(template: string, values: TemplateValues): string {
  const out = template.replace(/\{\{([A-Za-z][A-Za-z0-9]*)\}\}/g, (_m, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`template value "${name}" is missing`);
    return v;
  });
  return out;
}

/** The placeholder names a template uses (the helper's renderer must pass exactly these). */
export function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(/\{\{([A-Za-z][A-Za-z0-9]*)\}\}/g)].map((m) => m[1]))].sort();
}
