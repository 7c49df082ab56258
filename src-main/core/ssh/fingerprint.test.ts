import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyAlgorithm, sha256Fingerprint } from './fingerprint';

describe('host-key fingerprints', () => {
  for (const type of ['ed25519', 'rsa', 'ecdsa'] as const) {
    it(`match ssh-keygen -lf for ${type}`, () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-fp-'));
      const key = path.join(dir, 'host');
      execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', key]);
      const blob = Buffer.from(readFileSync(`${key}.pub`, 'utf8').split(' ')[1], 'base64');
      const expected = execFileSync('ssh-keygen', ['-lf', `${key}.pub`], { encoding: 'utf8' }).split(' ')[1];
      expect(sha256Fingerprint(blob)).toBe(expected);
      expect(keyAlgorithm(blob)).toMatch(type === 'rsa' ? /^ssh-rsa$/ : type === 'ed25519' ? /^ssh-ed25519$/ : /^ecdsa-sha2-nistp256$/);
    });
  }

  it('names an unparseable blob unknown instead of throwing', () => {
    expect(keyAlgorithm(Buffer.from([0, 0]))).toBe('unknown');
    expect(keyAlgorithm(Buffer.from([0xff, 0xff, 0xff, 0xff, 1]))).toBe('unknown');
  });
});
