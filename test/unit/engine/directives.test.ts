// The SSI directives through the whole engine, page in → bytes out (Apache mod_include behaviour).

import { ERR, renderFiles, renderOne } from '../../support/render-memory';

describe('echo', () => {
  it.each([
    ['DOCUMENT_NAME › the page file name', '<!--#echo var="DOCUMENT_NAME" -->', 'p.shtml'],
    [
      'mixed-case directive, attribute and variable names › still recognised',
      '<!--#ECHO VAR="document_name" -->',
      'p.shtml',
    ],
    ['an undefined variable › (none)', '<!--#echo var="nope" -->', '(none)'],
    [
      'config echomsg="" › an undefined variable prints nothing',
      '<!--#config echomsg="" --><!--#echo var="nope" -->',
      '',
    ],
    [
      'default encoding › entity-escaped, apostrophe kept',
      '<!--#set var="x" value=`<a href="q">&\'` --><!--#echo var="x" -->',
      "&lt;a href=&quot;q&quot;&gt;&amp;'",
    ],
    [
      'encoding url › lower-case %xx',
      '<!--#set var="x" value="# %^" --><!--#echo encoding="url" var="x" -->',
      '%23%20%25%5e',
    ],
    [
      'encoding urlencoded › + for space',
      '<!--#set var="x" value="a b&c/d" --><!--#echo encoding="urlencoded" var="x" -->',
      'a+b%26c%2fd',
    ],
    ['encoding base64', '<!--#set var="x" value="abc" --><!--#echo encoding="base64" var="x" -->', 'YWJj'],
    [
      'decoding base64 then encoding none',
      '<!--#set var="x" value="YWJj" --><!--#echo decoding="base64" encoding="none" var="x" -->',
      'abc',
    ],
    [
      'an unknown encoding › the error text',
      '<!--#set var="x" value="1" --><!--#echo encoding="bogus" var="x" -->',
      ERR,
    ],
    [
      'two vars › printed concatenated',
      '<!--#set var="a" value="1" --><!--#set var="b" value="2" --><!--#echo var="a" var="b" -->',
      '12',
    ],
    ['no attributes › the error text', '<!--#echo -->', ERR],
    ['an attribute without a value › nothing, silently', '<!--#echo var -->', ''],
    ['an unknown attribute › the error text', '<!--#echo file="x" -->', ERR],
  ])('%s', async (_name, page, expected) => {
    expect(await renderOne(page)).toBe(expected);
  });

  it('when the query has escapes › QUERY_STRING_UNESCAPED is decoded and shell-escaped', async () => {
    const text = await renderOne(
      '<!--#echo encoding="none" var="QUERY_STRING_UNESCAPED" -->',
      {},
      { query: 'a=b%20c&d' },
    );
    expect(text).toBe('a=b c\\&d');
  });
});

describe('set', () => {
  it.each([
    [
      '${A}_${B} › substituted',
      '<!--#set var="A" value="X" --><!--#set var="B" value="Y" --><!--#set var="z" value="${A}_${B}" --><!--#echo var="z" -->',
      'X_Y',
    ],
    [
      '\\$A › a literal $A',
      '<!--#set var="A" value="X" --><!--#set var="z" value="\\$A" --><!--#echo var="z" -->',
      '$A',
    ],
    ['a$ › keeps the $', '<!--#set var="z" value="a$" --><!--#echo var="z" -->', 'a$'],
    ['${A without } › empty (cut at the $)', '<!--#set var="z" value="${A" --><!--#echo var="z" -->', ''],
    ['var without value › the error text', '<!--#set var="x" -->', ERR],
    ['value before var › the error text', '<!--#set value="1" var="x" -->', ERR],
    [
      'a value holding --> › kept',
      '<!--#set var="x" value="-->" --><!--#echo encoding="none" var="x" -->',
      '-->',
    ],
    [
      'escaped quotes › unescaped, other backslashes kept',
      '<!--#set var="x" value="a\\"b\\c" --><!--#echo encoding="none" var="x" -->',
      'a"b\\c',
    ],
    [
      'a single-quoted double quote',
      `<!--#set var="x" value='"' --><!--#echo encoding="none" var="x" -->`,
      '"',
    ],
    ['a backtick-quoted value', '<!--#set var="x" value=`b` --><!--#echo var="x" -->', 'b'],
  ])('%s', async (_name, page, expected) => {
    expect(await renderOne(page)).toBe(expected);
  });
});

