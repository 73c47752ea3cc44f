// Legacy (SSILegacyExprParser on) expressions: httpd-tests if1–if11, regex, var128.

import { fakeHost } from './fake-host';
import { outcomeOf, run } from './test-helpers';

const COOKIE_128 = 'x'.repeat(126) + 'yz';

describe('legacy expressions', () => {
  it.each([
    ['&&, both sides true: $a = b && $c = d with a=b, c=d', '$a = b && $c = d', { a: 'b', c: 'd' }, 'T'],
    ['&&, one side false', '$a = b && $c = d', { a: 'b', c: 'x' }, 'F'],
    ['1 = 2 && 1 = 2 || 1 = 1 groups to the right', '1 = 2 && 1 = 2 || 1 = 1', {}, 'F'],
    ['1 = 1 || 1 = 2 && 1 = 2 groups to the right', '1 = 1 || 1 = 2 && 1 = 2', {}, 'T'],
    ['! before a bare comparison is an error', '! $a = b', { a: 'b' }, 'ERR'],
    ['! before a group negates it', '!($a = b)', { a: 'b' }, 'F'],
    ['a regex backslash is removed, so \\. is any char', '$x = /a\\.b/', { x: 'axb' }, 'T'],
    ['but \\\\. is a literal dot', '$x = /a\\\\.b/', { x: 'axb' }, 'F'],
    ['an undefined variable is false', '$u', {}, 'F'],
    ['an empty expression is false', '', {}, 'F'],
    ['if11: \\( is a non-empty string, so true', '\\(', {}, 'T'],
    ['if1: "1" = "1" (the quote is an ordinary byte)', '"1" = "1"', {}, 'T'],
    ['if1: "1" = "2"', '"1" = "2"', {}, 'F'],
    [
      'if8: parenthesised comparisons, first branch',
      '($x_SERVER_PORT = 80) && ($x_p_ssl = 0)',
      { x_SERVER_PORT: '443', x_p_ssl: '1' },
      'F',
    ],
    [
      'if8: parenthesised comparisons, elif branch',
      '($x_SERVER_PORT = 443) && ($x_p_ssl = 1)',
      { x_SERVER_PORT: '443', x_p_ssl: '1' },
      'T',
    ],
    ['if9: two regexes without parens', '$x = /^foo/ && $x = /bar$/', { x: 'foo bar' }, 'T'],
    ['if9: two regexes with parens', '($x = /^foo/) && ($x = /bar$/)', { x: 'foo bar' }, 'T'],
    ['if10: 1=1 without spaces', '1=1', {}, 'T'],
    ['a variable value with operators is one operand', '$v = $w', { v: 'a && b', w: 'a && b' }, 'T'],
    ['adjacent strings join with one space', "a  b = 'a b'", {}, 'T'],
    ['strcmp ordering', 'abc < abd', {}, 'T'],
    ['an unterminated quote is an empty string', "'abc", {}, 'F'],
    ['a chained comparison', 'a = b = c', {}, 'ERR'],
    ['an operator first', '= a', {}, 'ERR'],
    ['a missing operand', 'a =', {}, 'ERR'],
    ['a regex on the left', '/a/ = a', {}, 'ERR'],
    ['an unmatched )', 'a)', {}, 'ERR'],
    ['-A with a reachable URL', '-A /ok.html', {}, 'T'],
    ['-A with an unreachable URL', '-A /no.html', {}, 'F'],
  ] as const)('%s › %s', (_name, source, variables, expected) => {
    expect(outcomeOf(source, 'legacy', { variables: { ...variables }, accessibleUrls: ['/ok.html'] })).toBe(
      expected,
    );
  });
});

describe('legacy evaluation order', () => {
  it('short-circuit › the right side of || is not read once the left is true', () => {
    const host = fakeHost({ variables: { a: '1' } });
    expect(run('$a || $HTTP_ACCEPT_LANGUAGE', 'legacy', host)).toEqual({ ok: true, value: true });
    expect(host.variableReads).toEqual(['a']);
  });

  it('short-circuit › a malformed right side is never reached (Apache quirk)', () => {
    expect(outcomeOf('a || (b', 'legacy')).toBe('T');
    expect(outcomeOf("'' || (b", 'legacy')).toBe('ERR');
  });

  it('an unevaluated regex › disables short-circuit so its captures are always set', () => {
    const host = fakeHost({ variables: { x: 'foo' } });
    expect(run('a = b && $x = /(o)/', 'legacy', host)).toEqual({ ok: true, value: false });
    expect(host.captureHistory).toEqual([['o', 'o']]);
  });

  it('substitution › happens per operand, after the regex updated the captures', () => {
    const host = fakeHost({ variables: { x: 'foo' } });
    expect(run('$x = /^(f.)/ && $1 = fo', 'legacy', host)).toEqual({ ok: true, value: true });
  });
});

describe('legacy captures (httpd-tests regex and var128)', () => {
  it('$x = /^(f.)o/ with x=foo › captures foo, fo and nothing for $2', () => {
    const host = fakeHost({ variables: { x: 'foo' } });
    run('$x = /^(f.)o/', 'legacy', host);
    expect(host.captureHistory).toEqual([['foo', 'fo']]);
    expect(host.variable('1')).toBe('fo');
    expect(host.variable('2')).toBeUndefined();
  });

  it('regex: $foo = /(.)/ › $1 is 1, $2 undefined', () => {
    const host = fakeHost({ variables: { foo: '1234567890' } });
    expect(host.variable('1')).toBeUndefined();
    run('$foo = /(.)/', 'legacy', host);
    expect(host.variable('1')).toBe('1');
    expect(host.variable('2')).toBeUndefined();
  });

  it('var128: a 128-byte value captured by (.+) › kept whole', () => {
    const host = fakeHost({ variables: { HTTP_COOKIE: COOKIE_128 } });
    expect(run('$HTTP_COOKIE = /(.+)/', 'legacy', host)).toEqual({ ok: true, value: true });
    expect(host.variable('1')).toBe(COOKIE_128);
  });

  it.each([
    ['a regex without groups › still replaces the captures', '$x = /o+/', [['oo']]],
    ['a failed match › clears them', '$x = /(z)/', [null]],
    ['a group that did not participate › is undefined', '$x = /(f)|(z)/', [['f', 'f', undefined]]],
    ['a pattern that does not compile › leaves them and is TRUE (re_check returns -1)', '$x = /(/', []],
  ] as const)('%s', (_name, source, history) => {
    const host = fakeHost({ variables: { x: 'foo' } });
    const result = run(source, 'legacy', host);
    expect(result.ok).toBe(true);
    expect(host.captureHistory).toEqual(history);
  });
});
