// Pathological but valid page bytes and values, in process: each is handled in time linear in its size. Bounds of
// time live here, not in `npm test`, whose unit tests assert only the results of the same inputs.

import { decodeEntities } from '../../src/ssi/entities';
import { evaluateExpression, parseExpression } from '../../src/ssi/expr';
import { tokenize } from '../../src/ssi/tokenizer';
import { fakeHost } from '../unit/ssi/expr/fake-host';

/** Milliseconds one input of about a megabyte may take: linear work does it in a few dozen, quadratic in minutes. */
const BOUND_MS = 2000;

function timed<T>(label: string, work: () => T): T {
  const started = performance.now();
  const result = work();
  const elapsed = performance.now() - started;
  console.log(`${label}: ${elapsed.toFixed(1)} ms (bound ${BOUND_MS} ms)`);
  expect(elapsed).toBeLessThan(BOUND_MS);
  return result;
}

describe('the tokenizer on 1 MB of one repeated fragment', () => {
  it.each([
    ['start tags', '<!--#'],
    ['partial end tags', '<!--#x --'],
    ['escaped quotes', '<!--#x y="\\"'],
    ['empty directives', '<!--#-->'],
  ])('%s › tokenized in linear time', (label, unit) => {
    const page = Buffer.from(unit.repeat(Math.ceil(1_000_000 / unit.length)), 'latin1');
    const tokens = timed(`tokenize 1 MB of ${label}`, () => tokenize(page));
    expect(tokens.length).toBeGreaterThan(0);
  });
});

describe('entities and expressions', () => {
  it('200,000 & without ; › decoded in linear time', () => {
    const text = '&'.repeat(200_000);
    expect(timed('decodeEntities of 200,000 &', () => decodeEntities(text))).toBe(text);
  });

  it('a regex over a 1 MB subject › evaluated in linear time', () => {
    const host = fakeHost({ variables: { big: 'a'.repeat(1 << 20) + '!' } });
    const parsed = parseExpression("v('big') =~ /^(a|b)*c/", 'ap-expr');
    const result = timed(
      '/^(a|b)*c/ over 1 MiB',
      () => parsed.ok && evaluateExpression(parsed.expression, host),
    );
    expect(result).toEqual({ ok: true, value: false });
  });
});