describe('config', () => {
  it('errmsg › replaces the error text for later directives', async () => {
    expect(await renderOne('<!--#config errmsg="E" --><!--#include file="/x" -->')).toBe('E');
  });

  it('errmsg in the page › not inherited by an included document', async () => {
    const text = await renderOne('<!--#config errmsg="E" --><!--#include virtual="c.shtml" -->', {
      '/d/c.shtml': '<!--#include virtual="/missing.html" -->',
    });
    expect(text).toBe(ERR);
  });

  it('timefmt %Y › DATE_GMT is the request year', async () => {
    expect(await renderOne('<!--#config timefmt="%Y" --><!--#echo var="DATE_GMT" -->')).toBe('2025');
  });

  it('default timefmt › DATE_GMT ends in GMT', async () => {
    expect(await renderOne('<!--#echo var="DATE_GMT" -->')).toBe('Tuesday, 04-Mar-2025 10:15:30 GMT');
  });

  it('sizefmt with an unknown value › the error text', async () => {
    expect(await renderOne('<!--#config sizefmt="huge" -->')).toBe(ERR);
  });
});

describe('fsize and flastmod', () => {
  const files = {
    '/d/k.html': 'x'.repeat(1536),
    '/d/five.html': '12345',
    '/d/big.html': 'y'.repeat(1234567),
  };

  it.each([
    ['a 1536-byte file, abbrev › 1.5K', '<!--#fsize file="k.html" -->', '1.5K'],
    ['a 5-byte file, abbrev › padded to four characters', '<!--#fsize file="five.html" -->', '  5 '],
    [
      'sizefmt bytes › commas',
      '<!--#config sizefmt="bytes" --><!--#fsize virtual="/d/big.html" -->',
      '1,234,567',
    ],
    ['a missing file › the error text', '<!--#fsize file="nope.html" -->', ERR],
  ])('%s', async (_name, page, expected) => {
    expect(await renderOne(page, files)).toBe(expected);
  });

  it('flastmod with timefmt %s › the mtime in epoch seconds', async () => {
    const result = await renderFiles(
      {
        '/d/p.shtml': '<!--#config timefmt="%s" --><!--#flastmod file="f.html" -->',
        '/d/f.html': { content: 'f', mtimeMs: 1_700_000_123_456 },
      },
      { path: '/d/p.shtml' },
    );
    expect(result.text).toBe('1700000123');
  });
});

describe('errors in the directive syntax', () => {
  it.each([
    ['an unknown directive › the error text', '<!--#foo -->', ERR],
    [
      'an unknown directive in a false branch › nothing',
      '<!--#if expr="false" --><!--#foo --><!--#endif -->',
      '',
    ],
    ['whitespace after the start tag › the error text', '<!--# echo var="x" -->', ERR],
    ['EOF inside a directive › text before it, then the error text', 'ab<!--#echo var="x"', `ab${ERR}`],
    ['a file ending in a partial start tag › kept literally', 'pass <!--', 'pass <!--'],
    ['an unquoted value eating the end tag › the rest is lost', '<!--#echo var=x-->hello world', ERR],
    ['exec › always the error text, never run', '<!--#exec cmd="echo hi" -->', ERR],
    ['comment › nothing', 'No <!--#comment anything="here" -->comment', 'No comment'],
  ])('%s', async (_name, page, expected) => {
    expect(await renderOne(page)).toBe(expected);
  });
});

