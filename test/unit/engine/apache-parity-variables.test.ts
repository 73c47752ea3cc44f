// Variables as Apache 2.4.71 sets them, found by the differential corpus (test/apache/corpus/variables).

import { renderFiles } from '../../support/render-memory';

describe('LAST_MODIFIED in an included document', () => {
  // mod_include's includes_filter gives a nested request the main request's mtime ("Kludge" comment there).
  it('config timefmt in a child of another mtime › re-formats the page mtime, not the child one', async () => {
    const result = await renderFiles(
      {
        '/p.shtml': {
          content: Buffer.from('<!--#include virtual="/c.shtml" -->|<!--#echo var="LAST_MODIFIED" -->'),
          mtimeMs: 2_000_000,
        },
        '/c.shtml': {
          content: Buffer.from('<!--#config timefmt="%s" --><!--#echo var="LAST_MODIFIED" -->'),
          mtimeMs: 5_000_000,
        },
      },
      { path: '/p.shtml' },
    );
    expect(result.text).toBe('2000|2000');
  });

  it('flastmod of the child inside the child › still the child own mtime', async () => {
    const result = await renderFiles(
      {
        '/p.shtml': { content: Buffer.from('<!--#include file="c.shtml" -->'), mtimeMs: 2_000_000 },
        '/c.shtml': {
          content: Buffer.from('<!--#config timefmt="%s" --><!--#flastmod file="c.shtml" -->'),
          mtimeMs: 5_000_000,
        },
      },
      { path: '/p.shtml' },
    );
    expect(result.text).toBe('5000');
  });
});
