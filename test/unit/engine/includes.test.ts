// Includes through the engine: resolution, nesting, shared variables, limits, dependencies and diagnostics.

import { MemoryFileSource } from '../../../src/engine/memory-file-source';
import { renderPage } from '../../../src/engine/render';
import { ERR, renderFiles, renderOne } from '../../support/render-memory';

describe('include resolution', () => {
  it.each([
    ['file="../x.html" › the error text', '<!--#include file="../x.html" -->', ERR],
    ['file="/x.html" (absolute) › the error text', '<!--#include file="/x.html" -->', ERR],
    ['file="sub/../x.html" › the file', '<!--#include file="sub/../x.html" -->', 'X'],
    ['virtual="/d/x.html" › the file', '<!--#include virtual="/d/x.html" -->', 'X'],
    [
      'virtual="../d/x.html" climbing inside the root › the file',
      '<!--#include virtual="../d/x.html" -->',
      'X',
    ],
    ['virtual="/../../etc/passwd" › the error text', '<!--#include virtual="/../../etc/passwd" -->', ERR],
    [
      'virtual="%2e%2e/%2e%2e/etc/passwd" › the error text',
      '<!--#include virtual="%2e%2e/%2e%2e/etc/passwd" -->',
      ERR,
    ],
    ['virtual with an encoded slash › the error text', '<!--#include virtual="/d%2fx.html" -->', ERR],
    ['virtual with a NUL › the error text', '<!--#include virtual="/d/x.html%00" -->', ERR],
    ['virtual with a backslash › the error text', '<!--#include virtual="..\\x.html" -->', ERR],
    ['a dotfile › the error text', '<!--#include virtual="/d/.secret" -->', ERR],
    ['file= of a dotfile › the error text', '<!--#include file=".secret" -->', ERR],
    ['an image › the error text (only text/* is included)', '<!--#include virtual="/d/logo.png" -->', ERR],
    ['a directory with a trailing slash › its index', '<!--#include virtual="/sub/" -->', 'INDEX'],
    ['a directory without a trailing slash › the error text', '<!--#include virtual="/sub" -->', ERR],
    ['a missing target › the error text', '<!--#include virtual="/missing.html" -->', ERR],
    [
      'a missing target with onerror › the onerror file',
      '<!--#include virtual="/missing.html" onerror="/err.html" -->',
      'E',
    ],
    [
      'a failing onerror › one error text',
      '<!--#include virtual="/missing.html" onerror="/gone.html" -->',
      ERR,
    ],
    [
      'a found target, then onerror, then another › both targets, onerror unused',
      '<!--#include virtual="/d/x.html" onerror="/err.html" virtual="/d/y.html" -->',
      'XY',
    ],
    ['entities in the value › decoded first', '<!--#include virtual="/d/&#120;.html" -->', 'X'],
    [
      'a variable in the value › substituted',
      '<!--#set var="f" value="x" --><!--#include virtual="/d/${f}.html" -->',
      'X',
    ],
  ])('%s', async (_name, page, expected) => {
    const files = {
      '/d/x.html': 'X',
      '/d/y.html': 'Y',
      '/d/.secret': 'SECRET',
      '/.secret': 'SECRET',
      '/d/logo.png': 'PNG',
      '/sub/index.shtml': 'INDEX',
      '/err.html': 'E',
    };
    expect(await renderOne(page, files)).toBe(expected);
  });

  it('a nested document › resolves file= and virtual= against its own directory', async () => {
    const result = await renderFiles(
      {
        '/p.shtml': '<!--#include virtual="/a/n.shtml" -->',
        '/a/n.shtml': '<!--#include virtual="y.html" -->+<!--#include file="y.html" -->',
        '/a/y.html': 'Y',
        '/y.html': 'WRONG',
      },
      { path: '/p.shtml' },
    );
    expect(result.text).toBe('Y+Y');
  });

  it('an included .html › inserted verbatim, directives and all', async () => {
    expect(await renderOne('<!--#include file="f.html" -->', { '/d/f.html': '<!--#echo var="x" -->' })).toBe(
      '<!--#echo var="x" -->',
    );
  });

  it('a child sets a variable › the parent sees it afterwards', async () => {
    expect(
      await renderOne('<!--#include file="c.shtml" --><!--#echo var="v" -->', {
        '/d/c.shtml': '<!--#set var="v" value="1" -->',
      }),
    ).toBe('1');
  });

  it('virtual with a query › the child sees it, DOCUMENT_ARGS stays, the parent sees it after', async () => {
    const text = await renderOne(
      '<!--#include virtual="q.shtml?k=1" -->|<!--#echo var="QUERY_STRING" -->',
      { '/d/q.shtml': '<!--#echo var="QUERY_STRING" -->,<!--#echo var="DOCUMENT_ARGS" -->' },
      { query: 'top=1' },
    );
    expect(text).toBe('k=1,top=1|k=1');
  });
});

