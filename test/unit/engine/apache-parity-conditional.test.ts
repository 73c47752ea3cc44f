// Conditionals, regex captures and -A as the shipped Apache httpd 2.4 binary runs them (verified against
// /usr/sbin/apache2 2.4.71; the corpus groups conditional/, apexpr/, legacy/ and malformed/ repeat these).

import { ERR, renderFiles, renderOne } from '../../support/render-memory';

const legacy = { expressionSyntax: 'legacy' as const };

describe('a failed if/elif (the binary clears PRINTING and COND_TRUE and sets flag 0x10)', () => {
  it.each([
    [
      'an empty expr › error text, body hidden, endif restores printing',
      'a<!--#if expr="" -->b<!--#endif -->c',
      `a${ERR}c`,
    ],
    [
      'a parse error then else › else does nothing',
      'a<!--#if expr="1 = 2 = 3" -->b<!--#else -->c<!--#endif -->d',
      `a${ERR}d`,
    ],
    ['no attributes › same as a parse error', 'a<!--#if -->b<!--#else -->c<!--#endif -->d', `a${ERR}d`],
    ['expr without a value › same as a parse error', 'a<!--#if expr -->b<!--#endif -->c', `a${ERR}c`],
    ['an unknown attribute › same as a parse error', 'a<!--#if test="1" -->b<!--#endif -->c', `a${ERR}c`],
    [
      'two attributes › same as a parse error',
      'a<!--#if expr="true" expr="true" -->b<!--#endif -->c',
      `a${ERR}c`,
    ],
    ['no endif › the rest of the page is hidden', 'a<!--#if expr="(" -->b', `a${ERR}`],
    [
      'then elif true › that branch prints',
      'a<!--#if expr="" -->b<!--#elif expr="true" -->c<!--#endif -->d',
      `a${ERR}cd`,
    ],
    [
      'then elif true then else › else is a no-op, so it keeps printing',
      'a<!--#if expr="" -->b<!--#elif expr="true" -->c<!--#else -->d<!--#else -->e<!--#endif -->f',
      `a${ERR}cdef`,
    ],
    [
      'then elif false then else › else is a no-op, nothing prints',
      'a<!--#if expr="" -->b<!--#elif expr="false" -->c<!--#else -->d<!--#endif -->e',
      `a${ERR}e`,
    ],
    [
      'a nested if inside the taken elif › its else is a no-op too',
      'a<!--#if expr="" -->b<!--#elif expr="true" -->c<!--#if expr="false" -->d<!--#else -->e<!--#endif -->f<!--#else -->g<!--#endif -->h',
      `a${ERR}cfh`,
    ],
    [
      'endif clears the flag › a later else works again',
      '<!--#if expr="" --><!--#endif --><!--#if expr="false" -->a<!--#else -->b<!--#endif -->',
      `${ERR}b`,
    ],
  ])('%s', async (_name, page, expected) => {
    expect(await renderOne(page)).toBe(expected);
  });

  it.each([
    [
      'elif with a malformed expr after a false if › error text, then the next elif decides',
      'a<!--#if expr="false" -->b<!--#elif expr="==" -->c<!--#elif expr="true" -->d<!--#else -->e<!--#endif -->f',
      `a${ERR}def`,
    ],
    [
      'elif without attributes after a true branch › error text, the rest of the branch hidden',
      'a<!--#if expr="true" -->b<!--#elif -->c<!--#else -->d<!--#endif -->e',
      `ab${ERR}e`,
    ],
    [
      'elif with a malformed expr after a true branch › not evaluated, silent',
      'a<!--#if expr="true" -->b<!--#elif expr="((" -->c<!--#endif -->d',
      'abd',
    ],
  ])('%s', async (_name, page, expected) => {
    expect(await renderOne(page)).toBe(expected);
  });

  it('legacy syntax › the same state machine', async () => {
    expect(
      await renderOne('a<!--#if expr="! $a = b" -->b<!--#else -->c<!--#endif -->d', {}, {}, legacy),
    ).toBe(`a${ERR}d`);
  });

  it('in an included document › the flag and the hidden text stay in that document', async () => {
    const files = { '/d/i.shtml': '[<!--#if expr="(" -->hidden]' };
    const page = 'a<!--#include file="i.shtml" -->b<!--#else -->c<!--#endif -->d';
    expect(await renderOne(page, files)).toBe(`a[${ERR}bd`);
  });
});

