// The one place values become shell text. Everything Skiff sends to a remote shell goes through
// `shellQuote` or the `sh` template tag; nothing else concatenates user values into commands.

/** Quotes one value for POSIX sh/bash so it arrives as exactly one word, byte for byte. */
export function shellQuote(value: string | number): string {
  const s = String(value);
  if (s.includes('\0')) throw new Error('a shell argument cannot contain a NUL byte');
  if (s !== '' && /^[A-Za-z0-9_./:=@%+,-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A piece of shell text that is already safe (from `sh` or `raw`), so `sh` does not quote it again. */
export class ShellText {
  constructor(readonly text: string) {}
  toString(): string { return this.text; }
}

/** Marks trusted, constant shell syntax. Never pass user input to it. */
export function raw(text: string): ShellText {
  return new ShellText(text);
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
  return new ShellText(out);
}

/** Joins argv into a command line, every word quoted. */
export function argv(words: readonly (string | number)[]): string {
  return words.map(shellQuote).join(' ');
}
