// The one place values become shell text. Everything Skiff sends to a remote shell goes through
// `shellQuote` or the `sh` template tag; nothing else concatenates values into commands. There is
// no way to mark a string as "already safe": only `sh` makes ShellText, so data can never be
// spliced in unquoted.

/** Quotes one value for POSIX sh/bash so it arrives as exactly one word, byte for byte. */
export function shellQuote(value: string | number): string {
  const s = String(value);
  if (s.includes('\0')) throw new Error('a shell argument cannot contain a NUL byte');
  if (s !== '' && /^[A-Za-z0-9_./:=@%+,-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const made = Symbol('ShellText');

/** Shell text rendered by `sh` (literal template parts plus quoted values); `sh` embeds it as is. */
export class ShellText {
  /** @internal use `sh`: only this module holds the key. */
  constructor(readonly text: string, key: symbol) {
    if (key !== made) throw new Error('ShellText is made by the sh template tag only');
  }
  toString(): string { return this.text; }
}

type Value = string | number | ShellText | readonly (string | number)[];

/** Template tag: literal parts stay as written, every interpolated value is quoted (arrays word by word). */
export function sh(strings: TemplateStringsArray, ...values: Value[]): ShellText {
  let out = strings[0];
  values.forEach((v, i) => {
    if (v instanceof ShellText) out += v.text;
    else if (Array.isArray(v)) out += v.map(shellQuote).join(' ');
    else out += shellQuote(v as string | number);
    out += strings[i + 1];
  });
  return new ShellText(out, made);
}

/** Joins shell fragments with a separator (newline by default). */
export function joinSh(parts: readonly ShellText[], sep = '\n'): ShellText {
  return new ShellText(parts.map((p) => p.text).join(sep), made);
}

/** Joins argv into a command line, every word quoted. */
export function argv(words: readonly (string | number)[]): string {
  return words.map(shellQuote).join(' ');
}
