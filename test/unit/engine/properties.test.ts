// Property tests of the whole language layer: any bytes render, text without directives is untouched, and every
// render ends within its limits, whatever the pages and includes. Fixed seed, so a failure always reproduces.

import fc from 'fast-check';
import { MemoryFileSource } from '../../../src/engine/memory-file-source';
import { renderPage } from '../../../src/engine/render';

const SETTINGS = { seed: 20261121, numRuns: 2000 };
const ERR_LENGTH = '[an error occurred while processing this directive]'.length;

async function render(files: Record<string, Uint8Array>, limits = {}) {
  const source = new MemoryFileSource();
  for (const [path, bytes] of Object.entries(files)) source.write(path, bytes, 1000);
  const result = await renderPage({ path: '/p0.shtml', time: 0 }, { source, limits });
  if (result.status !== 'ok') throw new Error(`render gave ${result.status}`);
  return result;
}

/** Directive-rich fragments: real directives, broken ones, and raw bytes, glued together at random. */
const piece = fc.oneof(
  fc.uint8Array({ maxLength: 12 }),
  fc
    .constantFrom(
      '<!--#include virtual="/p1.shtml" -->',
      '<!--#include virtual="/p2.shtml" -->',
      '<!--#include file="p0.shtml" -->',
      '<!--#include virtual="/missing.html" onerror="/p3.shtml" -->',
      '<!--#set var="x" value="${x}x" -->',
      '<!--#echo var="x" -->',
      "<!--#if expr=\"v('x') == 'xxx'\" -->",
      '<!--#elif expr="true" -->',
      '<!--#else -->',
      '<!--#endif -->',
      '<!--#config errmsg="E" -->',
      '<!--#fsize file="p1.shtml" -->',
      '<!--#printenv -->',
      '<!--#echo var=x-->',
      '<!--#',
      '-->',
      '"',
    )
    .map((text) => Buffer.from(text, 'latin1')),
);
const page = fc
  .array(piece, { maxLength: 12 })
  .map((parts) => Buffer.concat(parts.map((part) => Buffer.from(part))));

describe('rendering properties', () => {
  it('any bytes as a page › renders without throwing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        await render({ '/p0.shtml': bytes });
      }),
      SETTINGS,
    );
  });

  it('a page without the start tag › comes out byte for byte', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        const text = Buffer.from(bytes).toString('latin1');
        fc.pre(!text.includes('<!--#'));
        const result = await render({ '/p0.shtml': bytes });
        expect(result.body.equals(Buffer.from(bytes))).toBe(true);
      }),
      SETTINGS,
    );
  });

  it('pages that include each other at random › every render ends within maxIncludes and maxOutputBytes', async () => {
    const limits = { maxIncludes: 50, maxOutputBytes: 4096 };
    await fc.assert(
      fc.asyncProperty(fc.tuple(page, page, page, page), async ([p0, p1, p2, p3]) => {
        const result = await render(
          { '/p0.shtml': p0, '/p1.shtml': p1, '/p2.shtml': p2, '/p3.shtml': p3 },
          limits,
        );
        // Reaching this line is the termination property; the output bound is the memory property.
        expect(result.body.length).toBeLessThanOrEqual(limits.maxOutputBytes + ERR_LENGTH);
      }),
      { ...SETTINGS, numRuns: 1000 },
    );
  });
});
