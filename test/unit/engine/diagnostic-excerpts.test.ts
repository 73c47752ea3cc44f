// Text a page controls (an expression, an attribute value, a directive name) is quoted in diagnostics only up to
// a bound, so a 100 KB `#if` expression is not written to the log in full, once or twice.

import { formatDiagnostic, MAX_DIAGNOSTIC_MESSAGE_LENGTH } from '../../../src/engine/diagnostics';
import { excerpt, MAX_EXCERPT_LENGTH } from '../../../src/ssi/excerpt';
import { renderFiles } from '../../support/render-memory';

const HUGE = 'a'.repeat(100_000);
/** Room for the fixed words of a message around its excerpts. */
const MESSAGE_ROOM = 3 * MAX_EXCERPT_LENGTH + 300;

async function diagnosticsOf(page: string, options = {}) {
  const result = await renderFiles({ '/p.shtml': page }, { path: '/p.shtml' }, options);
  return result.diagnostics.map(formatDiagnostic);
}

describe('a diagnostic quoting page text', () => {
  it.each([
    ['an ap_expr parse error', `<!--#if expr="${HUGE} = = =" -->x<!--#endif -->`, {}],
    ['an ap_expr regex error', `<!--#if expr="x =~ /(${'a'.repeat(8000)}/" -->x<!--#endif -->`, {}],
    ['a legacy parse error', `<!--#if expr="${HUGE} = (" -->x<!--#endif -->`, { expressionSyntax: 'legacy' }],
    ['an include of a long missing path', `<!--#include virtual="/${HUGE}" -->`, {}],
    ['a bad sizefmt', `<!--#config sizefmt="${HUGE}" -->`, {}],
    ['an unknown attribute', `<!--#echo ${HUGE}="x" -->`, {}],
    ['an unterminated ${ in a value', `<!--#set var="v" value="\${${HUGE}" -->`, {}],
  ])('%s › the quoted text is cut with …, the line stays short', async (_name, page, options) => {
    const lines = await diagnosticsOf(page, options);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line.length).toBeLessThan(MESSAGE_ROOM);
      expect(line).toContain('…');
    }
  });

  it('a short expression › quoted whole', async () => {
    const [line] = await diagnosticsOf('<!--#if expr="1 = = 2" -->x<!--#endif -->');
    expect(line).toContain('expr="1 = = 2"');
    expect(line).not.toContain('…');
  });

  it.each([
    ['short', 'short'],
    ['b'.repeat(MAX_EXCERPT_LENGTH), 'b'.repeat(MAX_EXCERPT_LENGTH)],
    ['c'.repeat(MAX_EXCERPT_LENGTH + 1), `${'c'.repeat(MAX_EXCERPT_LENGTH)}…`],
  ])('excerpt of %s characters › cut after the bound only', (text, expected) => {
    expect(excerpt(text)).toBe(expected);
  });
});

describe('the whole diagnostic message', () => {
  it('a message quoting long text without an excerpt › still bounded', async () => {
    // An include chain of long names: the names are paths, not quoted text, and reasons may repeat them.
    const long = `/${'d'.repeat(250)}/${'e'.repeat(250)}/${'f'.repeat(250)}/${'g'.repeat(250)}.html`;
    const lines = await diagnosticsOf(`<!--#include virtual="${long}" -->`);
    for (const line of lines) expect(line.length).toBeLessThan(MESSAGE_ROOM + MAX_DIAGNOSTIC_MESSAGE_LENGTH);
  });
});
