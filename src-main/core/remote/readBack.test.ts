// What Skiff reads back from a server is checked before use; a value that does not fit refuses,
// naming the value.
import { describe, expect, it } from 'vitest';
import { parseKv, readAppState, readManifest, readMissing } from './readBack';

const R1 = '20261125-080910-aaaaaaaa';
const good = (extra = '') => `helper=skiff-root 0123456789abcdef
signers=yes
layout=2
lock=acquired
arch=x86_64
free=123456
current=releases/${R1}
release=${'a'.repeat(64)} ${R1}
manifest=${Buffer.from(JSON.stringify({ app: 'web', current: R1, releases: [{ id: R1, sha256: 'a'.repeat(64), label: 'v1.zip', deployedAt: '2026-11-25T08:09:10.000Z', migrations: ['1_init.js'], snapshot: true }], updatedAt: '2026-11-25T08:09:10.000Z' })).toString('base64')}
hashes=abc123
guard=inactive
reverted=
${extra}`;

const refusal = (f: () => unknown) => { try { f(); return undefined; } catch (e) { return e as { code: string; message: string }; } };

describe('readAppState', () => {
  it('reads what Skiff writes', () => {
    const s = readAppState('web', good());
    expect(s).toMatchObject({ helper: '0123456789abcdef', signers: true, lock: 'acquired', current: R1, releases: [{ id: R1, sha256: 'a'.repeat(64) }], guardArmed: false });
    expect(s.manifest.releases[0].migrations).toEqual(['1_init.js']);
  });

  it.each([
    ['a release folder named with $(…) and spaces', good('release=- x $(touch /tmp/p)'), 'x $(touch /tmp/p)'],
    ['current pointing outside releases/', good().replace(`current=releases/${R1}`, 'current=/etc'), '/etc'],
    ['config hashes that are not hex', good().replace('hashes=abc123', 'hashes=$(id)'), '$(id)'],
    ['a go-live record that is not Skiff\'s', good().replace('reverted=', 'reverted=now $(id) x'), 'now $(id) x'],
    ['a content store key that is not a hash (the lock\'s and the store query\'s read alike)', good() + '\nmissing=../../etc/passwd', '../../etc/passwd'],
  ])('refuses %s, naming it', (_what, out, named) => {
    const e = refusal(() => readAppState('web', out));
    expect(e?.code).toBe('SERVER_STATE_INVALID');
    expect(e?.message).toContain(named);
  });

  it('shows a lock holder it did not write without trusting it', () => {
    const s = readAppState('web', good().replace('lock=acquired', 'lock=held\nlock_holder=job-9 100 not-a-uuid $(rm) me@there\nlock_now=160'));
    expect(s.holder).toMatchObject({ jobId: 'job-9', installation: '', who: '$(rm) me@there' });
    expect(s.lockAge).toBe(60);
  });
});

describe('readMissing', () => {
  it('reads the keys a store query printed and refuses one that is not a key, as the lock does', () => {
    const key = 'b'.repeat(64);
    expect(readMissing('web', parseKv(`missing=${key}\n`))).toEqual([key]);
    expect(refusal(() => readMissing('web', parseKv(`missing=${key}\nmissing=$(id)\n`)))?.message).toContain('$(id)');
  });
});

describe('readManifest', () => {
  it('refuses a release id carrying shell, naming it and its field', () => {
    const m = { app: 'web', releases: [{ id: 'x$(touch /tmp/pwned)', sha256: 'a'.repeat(64), label: 'x', deployedAt: '2026-11-25T08:09:10.000Z', migrations: [], snapshot: false }], updatedAt: '2026-11-25T08:09:10.000Z' };
    const e = refusal(() => readManifest('web', Buffer.from(JSON.stringify(m)).toString('base64')));
    expect(e?.code).toBe('SERVER_STATE_INVALID');
    expect(e?.message).toMatch(/field releases\.0\.id .*"x\$\(touch \/tmp\/pwned\)"/);
  });

  it('refuses a manifest that is not JSON, and reads none as empty', () => {
    expect(refusal(() => readManifest('web', Buffer.from('{not json').toString('base64')))?.code).toBe('SERVER_STATE_INVALID');
    expect(readManifest('web', undefined).releases).toEqual([]);
  });
});