describe('recursion and limits', () => {
  it('a page including itself › the page and 10 nested copies, then the error text', async () => {
    const result = await renderFiles(
      { '/p.shtml': 'x<!--#include virtual="/p.shtml" -->' },
      { path: '/p.shtml' },
    );
    expect(result.text).toBe(`${'x'.repeat(11)}${ERR}`);
    expect(result.diagnostics.map((d) => d.code)).toEqual(
      expect.arrayContaining(['include-cycle', 'depth-limit']),
    );
    const depthLimit = result.diagnostics.find((d) => d.code === 'depth-limit');
    expect(depthLimit?.message).toContain('maxIncludeDepth');
    expect(depthLimit?.includeChain).toHaveLength(11);
  });

  it('a self-include guarded by a variable › stops by itself, no error text', async () => {
    const page =
      '<!--#set var="n" value="${n}x" -->[<!--#if expr="v(\'n\') != \'xxx\'" --><!--#include virtual="/p.shtml" --><!--#endif -->]';
    const result = await renderFiles({ '/p.shtml': page }, { path: '/p.shtml' });
    expect(result.text).toBe('[[[]]]');
  });

  it('a 10-way fan-out 10 levels deep › stops at maxIncludes with the error text, promptly', async () => {
    const files: Record<string, string> = {};
    for (let level = 0; level < 10; level++) {
      files[`/bomb${level}.shtml`] = `<!--#include virtual="/bomb${level + 1}.shtml" -->`.repeat(10);
    }
    files['/bomb10.shtml'] = 'boom';
    const result = await renderFiles(files, { path: '/bomb0.shtml' });
    expect(result.text).toContain(ERR);
    const limit = result.diagnostics.find((d) => d.code === 'include-limit');
    expect(limit?.message).toContain('maxIncludes');
    expect(result.text.split('boom').length - 1).toBeLessThanOrEqual(1000);
  });

  it('output past maxOutputBytes › cut there with one error text and the output-limit diagnostic', async () => {
    const result = await renderFiles(
      {
        '/p.shtml': '<!--#include file="big.html" --><!--#include file="big.html" -->',
        '/big.html': 'z'.repeat(600),
      },
      { path: '/p.shtml' },
      { limits: { maxOutputBytes: 1000 } },
    );
    expect(result.text).toBe(`${'z'.repeat(600)}${ERR}`);
    expect(result.diagnostics.find((d) => d.code === 'output-limit')?.message).toContain('maxOutputBytes');
  });

  it('bad limits › TypeError naming the option', async () => {
    const source = new MemoryFileSource();
    await expect(renderPage({ path: '/p.shtml' }, { source, limits: { maxIncludes: -1 } })).rejects.toThrow(
      /maxIncludes/,
    );
  });
});

