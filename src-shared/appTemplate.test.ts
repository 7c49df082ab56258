// Names from a template: ranges, lists, and every way a spec can be wrong, each with its reason.
import { describe, expect, it } from 'vitest';
import { expandNames, fillPattern, MAX_TEMPLATE_APPS } from './appTemplate';

describe('expandNames', () => {
  it('expands ranges, keeps lists in order, and keeps leading zeros', () => {
    expect(expandNames('shop-{1..3}')).toEqual(['shop-1', 'shop-2', 'shop-3']);
    expect(expandNames('t{08..11}x')).toEqual(['t08x', 't09x', 't10x', 't11x']);
    expect(expandNames('blog, docs\nshop-{1..2}')).toEqual(['blog', 'docs', 'shop-1', 'shop-2']);
    expect(expandNames(`a-{1..${MAX_TEMPLATE_APPS}}`)).toHaveLength(MAX_TEMPLATE_APPS);
  });

  it.each([
    ['', /at least one name/],
    ['shop-{3..1}', /counts down/],
    ['shop-{1..5', /not a range/],
    ['a-{1..2}-{1..2}', /not a range/],
    [`a-{1..${MAX_TEMPLATE_APPS + 1}}`, /at most 200/],
    [`a-{1..150} b-{1..60}`, /more than 200/],
    ['Shop', /cannot be an app name/],
    ['shop-{1..2} shop-2', /"shop-2" is named twice/],
    ['x$(reboot)', /cannot be an app name/],
    ['-{1..2}', /cannot be an app name/],
  ])('refuses %j with its reason', (spec, why) => {
    expect(() => expandNames(spec)).toThrow(why);
  });
});

describe('fillPattern', () => {
  it('puts the name wherever {name} stands', () => {
    expect(fillPattern('{name}.example.com', 'shop-1')).toBe('shop-1.example.com');
    expect(fillPattern('/data/{name}/{name}', 'a')).toBe('/data/a/a');
    expect(fillPattern('plain', 'a')).toBe('plain');
  });
});