describe('if, elif, else, endif (ap_expr)', () => {
  it.each([
    [
      'v() sees a set variable',
      '<!--#set var="x" value="y" --><!--#if expr="v(\'x\') == \'y\'" -->T<!--#else -->F<!--#endif -->',
      'T',
    ],
    [
      'reqenv() sees a set variable',
      '<!--#set var="x" value="y" --><!--#if expr="reqenv(\'x\') = \'y\'" -->T<!--#endif -->',
      'T',
    ],
    [
      'note() does not see SSI variables',
      '<!--#set var="x" value="y" --><!--#if expr="-z note(\'x\')" -->T<!--#endif -->',
      'T',
    ],
    [
      'legacy syntax under ap_expr › the error text, and the body is hidden (the httpd 2.4 binary stops printing after a failed if)',
      '<!--#if expr="$x = y" -->body<!--#endif -->',
      ERR,
    ],
    [
      '-f is restricted › the error text, body hidden (binary: a failed if stops printing)',
      '<!--#if expr="-f \'/etc/passwd\'" -->body<!--#endif -->',
      ERR,
    ],
    [
      'file() is restricted › the error text, body hidden (binary: a failed if stops printing)',
      "<!--#if expr=\"file('/etc/passwd') == ''\" -->body<!--#endif -->",
      ERR,
    ],
    [
      'elif after a true branch with a malformed expr › no error text',
      '<!--#if expr="true" -->A<!--#elif expr="$$$ ==" -->B<!--#endif -->',
      'A',
    ],
    ['a stray else › the text after it is hidden until endif', 'a<!--#else -->b<!--#endif -->c', 'ac'],
    ['a false if without endif › the rest is hidden, no error text', 'a<!--#if expr="false" -->b', 'a'],
    [
      'nested ifs inside a false branch › skipped as a whole',
      '<!--#if expr="false" --><!--#if expr="true" -->x<!--#endif -->y<!--#else -->z<!--#endif -->',
      'z',
    ],
  ])('%s', async (_name, page, expected) => {
    expect(await renderOne(page)).toBe(expected);
  });

  it('a regex on %{QUERY_STRING} › echo $1 is undefined, $0 is the match (binary: mod_include never records an ap_expr group count)', async () => {
    const page =
      '<!--#if expr="%{QUERY_STRING} =~ /^id=([0-9]+)/" --><!--#echo var="1" -->|<!--#echo var="0" --><!--#endif -->';
    expect(await renderOne(page, {}, { query: 'id=42' })).toBe('(none)|id=42');
  });
});

describe('legacy expressions', () => {
  const legacy = { expressionSyntax: 'legacy' as const };
  it.each([
    [
      '$a = b && $c = d',
      '<!--#set var="a" value="b" --><!--#set var="c" value="d" --><!--#if expr="$a = b && $c = d" -->T<!--#else -->F<!--#endif -->',
      'T',
    ],
    [
      'right grouping: 1 = 2 && 1 = 2 || 1 = 1 › false',
      '<!--#if expr="1 = 2 && 1 = 2 || 1 = 1" -->T<!--#else -->F<!--#endif -->',
      'F',
    ],
    [
      'right grouping: 1 = 1 || 1 = 2 && 1 = 2 › true',
      '<!--#if expr="1 = 1 || 1 = 2 && 1 = 2" -->T<!--#else -->F<!--#endif -->',
      'T',
    ],
    [
      '! before a comparison › the error text, body hidden (binary: a failed if stops printing)',
      '<!--#if expr="! $a = b" -->T<!--#endif -->',
      ERR,
    ],
    [
      'a regex capture › $1 set, $2 undefined',
      '<!--#set var="x" value="foo" --><!--#if expr="$x = /^(f.)o/" --><!--#echo var="1" --> <!--#echo var="2" --><!--#endif -->',
      'fo (none)',
    ],
    ['an undefined variable alone › false', '<!--#if expr="$u" -->T<!--#else -->F<!--#endif -->', 'F'],
    ['an empty expr › false, no error text', '<!--#if expr="" -->T<!--#else -->F<!--#endif -->', 'F'],
  ])('%s', async (_name, page, expected) => {
    expect(await renderOne(page, {}, {}, legacy)).toBe(expected);
  });

  it('legacyExpressionPrefixes › only documents under the prefix use the legacy syntax', async () => {
    const options = { legacyExpressionPrefixes: ['/old/'] };
    const files = {
      '/old/p.shtml': '<!--#if expr="a = a" -->T<!--#endif -->',
      '/new/p.shtml': '<!--#if expr="a = a" -->T<!--#endif -->',
    };
    expect((await renderFiles(files, { path: '/old/p.shtml' }, options)).text).toBe('T');
    // Under ap_expr `a = a` is a parse error, and the httpd 2.4 binary hides the body of a failed if.
    expect((await renderFiles(files, { path: '/new/p.shtml' }, options)).text).toBe(ERR);
  });
});

describe('printenv and request variables', () => {
  it('printenv › NAME=VALUE lines, escaped', async () => {
    const text = await renderOne('<!--#set var="lt" value="<" --><!--#printenv -->');
    expect(text).toContain('DOCUMENT_NAME=p.shtml\n');
    expect(text).toContain('lt=&lt;\n');
  });

  it('request headers › exported as HTTP_*, except names with _ and Authorization', async () => {
    const page =
      '<!--#echo var="HTTP_X_FOO" -->|<!--#echo var="HTTP_X_BAR" -->|<!--#echo var="HTTP_AUTHORIZATION" -->';
    const headers = { 'x-foo': '1', x_bar: '2', authorization: 'secret' };
    expect(await renderOne(page, {}, { headers })).toBe('1|(none)|(none)');
  });
});
