// Skiff's signatures are what OpenSSH's own verifier accepts, and nothing else passes it.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSigningKey, sshSign } from './sshsig';

const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-sshsig-'));

function verify(message: string, signature: string, signers: string, namespace = 'skiff-helper'): boolean {
  writeFileSync(path.join(dir, 'msg'), message);
  writeFileSync(path.join(dir, 'msg.sig'), signature);
  writeFileSync(path.join(dir, 'signers'), signers);
  const r = spawnSync('ssh-keygen', ['-Y', 'verify', '-f', path.join(dir, 'signers'), '-I', 'skiff-desktop', '-n', namespace, '-s', path.join(dir, 'msg.sig')], { input: message });
  return r.status === 0;
}

describe('sshSign', () => {
  const key = generateSigningKey();
  const signers = `skiff-desktop namespaces="skiff-helper" ${key.publicKey}\n`;

  it('makes signatures ssh-keygen -Y verify accepts', () => {
    expect(key.publicKey).toMatch(/^ssh-ed25519 [A-Za-z0-9+/]{68}$/);
    const msg = '#!/bin/bash\necho "helper $(id)"\n';
    expect(verify(msg, sshSign(msg, key.privatePem, 'skiff-helper'), signers)).toBe(true);
  });

  it('is refused for another message, another namespace, or a key not listed', () => {
    const sig = sshSign('the real helper', key.privatePem, 'skiff-helper');
    expect(verify('a changed helper', sig, signers)).toBe(false);
    expect(verify('the real helper', sshSign('the real helper', key.privatePem, 'other'), signers)).toBe(false);
    const other = generateSigningKey();
    expect(verify('the real helper', sshSign('the real helper', other.privatePem, 'skiff-helper'), signers)).toBe(false);
  });

  it('signs what ssh-keygen itself signs the same way (its signature verifies too)', () => {
    // Sanity check of the verifier setup: a signature made by ssh-keygen with an OpenSSH key.
    const k = path.join(dir, 'id');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', k]);
    writeFileSync(path.join(dir, 'm2'), 'x');
    execFileSync('ssh-keygen', ['-Y', 'sign', '-f', k, '-n', 'skiff-helper', path.join(dir, 'm2')]);
    const pub = execFileSync('cat', [`${k}.pub`], { encoding: 'utf8' }).trim();
    const sig = execFileSync('cat', [path.join(dir, 'm2.sig')], { encoding: 'utf8' });
    expect(verify('x', sig, `skiff-desktop namespaces="skiff-helper" ${pub}\n`)).toBe(true);
  });
});