describe('bytes', () => {
  it('0xE9 and 0xFF in a page and a fragment › come out unchanged', async () => {
    const page = Buffer.from([0x61, 0xe9, 0xff, ...Buffer.from('<!--#include file="f.html" -->'), 0xe9]);
    const fragment = Buffer.from([0xff, 0xe9, 0x00, 0x80]);
    const result = await renderFiles(
      { '/p.shtml': { content: page }, '/f.html': { content: fragment } },
      { path: '/p.shtml' },
    );
    expect(result.body).toEqual(Buffer.from([0x61, 0xe9, 0xff, 0xff, 0xe9, 0x00, 0x80, 0xe9]));
  });

  it('a page without directives › byte-identical', async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const result = await renderFiles({ '/p.shtml': { content: bytes } }, { path: '/p.shtml' });
    expect(result.body.equals(bytes)).toBe(true);
  });
});

describe('dependency set and diagnostics', () => {
  it('records the page, every include, flastmod/fsize targets and missing targets', async () => {
    const result = await renderFiles(
      {
        '/p.shtml': {
          content: '<!--#include virtual="/inc/a.shtml" --><!--#include virtual="/inc/none.html" -->',
          mtimeMs: 1000,
        },
        '/inc/a.shtml': {
          content:
            '<!--#include file="b.html" --><!--#flastmod file="c.html" --><!--#fsize virtual="/d.html" -->',
          mtimeMs: 2000,
        },
        '/inc/b.html': { content: 'b', mtimeMs: 3000 },
        '/inc/c.html': { content: 'c', mtimeMs: 4000 },
        '/d.html': { content: 'd', mtimeMs: 5000 },
      },
      { path: '/p.shtml' },
    );
    const summary = result.dependencies.map((d) => `${d.role}:${d.path}:${d.exists}:${d.mtimeMs}`);
    expect(summary).toEqual([
      'page:/p.shtml:true:1000',
      'include:/inc/a.shtml:true:2000',
      'include:/inc/b.html:true:3000',
      'file-info:/inc/c.html:true:4000',
      'file-info:/d.html:true:5000',
      // A missing target carries its directory's mtime: creating the file there moves it.
      'include:/inc/none.html:false:4000',
    ]);
  });

  it('a failing include deep down › diagnostic with code, file, line and include chain', async () => {
    const result = await renderFiles(
      {
        '/p.shtml': 'a\n<!--#include virtual="/n.shtml" -->',
        '/n.shtml': '\n\nx<!--#include virtual="/gone.html" -->',
      },
      { path: '/p.shtml' },
    );
    expect(result.text).toBe(`a\n\n\nx${ERR}`);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        code: 'include-not-found',
        file: '/n.shtml',
        line: 3,
        includeChain: ['/p.shtml', '/n.shtml'],
      }),
    ]);
  });
});

describe('request dependence', () => {
  it('echoing a header the request did not send › the page still varies on it', async () => {
    const result = await renderFiles(
      { '/p.shtml': '<!--#echo var="HTTP_ACCEPT_LANGUAGE" -->' },
      { path: '/p.shtml', headers: {} },
    );
    expect(result.text).toBe('(none)');
    expect(result.requestDependence.headers).toEqual(['Accept-Language']);
  });

  it('reading an unset REMOTE_USER › client-dependent', async () => {
    const result = await renderFiles({ '/p.shtml': '<!--#echo var="REMOTE_USER" -->' }, { path: '/p.shtml' });
    expect(result.requestDependence.client).toBe(true);
  });

  it('a page reading only files › independent of the request', async () => {
    const result = await renderFiles(
      { '/p.shtml': '<!--#echo var="DOCUMENT_NAME" --><!--#echo var="LAST_MODIFIED" -->' },
      { path: '/p.shtml' },
    );
    expect(result.requestDependence).toEqual({
      headers: [],
      personal: false,
      client: false,
      time: false,
      target: false,
    });
  });

  it('req() in an expression › the header is recorded, Host is not', async () => {
    const result = await renderFiles(
      { '/p.shtml': "<!--#if expr=\"req('X-Lang') == 'de' || req('Host') == 'x'\" -->de<!--#endif -->" },
      { path: '/p.shtml', headers: { 'x-lang': 'de', host: 'x' } },
    );
    expect(result.text).toBe('de');
    expect(result.requestDependence.headers).toEqual(['X-Lang']);
  });
});
