import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRepairLinkToken, withoutParam } from '../../src/core/repairLinkUrl.js';

describe('isRepairLinkToken', () => {
  it.each([
    ['a base64url token', 'AbC-_09xyz', true],
    ['512 characters', 'a'.repeat(512), true],
    ['513 characters', 'a'.repeat(513), false],
    ['empty', '', false],
    ['standard base64 (+ and /)', 'ab+c/d', false],
    ['padding', 'abcd==', false],
    ['a dot', 'abc.def', false],
    ['a space', 'abc def', false],
    ['not a string', 42, false],
  ])('given %s, should say %s', (_label, value, expected) => {
    expect(isRepairLinkToken(value)).toBe(expected);
  });
});

describe('withoutParam', () => {
  it.each([
    ['?meld_repair=tok', 'tok', ''],
    ['?a=1&meld_repair=tok&b=2', 'tok', '?a=1&b=2'],
    ['?meld_repair=tok&a=b%20c&a=d+e&flag', 'tok', '?a=b%20c&a=d+e&flag'],
    ['?meld_repair=one&x=1&meld_repair=two', 'one', '?x=1'],
    ['?meld%5Frepair=tok&x=1', 'tok', '?x=1'],
    ['?meld_repair&x=1', '', '?x=1'],
    ['?meld_repair=a%2Bb', 'a+b', ''],
    ['?x=1&&meld_repair=t', 't', '?x=1'],
  ])('given %s, should take %j and leave %j', (search, value, rest) => {
    expect(withoutParam(search, 'meld_repair')).toEqual({ value, search: rest });
  });

  it('given no such parameter, should leave the query exactly as it was', () => {
    for (const search of ['', '?', '?a=1', '?meld_repair_x=1', '?%E0%A4%A=1']) {
      expect(withoutParam(search, 'meld_repair')).toEqual({ value: undefined, search });
    }
  });

  it('given any other pairs, should keep them verbatim and in order', () => {
    const pair = fc.tuple(fc.stringMatching(/^[a-z%0-9+]{1,6}$/), fc.option(fc.stringMatching(/^[a-z%0-9+=]{0,6}$/), { nil: undefined }));
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 6 }), fc.nat({ max: 6 }), (pairs, at) => {
        const others = pairs.map(([k, v]) => (v === undefined ? k : `${k}=${v}`)).filter((p) => !/^meld_repair(=|$)/.test(p));
        const all = [...others];
        all.splice(Math.min(at, all.length), 0, 'meld_repair=tok');
        const result = withoutParam(`?${all.join('&')}`, 'meld_repair');
        expect(result.value).toBe('tok');
        expect(result.search).toBe(others.length ? `?${others.join('&')}` : '');
      }),
    );
  });
});
