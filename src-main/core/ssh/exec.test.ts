// The wrapper every remote script runs in: parsed whole first, stdin closed.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { wrapScript } from './exec';

const bash = (script: string, stdin = '') => spawnSync('bash', ['-s'], { input: wrapScript(script) + stdin, encoding: 'utf8' });

describe('wrapScript', () => {
  it('a command reading stdin cannot eat the rest of the script', () => {
    // Without the wrapper, `read` would consume the next line of the script itself.
    const r = bash('read -r answer || answer=none\necho "read: $answer"\necho after');
    expect(r.stdout).toBe('read: none\nafter\n');
  });

  it('a script that does not parse runs not at all', () => {
    const r = bash('echo first\nif then fi');
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe('');
  });

  it('stops at the first failing command, and an empty script is fine', () => {
    expect(bash('false\necho never').stdout).toBe('');
    expect(bash('').status).toBe(0);
  });
});
