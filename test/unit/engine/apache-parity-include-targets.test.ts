// Include and fsize/flastmod targets as Apache 2.4.71 resolves them, found by the differential corpus
// (test/apache/corpus/include and fileinfo): the URL of file= includes, directories, path info, dotfiles.

import { ERR, renderFiles, renderOne } from '../../support/render-memory';

const FILES = {
  '/d/x.txt': 'X',
  '/d/sub/y.txt': 'Y',
  '/d/sub/rel.shtml':
    'rel[<!--#include virtual="y.txt" -->|<!--#include virtual="/d/x.txt" -->|<!--#include file="y.txt" -->]',
  '/d/same.shtml': 'same[<!--#include virtual="x.txt" -->]',
  '/d/sub/deeper.shtml': '<!--#include file="rel.shtml" -->',
  '/d/sub/size.shtml': '<!--#fsize virtual="y.txt" -->',
  '/d/dir/index.shtml': 'INDEX',
  '/d/noindex/other.txt': 'other',
  '/d/.hidden.txt': 'hidden',
};

describe('the URL of a file= include (request.c ap_sub_req_lookup_file)', () => {
  it.each([
    [
      'file= in another directory, then a relative virtual= › the error text',
      '<!--#include file="sub/rel.shtml" -->',
      `rel[${ERR}|X|Y]`,
    ],
    [
      'file= in the same directory, then a relative virtual= › resolved',
      '<!--#include file="same.shtml" -->',
      'same[X]',
    ],
    [
      'virtual= in another directory, then a relative virtual= › resolved',
      '<!--#include virtual="sub/rel.shtml" -->',
      'rel[Y|X|Y]',
    ],
    [
      'a same-directory file= below a URL-less document › still no URL',
      '<!--#include file="sub/deeper.shtml" -->',
      `rel[${ERR}|X|Y]`,
    ],
    [
      'fsize virtual= relative in a URL-less document › the error text',
      '<!--#include file="sub/size.shtml" -->',
      ERR,
    ],
    [
      'fsize virtual= relative in a virtual-included document › the size',
      '<!--#include virtual="sub/size.shtml" -->',
      '  1 ',
    ],
  ])('%s', async (_name, page, expected) => {
    expect(await renderOne(page, FILES)).toBe(expected);
  });
});

describe('virtual= URLs as ap_sub_req_lookup_uri reads them', () => {
  it.each([
    ['a fragment › dropped', '<!--#include virtual="x.txt#top" -->', 'X'],
    ['a fragment after the query › ends the query', '<!--#include virtual="q.shtml?a=1#top" -->', '[a=1]'],
    [
      'an empty URL › the index of the document directory',
      '<!--#include virtual="sub/empty.shtml" -->',
      '(SUBINDEX)',
    ],
    [
      'only a query › the index of the document directory, with the query',
      '<!--#include virtual="sub/query-only.shtml" -->',
      '(SUBINDEX)[b=2]',
    ],
    ['leading double slash › a path, not a host', '<!--#include virtual="//d/x.txt" -->', 'X'],
    [
      'a scheme › a relative path like any other (missing here)',
      '<!--#include virtual="http://localhost/d/x.txt" -->',
      ERR,
    ],
  ])('%s', async (_name, page, expected) => {
    const files = {
      ...FILES,
      '/d/q.shtml': '[<!--#echo var="QUERY_STRING" -->]',
      '/d/sub/index.shtml': '(SUBINDEX)',
      '/d/sub/empty.shtml': '<!--#include virtual="" -->',
      '/d/sub/query-only.shtml': '<!--#include virtual="?b=2" -->[<!--#echo var="QUERY_STRING" -->]',
    };
    expect(await renderOne(page, files)).toBe(expected);
  });
});

describe('directories and path info as include targets', () => {
  it.each([
    [
      'file="dir/" › the error text (mod_dir redirects, a file= URL never ends in /)',
      '<!--#include file="dir/" -->',
      ERR,
    ],
    ['file="dir" › the error text', '<!--#include file="dir" -->', ERR],
    ['virtual="dir/" › its index', '<!--#include virtual="dir/" -->', 'INDEX'],
    ['file="x.txt/" (path info) › the error text (404)', '<!--#include file="x.txt/" -->', ERR],
    ['virtual="x.txt/" (path info) › the error text', '<!--#include virtual="x.txt/" -->', ERR],
  ])('%s', async (_name, page, expected) => {
    expect(await renderOne(page, FILES)).toBe(expected);
  });
});

describe('fsize/flastmod lookups (find_file: the subrequest is looked up, never run)', () => {
  it.each([
    ['virtual="dir/" › the index file', '<!--#fsize virtual="dir/" -->', '  5 '],
    ['virtual="dir" › the error text (mod_dir redirect)', '<!--#fsize virtual="dir" -->', ERR],
    ['file="dir" › the error text', '<!--#fsize file="dir" -->', ERR],
    ['file="dir/" › the error text', '<!--#fsize file="dir/" -->', ERR],
    ['virtual="x.txt/" (path info) › the file', '<!--#fsize virtual="x.txt/" -->', '  1 '],
    ['file="x.txt/" (path info) › the file', '<!--#fsize file="x.txt/" -->', '  1 '],
    ['virtual="x.txt/more/info" › the file', '<!--#fsize virtual="x.txt/more/info" -->', '  1 '],
    ['virtual="nope/more" › the error text', '<!--#fsize virtual="nope/more" -->', ERR],
    ['virtual="dir/nope" › the error text', '<!--#fsize virtual="dir/nope" -->', ERR],
  ])('%s', async (_name, page, expected) => {
    expect(await renderOne(page, FILES)).toBe(expected);
  });

  it('a directory URL with no index file › the directory itself (mod_dir declines)', async () => {
    const result = await renderFiles(
      { ...FILES, '/d/p.shtml': '<!--#config timefmt="%s" --><!--#flastmod virtual="noindex/" -->' },
      { path: '/d/p.shtml' },
    );
    expect(result.text).toBe('1000');
    expect(
      result.dependencies.some((dependency) => dependency.path === '/d/noindex' && dependency.exists),
    ).toBe(true);
  });

  // Known difference (README "Differences from Apache"; test/apache/known-differences.json): Apache serves dotfiles.
  it.each([
    ['fsize of a dotfile › the error text', '<!--#fsize file=".hidden.txt" -->'],
    ['flastmod of a dotfile › the error text', '<!--#flastmod virtual="/d/.hidden.txt" -->'],
    ['include of a dotfile › the error text', '<!--#include file=".hidden.txt" -->'],
  ])('%s', async (_name, page) => {
    expect(await renderOne(page, FILES)).toBe(ERR);
  });
});
