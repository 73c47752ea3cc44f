// Tokenizer tests: mod_include's lexer and the httpd-tests lexer cases.
// Expected tokens were checked against Apache httpd 2.4.71 mod_include on the same bytes.

import fc from 'fast-check';
import { fromByteString } from '../../../src/ssi/byte-string';
import { DEFAULT_TAGS, type TagPair, type Token, tokenize } from '../../../src/ssi/tokenizer';

const ERR = '[ERR]';

/** Renders tokens the way the engine would for echo-free pages: text, `{name attr=value …}` or ERR. */
function render(page: string, tags: TagPair = DEFAULT_TAGS): string {
  const source = fromByteString(page);
  return tokenize(source, tags)
    .map((token) => {
      if (token.type === 'text') return source.toString('latin1', token.start, token.end);
      if (token.type === 'malformed') return ERR;
      const attributes = token.attributes.map((a) => (a.value === null ? a.name : `${a.name}=${a.value}`));
      return `{${[token.name, ...attributes].join(' ')}}`;
    })
    .join('');
}

function only(page: string, tags?: TagPair): Token {
  const tokens = tokenize(fromByteString(page), tags).filter((token) => token.type !== 'text');
  expect(tokens).toHaveLength(1);
  return tokens[0];
}

describe('tokenize', () => {
  describe('directive syntax', () => {
    it.each([
      ['a directive with one attribute', 'a<!--#echo var="x" -->b', 'a{echo var=x}b'],
      ['no space before the end tag', '<!--#printenv-->', '{printenv}'],
      ['no space after a quoted value', '<!--#endif expr="x"-->', '{endif expr=x}'],
      [
        'upper-case directive and attribute names',
        '<!--#ECHO VAR="Document_Name" -->',
        '{echo var=Document_Name}',
      ],
      ['whitespace around =', '<!--#set var = "a"\tvalue=\n"b" -->', '{set var=a value=b}'],
      ['every isspace byte separates', '<!--#echo\x0bvar="x"\x0c\r-->', '{echo var=x}'],
      ['a name without =', '<!--#echo var -->', '{echo var}'],
      ['a quoted value followed directly by a name', '<!--#echo var="x"var="y" -->', '{echo var=x var=y}'],
      ['an unquoted value', '<!--#echo var=x -->', '{echo var=x}'],
      ['a single-quoted value', "<!--#set value='a\"b' -->", '{set value=a"b}'],
      ['a backtick-quoted value', '<!--#set value=`a"\'b` -->', '{set value=a"\'b}'],
      ['an escaped quote', '<!--#set value="a\\"b\\c" -->', '{set value=a"b\\c}'],
      ['a backslash before another kind of quote', "<!--#set value='a\\\"b' -->", '{set value=a\\"b}'],
      ['a double backslash before the quote', '<!--#set value="a\\\\"b" -->', '{set value=a\\"b}'],
      ['the end tag inside quotes', '<!--#set value="-->" -->', '{set value=-->}'],
      ['an empty quoted value', '<!--#set value="" -->', '{set value=}'],
      ['a failed end-tag candidate', '<!--#echo --x="1" -->', '{echo --x=1}'],
      ['a partial end tag inside the name', '<!--#echo--x -->', '{echo--x}'],
      ['two directives back to back', '<!--#a --><!--#b -->', '{a}{b}'],
      ['a quote inside an attribute name', '<!--#if expr="$a != "de" -->', '{if expr=$a !=  de"}'],
      ['a start tag inside a value', '<!--#set value="<!--#x -->" -->', '{set value=<!--#x -->}'],
    ])('%s › %j → %j', (_condition, page, expected) => {
      expect(render(page)).toBe(expected);
    });

    it('a directive › has its name, attributes, offsets and line', () => {
      expect(tokenize(fromByteString('ab\n\n<!--#Echo VAR="x" -->\n'))).toEqual([
        { type: 'text', start: 0, end: 4 },
        {
          type: 'directive',
          name: 'echo',
          attributes: [{ name: 'var', value: 'x' }],
          start: 4,
          end: 25,
          line: 3,
        },
        { type: 'text', start: 25, end: 26 },
      ]);
    });

    it('lines › count from 1 and follow every directive', () => {
      const lines = tokenize(fromByteString('<!--#a -->\n<!--#b\n-->\n\n<!--#c -->')).flatMap((token) =>
        token.type === 'text' ? [] : [token.line],
      );
      expect(lines).toEqual([1, 2, 5]);
    });

    it('bytes ≥ 0x80 in names › are not lower-cased (C locale)', () => {
      expect(render('<!--#\xc9CHO \xc0=1 -->')).toBe('{\xc9cho \xc0=1}');
    });

    it('a NUL byte in an attribute name or value › ends it, as C strings do', () => {
      expect(render('<!--#echo var="a\0b" var\0z="c" -->')).toBe('{echo var=a var=c}');
    });
  });

  describe('malformed directives', () => {
    it.each([
      ['whitespace after the start tag', '<!--# echo var="x" -->', 'empty-directive-name'],
      ['an empty directive', '<!--#-->', 'empty-directive-name'],
      ['a value without a name (if6)', '<!--#if "$x = y"-->', 'attribute-syntax'],
      ['= without a name', '<!--#echo ="x" -->', 'attribute-syntax'],
      ['the first error wins', '<!--# "x" -->', 'empty-directive-name'],
    ])('%s › %s', (_condition, page, code) => {
      expect(only(page)).toMatchObject({ type: 'malformed', code, start: 0, end: page.length });
    });

    it('a malformed directive › keeps the text around it', () => {
      expect(render('a<!--#echo ="x" -->b')).toBe(`a${ERR}b`);
    });

    it.each([
      ['EOF inside the name', 'ab<!--#echo', 'echo'],
      ['EOF after the name', 'ab<!--#echo var="x"', 'echo'],
      ['EOF inside a quoted value', 'ab<!--#echo var="x -->', 'echo'],
      ['EOF inside a partial end tag', 'ab<!--#echo var="x" --', 'echo'],
      ['EOF inside a name-ending partial end tag', 'ab<!--#echo--', 'echo'],
      ['EOF after =', 'ab<!--#echo var= ', 'echo'],
      ['EOF after a backslash in quotes', 'ab<!--#echo var="x\\', 'echo'],
      ['an unquoted value eating the end tag', 'ab<!--#echo var=x-->hello world', 'echo'],
      ['a start tag right at EOF', 'ab<!--#', ''],
    ])('%s › unterminated-directive, text dropped', (_condition, page, name) => {
      expect(tokenize(fromByteString(page))).toEqual([
        { type: 'text', start: 0, end: 2 },
        { type: 'malformed', code: 'unterminated-directive', name, start: 2, end: page.length, line: 1 },
      ]);
    });
  });

  describe('httpd-tests cases', () => {
    it.each([
      [
        'parse1',
        '<!--#set var="x" value="-->" -->\n<!--#echo encoding="none" var="x" -->\n',
        '{set var=x value=-->}\n{echo encoding=none var=x}\n',
      ],
      ['parse2', '<!--#set var="x" value=\'"\' -->\n', '{set var=x value="}\n'],
      ['notreal', 'pass <!--', 'pass <!--'],
      ['a page ending in part of a start tag', 'pass <!-', 'pass <!-'],
      [
        'errmsg4',
        '<!--#config errmsg="errmsg" -->\npass\n<!--#if\n\nfail\n',
        `{config errmsg=errmsg}\npass\n${ERR}`,
      ],
      [
        'errmsg5',
        '<!--#config errmsg="<!-- pass -->" -->\n<!--#foo-->\n',
        '{config errmsg=<!-- pass -->}\n{foo}\n',
      ],
      ['if6', '\n<!--#if "$x = y"-->\n<!--#endif-->\n', `\n${ERR}\n{endif}\n`],
      ['if7', '\n<!--#if expr="$x = y"\n<!--#endif-->\n', `\n${ERR}`],
      ['malformed', '<!--#if expr="$lang != "de" -->\nx', '{if expr=$lang !=  de"}\nx'],
      [
        'echo3: the default tags are not recognized with custom tags',
        '<!--#echo var="x" -->',
        '<!--#echo var="x" -->',
      ],
    ])('%s', (_name, page, expected) => {
      const tags = _name.startsWith('echo3') ? { start: '--->', end: '--->' } : DEFAULT_TAGS;
      expect(render(page, tags)).toBe(expected);
    });

    it.each([
      ['retagged1', '--->echo var="DOCUMENT_NAME" --->', '--->', '--->', '{echo var=DOCUMENT_NAME}'],
      ['retagged2', '------->echo var="DOCUMENT_NAME" --->', '--->', '--->', '----{echo var=DOCUMENT_NAME}'],
      [
        'retagged4',
        '------>if expr=""printenw--->printenvprintenw---->endifprintenwpass',
        '--->',
        'printenw',
        '---{if expr=}{printenv}-{endif}pass',
      ],
      ['a start tag split by a false prefix', '--.---->x --->', '--->', '--->', '--.-{x}'],
      [
        'a custom end tag with a repeated prefix',
        '--->x pprintenw printenw',
        '--->',
        'printenw',
        '{x pprintenw}',
      ],
      ['a name ending in a custom end tag', '--->xpprintenwy', '--->', 'printenw', '{xp}y'],
    ])('%s › custom tags', (_name, page, start, end, expected) => {
      expect(render(page, { start, end })).toBe(expected);
    });
  });

  describe('robustness', () => {
    it('a page without the start tag › is text covering every byte', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
          const page = bytes.filter((byte) => byte !== 0x3c);
          const tokens = tokenize(page);
          expect(tokens.every((token) => token.type === 'text')).toBe(true);
          let offset = 0;
          for (const token of tokens) {
            expect(token.start).toBe(offset);
            offset = token.end;
          }
          expect(offset).toBe(page.length);
        }),
        { seed: 42, numRuns: 2000 },
      );
    });

    it('random bytes › never throw, and tokens tile the page in order', () => {
      const alphabet = fc.constantFrom(
        ...'<!--#-> ="\'`\\ab\n'.split('').map((c) => c.charCodeAt(0)),
        0,
        0xff,
      );
      const page = fc.oneof(
        fc.uint8Array({ maxLength: 200 }),
        fc.array(alphabet, { maxLength: 200 }).map((a) => Uint8Array.from(a)),
      );
      fc.assert(
        fc.property(page, (bytes) => {
          let offset = 0;
          for (const token of tokenize(bytes)) {
            expect(token.start).toBe(offset);
            expect(token.end).toBeGreaterThan(token.start);
            offset = token.end;
          }
          expect(offset).toBe(bytes.length);
        }),
        { seed: 42, numRuns: 2000 },
      );
    });

    it('random bytes with custom tags › never throw', () => {
      const tags = fc.constantFrom<TagPair>(
        { start: '--->', end: '--->' },
        { start: '<', end: '>' },
        { start: 'aa', end: 'ab' },
      );
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 200 }), tags, (bytes, tagPair) => {
          expect(() => tokenize(bytes, tagPair)).not.toThrow();
        }),
        { seed: 42, numRuns: 2000 },
      );
    });

    it.each([
      ['1 MB of start tags', '<!--#'],
      ['1 MB of partial end tags', '<!--#x --'],
      ['1 MB of escaped quotes', '<!--#x y="\\"'],
      ['1 MB of empty directives', '<!--#-->'],
    ])(
      '%s › tokenized (its time is bounded in test/hostile/pathological-input.hostile.ts)',
      (_condition, unit) => {
        const page = Buffer.from(unit.repeat(Math.ceil(1_000_000 / unit.length)), 'latin1');
        const tokens = tokenize(page);
        expect(tokens.length).toBeGreaterThan(0);
      },
    );

    it('a Uint8Array view into a larger buffer › offsets are relative to the view', () => {
      const backing = Buffer.from('xxx<!--#a -->yyy', 'latin1');
      const view = new Uint8Array(backing.buffer, backing.byteOffset + 3, 10);
      expect(tokenize(view)).toEqual([
        { type: 'directive', name: 'a', attributes: [], start: 0, end: 10, line: 1 },
      ]);
    });
  });
});
