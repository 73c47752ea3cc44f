// entities tests: mod_include decodehtml and ap_escape_html2.

import { decodeEntities, escapeHtml } from '../../../src/ssi/entities';
import { workOf } from '../../support/work-meter';

describe('decodeEntities', () => {
  it.each([
    ['&lt;&gt;&amp;&quot;', '<>&"'],
    ['&Auml;&eacute;&szlig;&THORN;&yuml;&ETH;&eth;&AElig;', '\xc4\xe9\xdf\xde\xff\xd0\xf0\xc6'],
    ['&Oslash;&yacute;&Yacute;&ntilde;', '\xd8\xfd\xdd\xf1'],
    ['&#65;&#233;&#0065;', 'A\xe9A'],
    ['&#9;&#10;&#32;&#126;&#161;&#255;', '\t\n ~\xa1\xff'],
    ['a&#0;b&#8;c&#11;d&#31;e&#127;f&#160;g&#256;h&#1000;i', 'abcdefghi'],
    ['&#x41;&#65a;&#;&#-1;', ''],
    ['&#4294967361;', 'A'],
    ['&nbsp;&apos;&copy;&Yuml;&euro;', '&nbsp;&apos;&copy;&Yuml;&euro;'],
    ['&LT;&Amp;', '&LT;&Amp;'],
    ['&;', '&;'],
    ['a & b', 'a & b'],
    ['&amp', '&amp'],
    ['&amp &lt;', '&amp <'],
    ['&#1&2;x', 'x'],
    ['&&&&lt;', '&&&<'],
    ['&amp;lt;', '&lt;'],
    ['no entities', 'no entities'],
  ])('%j › %j', (text, expected) => {
    expect(decodeEntities(text)).toBe(expected);
  });

  it('a long run of & without ; › passes through (its time is bounded in the hostile suite)', () => {
    const text = '&'.repeat(200_000);
    expect(decodeEntities(text)).toBe(text);
  });
});

describe('decodeEntities on long runs', () => {
  // Work, not time: the positions indexOf examines. Linear work doubles with the text; a rescan per & quadruples.
  it.each([
    ['& without ;', '&', ''],
    ['& and one ; at the end', '&', ';'],
    ['&amp without ;', '&amp', ''],
    ['&; pairs', '&;', ''],
    ['&#1 and one ; at the end', '&#1', ';'],
  ])('%s, twice as long › at most 2.2 times the work', (_condition, unit, tail) => {
    const workFor = (length: number) =>
      workOf(() => decodeEntities(unit.repeat(Math.ceil(length / unit.length)) + tail));
    const single = workFor(64 * 1024);
    expect(single).toBeGreaterThan(0);
    expect(workFor(128 * 1024) / single).toBeLessThanOrEqual(2.2);
  });
});

describe('escapeHtml', () => {
  it.each([
    [`<a href="q">&'`, `&lt;a href=&quot;q&quot;&gt;&amp;'`],
    ['\xe9\x00plain', '\xe9\x00plain'],
    ['&amp;', '&amp;amp;'],
  ])('%j › %j', (text, expected) => {
    expect(escapeHtml(text)).toBe(expected);
  });
});
