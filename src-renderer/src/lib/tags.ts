// Tags as typed in a form: separated by commas or spaces (the contract checks each one).
export function parseTags(text: string): string[] {
  return text.split(/[\s,]+/).map((t) => t.trim()).filter(Boolean);
}

export function formatTags(tags: readonly string[] | undefined): string {
  return (tags ?? []).join(', ');
}
