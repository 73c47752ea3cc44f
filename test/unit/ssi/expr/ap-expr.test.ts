// ap_expr (the 2.4 default) through the public API: host routing, Vary, captures, restricted names, limits.

import { parseExpression } from '../../../../src/ssi/expr';
import { fakeHost } from './fake-host';
import { outcomeOf, run } from './test-helpers';

describe('ap_expr host routing', () => {
  it.each([
    ["v() reads SSI vars: v('x') == 'y' after set x=y", "v('x') == 'y'", 'T'],
    ['reqenv() reads SSI vars too', "reqenv('x') = 'y'", 'T'],
    ["note('x') is empty (SSI vars are not notes)", "note('x') == ''", 'T'],
    ['env() reads notes first', "env('n') == 'note'", 'T'],
    ['env() falls back to SSI variables', "env('x') == 'y'", 'T'],
    ['env() falls back to the OS environment last', "env('HOME') == '/root'", 'T'],
    ['osenv() reads only the OS environment', "osenv('x') == ''", 'T'],
    ['resp() reads response headers', "resp('Content-Type') == 'text/html'", 'T'],
    ['%{QUERY_STRING} =~ /^id=([0-9]+)/ matches', '%{QUERY_STRING} =~ /^id=([0-9]+)/', 'T'],
    [
      "a backref in a later word sees this expression's captures",
      '%{QUERY_STRING} =~ /=([0-9]+)/ && $1 -eq 42',
      'T',
    ],
    ['-F asks the host', "-F '/srv/a.txt'", 'T'],
    ['-R tests the client address', "-R '192.168.0.0/16'", 'T'],
  ] as const)('%s › %s', (_name, source, expected) => {
    const options = {
      variables: { x: 'y', n: 'var' },
      notes: { n: 'note' },
      osEnvironment: { HOME: '/root', x: '' },
      responseHeaders: { 'Content-Type': 'text/html' },
      serverVariables: { QUERY_STRING: 'id=42' },
      accessibleFiles: ['/srv/a.txt'],
      remoteAddress: '192.168.1.7',
    };
    expect(outcomeOf(source, 'ap-expr', options)).toBe(expected);
  });
});

describe('ap_expr request headers and Vary', () => {
  it.each([
    ["req('X-Lang')", "req('X-Lang') == 'de'", [{ name: 'X-Lang', vary: true }]],
    ["http('X-Lang')", "http('X-Lang') == 'de'", [{ name: 'X-Lang', vary: true }]],
    [
      "req('Host') is passed through; the engine leaves Host out of Vary",
      "req('Host') == 'h'",
      [{ name: 'Host', vary: true }],
    ],
    ["req_novary('X-Lang')", "req_novary('X-Lang') == 'de'", [{ name: 'X-Lang', vary: false }]],
    ['%{HTTP_ACCEPT}', "%{HTTP_ACCEPT} == ''", [{ name: 'Accept', vary: true }]],
    ['%{HTTP_HOST}', "%{HTTP_HOST} == ''", [{ name: 'Host', vary: true }]],
    ['a short-circuited right side is not read', "true || req('X-Lang') == 'de'", []],
    [
      'list items are read last-first, until one matches',
      "'b' in {req('A'), req('B')}",
      [{ name: 'B', vary: true }],
    ],
  ] as const)('%s › asks the host %j', (_name, source, reads) => {
    const host = fakeHost({ requestHeaders: { 'X-Lang': 'de', B: 'b' } });
    expect(run(source, 'ap-expr', host).ok).toBe(true);
    expect(host.headerReads).toEqual(reads);
  });
});

describe('ap_expr captures', () => {
  it.each([
    ['a regex with groups that matches › sets $0..$n', "'foo' =~ /^(f.)o/", [['foo', 'fo']]],
    ['a regex with groups that fails › clears them', "'bar' =~ /^(f.)o/", [null]],
    ['!~ with groups › sets them too', "'foo' !~ /(o)/", [['o', 'o']]],
    ['a regex without groups › leaves them alone', "'foo' =~ /o/", []],
    ['a group that did not participate › undefined', "'ab' =~ /a(x)?b/", [['ab', undefined]]],
    [
      'more than 9 groups › only $0..$9',
      "'abcdefghijk' =~ /(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)/",
      [['abcdefghijk', ...'abcdefghi']],
    ],
  ] as const)('%s', (_name, source, history) => {
    const host = fakeHost();
    expect(run(source, 'ap-expr', host).ok).toBe(true);
    expect(host.captureHistory).toEqual(history);
  });

  it('a backref before any regex in this expression › reads the host ($n of an earlier if)', () => {
    const host = fakeHost();
    host.setCaptures(['foo', 'fo']);
    expect(run("$1 == 'fo'", 'ap-expr', host)).toEqual({ ok: true, value: true });
  });
});

describe('ap_expr parse errors', () => {
  it.each([
    ['a legacy-style bare word (ap_expr quotes strings)', '$x = y'],
    ['an empty expression', ''],
    ['-f is restricted (no file tests in SSI)', "-f '/etc/passwd'"],
    ['file() is restricted', "file('/etc/passwd') == ''"],
    ['filesize() is restricted', "filesize('/etc/passwd') == 0"],
    ['apexpr/err: 1 = 2 = 3', '1 = 2 = 3'],
    ['an unknown %{VAR}', "%{NO_SUCH_VAR} == ''"],
    ['an unknown function', "nope('x') == ''"],
    ['-R with a non-constant argument', '-R %{QUERY_STRING}'],
    ['-ipmatch with a bad subnet', "'1.2.3.4' -ipmatch 'x'"],
    ['a regex that does not compile', "'a' =~ /(/"],
    ['an unterminated string', "'abc"],
    ['a newline inside a string', "'a\nb' == ''"],
    ['an over-long string part', `'${'x'.repeat(8192)}' == ''`],
  ])('%s › { ok: false }', (_name, source) => {
    expect(parseExpression(source, 'ap-expr').ok).toBe(false);
  });
});

describe('ap_expr evaluation limits', () => {
  const nested = (depth: number): string => `${'tolower('.repeat(depth)}'A'${')'.repeat(depth)} == 'a'`;

  it('18 nested calls › evaluate (AP_EXPR_MAX_RECURSION = 20, as on Apache)', () => {
    expect(run(nested(18), 'ap-expr')).toEqual({ ok: true, value: true });
  });

  it('19 nested calls › "Recursion limit reached", as on Apache', () => {
    expect(run(nested(19), 'ap-expr')).toEqual({ ok: false, message: 'Recursion limit reached' });
  });

  it('a long && chain › is walked in a loop, not recursion', () => {
    expect(run(Array(500).fill('true').join(' && '), 'ap-expr')).toEqual({ ok: true, value: true });
  });

  it('a host that throws › gives { ok: false }, not an exception', () => {
    const host = fakeHost();
    host.serverVariable = () => {
      throw new Error('boom');
    };
    expect(run("%{QUERY_STRING} == ''", 'ap-expr', host).ok).toBe(false);
  });
});
