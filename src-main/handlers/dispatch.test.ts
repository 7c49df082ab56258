// The boundary: every request is checked against the contract before a handler sees it.
import { describe, expect, it, vi } from 'vitest';
import { contract } from '../../src-shared/contract';
import { SkiffError } from '../../src-shared/errors';
import { dispatch, type Handlers } from './index';

function fakeHandlers(overrides: Partial<Handlers> = {}): Handlers {
  const all = Object.fromEntries(Object.keys(contract).map((m) => [m, vi.fn(async () => `ran ${m}`)])) as unknown as Handlers;
  return { ...all, ...overrides };
}

describe('dispatch', () => {
  it('refuses a method the contract does not have, without running anything', async () => {
    const h = fakeHandlers();
    const res = await dispatch(h, 'fs.readFile', { path: '/etc/shadow' });
    expect(res).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await dispatch(h, '__proto__', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await dispatch(h, 'toString', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  it.each([
    [{ name: 'x', host: 'a b', port: 22, user: 'root', auth: { kind: 'agent' } }, /host: Host must be a host name/],
    [{ name: 'x', host: 'h.example', port: 0, user: 'root', auth: { kind: 'agent' } }, /port: Port must be 1 to 65535/],
    [{ name: 'x', host: 'h.example', port: 22, user: 'ro ot', auth: { kind: 'agent' } }, /user: User must be a login name/],
    [{ name: '', host: 'h.example', port: 22, user: 'root', auth: { kind: 'agent' } }, /name: Name is required/],
    [{ name: 'x', host: 'h.example', port: 22, user: 'root', auth: { kind: 'telepathy' } }, /auth/],
    [{ name: 'x', host: '$(reboot)', port: 22, user: 'root', auth: { kind: 'agent' } }, /host/],
  ])('rejects %o with a message naming the field', async (input, message) => {
    const add = vi.fn();
    const res = await dispatch(fakeHandlers({ 'servers.add': add }), 'servers.add', input);
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.error.code).toBe('INVALID_INPUT');
      expect(res.error.message).toMatch(message);
    }
    expect(add).not.toHaveBeenCalled();
  });

  it('passes parsed input (trimmed, coerced, defaulted) to the handler', async () => {
    const add = vi.fn(async (i: unknown) => i);
    const res = await dispatch(fakeHandlers({ 'servers.add': add as never }), 'servers.add', { name: ' web ', host: '[2001:db8::1]', port: '2222', user: 'root', auth: { kind: 'agent' } });
    expect(res).toEqual({ ok: true, value: { name: 'web', host: '2001:db8::1', port: 2222, user: 'root', auth: { kind: 'agent' } } });
  });

  it('returns SkiffErrors as payloads and hides other errors behind INTERNAL', async () => {
    const failing = fakeHandlers({
      'servers.list': async () => { throw new SkiffError('KEYCHAIN_UNAVAILABLE'); },
      'servers.get': async () => { throw new TypeError('boom'); },
    });
    expect(await dispatch(failing, 'servers.list', {})).toMatchObject({ ok: false, error: { code: 'KEYCHAIN_UNAVAILABLE', fix: expect.stringMatching(/keychain/) } });
    expect(await dispatch(failing, 'servers.get', { id: 'abcdef-123' })).toMatchObject({ ok: false, error: { code: 'INTERNAL', detail: 'boom' } });
  });
});

describe('apps.createMany and fleet.* at the boundary', () => {
  const serverId = 'server-1';
  it.each([
    [{ serverId, names: 'shop-{1..500}' }, /names: .*at most 200/],
    [{ serverId, names: 'Shop' }, /names: "Shop" cannot be an app name/],
    [{ serverId, names: 'a b', domainPattern: 'shop.example.com' }, /domainPattern: With more than one app, the domain needs \{name\}/],
    [{ serverId, names: 'a', domainPattern: '{name}.exa mple.com' }, /domainPattern: "a.exa mple.com" is not a domain/],
  ])('refuses a template %o before any app is made', async (input, message) => {
    const many = vi.fn();
    const res = await dispatch(fakeHandlers({ 'apps.createMany': many }), 'apps.createMany', input);
    expect(res).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringMatching(message) } });
    expect(many).not.toHaveBeenCalled();
  });

  it('hands the handler the expanded names', async () => {
    const many = vi.fn(async (i: unknown) => i);
    const res = await dispatch(fakeHandlers({ 'apps.createMany': many as never }), 'apps.createMany', { serverId, names: 'docs, shop-{01..03}', domainPattern: '{name}.example.com' });
    expect(res).toMatchObject({ ok: true, value: { names: ['docs', 'shop-01', 'shop-02', 'shop-03'], domainPattern: '{name}.example.com', tls: 'auto' } });
  });

  it.each([
    ['fleet.deploy', { appIds: [], sha256: 'a'.repeat(64) }, /appIds: Pick at least one app/],
    ['fleet.deploy', { appIds: ['app-000001'], sha256: 'a'.repeat(64), batchSize: 0 }, /batchSize: Run at least 1 at a time/],
    ['fleet.deploy', { appIds: ['../etc'], sha256: 'a'.repeat(64) }, /appIds.0: not a valid id/],
    ['fleet.retryFailed', { maxFailures: -1 }, /maxFailures: At least 0/],
  ] as const)('refuses %s %o', async (method, input, message) => {
    const res = await dispatch(fakeHandlers(), method, input);
    expect(res).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringMatching(message) } });
  });
});

describe('tags at the boundary', () => {
  it('lowercases and deduplicates tags, and refuses one that is not a plain label', async () => {
    const update = vi.fn(async (i: unknown) => i);
    const res = await dispatch(fakeHandlers({ 'servers.update': update as never }), 'servers.update', { id: 'server-1', tags: ['Prod', 'prod', 'eu-1'] });
    expect(res).toMatchObject({ ok: true, value: { tags: ['prod', 'eu-1'] } });
    const bad = await dispatch(fakeHandlers(), 'apps.update', { id: 'app-000001', tags: ['$(reboot)'] });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringMatching(/tags.0: Tags are letters/) } });
  });
});

describe('an app\'s health timeout at the boundary', () => {
  it.each([[4, /at least 5 s/], [601, /At most 600 s/], [7.5, /whole seconds/]])('refuses %s', async (healthTimeoutS, message) => {
    const res = await dispatch(fakeHandlers(), 'apps.update', { id: 'app-000001', healthTimeoutS });
    expect(res).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringMatching(message) } });
  });
});
