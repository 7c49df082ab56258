import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { argv, sh, shellQuote, ShellText } from './quote';

/** What bash really receives: each argument printed between NUL separators. */
function bashWords(commandLine: string): string[] {
  const out = execFileSync('bash', ['-c', `f() { for a in "$@"; do printf '%s\\0' "$a"; done; }; f ${commandLine}`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

const NASTY = ["it's", 'a b', '"double"', '$(touch /tmp/skiff-pwned)', '`id`', 'new\nline', 'tab\there', '$HOME', '*', '~', '-rf', '', ' ', "'", '\\', '!event', '{a,b}', ';ls', '&&', '| cat', '#comment', 'ünïcödé ✓'];

describe('shellQuote', () => {
  it('passes hostile strings to bash as exactly one unchanged word each', () => {
    expect(bashWords(NASTY.map(shellQuote).join(' '))).toEqual(NASTY);
  });

  it('round-trips any string without NUL (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }).map((s) => s.replace(/\0/g, '')), { minLength: 1, maxLength: 5 }), (words) => {
        expect(bashWords(argv(words))).toEqual(words);
      }),
      { numRuns: 150 },
    );
  });

  it('leaves plain words readable and refuses NUL', () => {
    expect(shellQuote('/opt/skiff/apps/web-1')).toBe('/opt/skiff/apps/web-1');
    expect(shellQuote(8090)).toBe('8090');
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
  });
});

describe('sh template', () => {
  it('quotes every interpolated value and keeps literal parts as written', () => {
    const name = 'my app $(reboot)';
    const cmd = sh`printf '%s|' ${name} ${['x y', "z'"]} "$HOME"`;
    expect(cmd.text).toBe(`printf '%s|' 'my app $(reboot)' 'x y' 'z'\\''' "$HOME"`);
    const out = execFileSync('bash', ['-c', cmd.text], { encoding: 'utf8', env: { HOME: '/home/h' } });
    expect(out).toBe("my app $(reboot)|x y|z'|/home/h|");
  });

  it('cannot be told that data is already safe: only sh makes shell text', () => {
    expect(() => new ShellText('$(reboot)', Symbol('ShellText'))).toThrow(/sh template tag only/);
  });

  it('does not double-quote nested sh fragments', () => {
    const inner = sh`echo ${'a b'}`;
    expect(sh`${inner} && ${'c d'}`.text).toBe(`echo 'a b' && 'c d'`);
  });
});