describe('a malformed directive inside a false branch (MI PARSE_EXECUTE keeps intern->error)', () => {
  it.each([
    [
      'whitespace after the start tag › every later directive is skipped, endif included',
      'a<!--#if expr="false" -->b<!--# bad -->X<!--#endif -->after',
      'a',
    ],
    [
      'a quoted value without a name › the same',
      'a<!--#if expr="false" --><!--#echo "x" -->X<!--#endif -->after',
      'a',
    ],
    ['<!--#--> › the same', 'a<!--#if expr="false" --><!--#-->X<!--#endif -->after', 'a'],
    [
      'an unknown directive › not a lexing error, endif still runs',
      'a<!--#if expr="false" --><!--#bogus -->X<!--#endif -->after',
      'aafter',
    ],
    [
      'in a printing branch › error text once, later directives run',
      'a<!--#if expr="true" -->b<!--# bad -->X<!--#endif -->c<!--#echo var="DOCUMENT_NAME" -->',
      `ab${ERR}Xcp.shtml`,
    ],
  ])('%s', async (_name, page, expected) => {
    expect(await renderOne(page)).toBe(expected);
  });

  it('the skipped directives › logged as malformed-directive warnings', async () => {
    const result = await renderFiles(
      { '/d/p.shtml': '<!--#if expr="false" --><!--# x --><!--#endif -->' },
      { path: '/d/p.shtml' },
    );
    expect(result.diagnostics.map((d) => `${d.code}:${d.severity}`)).toEqual(
      expect.arrayContaining(['malformed-directive:warning', 'missing-endif:warning']),
    );
  });
});

describe('regex captures after an ap_expr regex (get_include_var checks re->nsub, never set by ap_expr)', () => {
  it.each([
    [
      'echo $1 and $2 › undefined, $0 › the match',
      '<!--#if expr="\'abc\' =~ /(a)(b)/" --><!--#echo var="0" -->|<!--#echo var="1" -->|<!--#echo var="2" --><!--#endif -->',
      'ab|(none)|(none)',
    ],
    [
      'set with $0 and $1 › only $0 substituted',
      '<!--#if expr="\'abc\' =~ /(a)(b)/" --><!--#endif --><!--#set var="s" value="[$0][$1]" --><!--#echo var="s" -->',
      '[ab][]',
    ],
    [
      "v('1') › undefined too",
      '<!--#if expr="\'abc\' =~ /(a)/" --><!--#endif --><!--#if expr="-z v(\'1\')" -->T<!--#endif -->',
      'T',
    ],
    [
      '$1 in a later ap_expr › the back-reference works',
      "<!--#if expr=\"'abc' =~ /(a)(b)/\" --><!--#endif --><!--#if expr=\"$1 == 'a' && $2 == 'b'\" -->T<!--#endif -->",
      'T',
    ],
    [
      'a later failed match › $0 undefined',
      '<!--#if expr="\'abc\' =~ /(a)/" --><!--#endif --><!--#if expr="\'abc\' =~ /(x)/" --><!--#endif --><!--#echo var="0" -->',
      '(none)',
    ],
  ])('%s', async (_name, page, expected) => {
    expect(await renderOne(page)).toBe(expected);
  });

  it('a failed match after one at a later offset › $0 undefined (known difference: the binary dereferences NULL + offset and the child crashes)', async () => {
    const page =
      '<!--#if expr="\'abc\' =~ /(b)/" --><!--#endif --><!--#if expr="\'abc\' =~ /(x)/" --><!--#endif -->[<!--#echo var="0" -->]';
    expect(await renderOne(page)).toBe('[(none)]');
  });

  it('legacy regexes › $1 set as before', async () => {
    const page = '<!--#if expr="abc = /(a)(b)/" --><!--#echo var="1" --><!--#echo var="2" --><!--#endif -->';
    expect(await renderOne(page, {}, {}, legacy)).toBe('ab');
  });
});

describe('-A / -U (the access check runs no handler)', () => {
  it.each([
    ['-A of a missing file › true', "-A '/missing.html'", 'T'],
    ['-U of a missing file › true', "-U '/d/missing.html'", 'T'],
    ['a relative URL › true', "-A 'nope.shtml'", 'T'],
    ['a %-escape, even a bad one › true (not decoded)', "-A '/a%zz/%2e%2e/x'", 'T'],
    ['a URL rising above the root › false', "-A '/a/../../x'", 'F'],
    ['a relative URL rising above the root › false', "-A '../../x'", 'F'],
  ])('%s', async (_name, expr, expected) => {
    expect(await renderOne(`<!--#if expr="${expr}" -->T<!--#else -->F<!--#endif -->`)).toBe(expected);
  });

  it('legacy -A of a missing file › true', async () => {
    expect(
      await renderOne('<!--#if expr="-A /missing.html" -->T<!--#else -->F<!--#endif -->', {}, {}, legacy),
    ).toBe('T');
  });
});
