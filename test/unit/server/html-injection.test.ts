// Where live reload's markup goes into an HTML body, byte for byte, and which types count as HTML.

import { injectIntoHtml, isHtmlType } from '../../../src/server/html-injection';

const MARKUP = '<script src="/r.js"></script>';

describe('injectIntoHtml', () => {
  it.each([
    ['before </body>', '<p>a</p></body></html>', '<p>a</p><script src="/r.js"></script></body></html>'],
    ['any case (</BODY>)', '<P>A</P></BODY>', '<P>A</P><script src="/r.js"></script></BODY>'],
    ['white space before >', '<p>a</p></body \n>', '<p>a</p><script src="/r.js"></script></body \n>'],
    ['the last of two', '<!-- </body> -->x</body>', '<!-- </body> -->x<script src="/r.js"></script></body>'],
    ['no </body> › at the end', '<p>a fragment</p>', '<p>a fragment</p><script src="/r.js"></script>'],
    ['not </bodyx>', '<p>a</p></bodyx>', '<p>a</p></bodyx><script src="/r.js"></script>'],
    ['an empty body', '', '<script src="/r.js"></script>'],
  ])('%s', (_name, html, expected) => {
    expect(injectIntoHtml(Buffer.from(html), Buffer.from(MARKUP)).toString()).toBe(expected);
  });

  it('bytes of any charset around it › kept exactly (no decoding)', () => {
    const before = Buffer.from([0x3c, 0x70, 0x3e, 0xe9, 0xff, 0xfe, 0x00, 0x80]);
    const after = Buffer.from('</body>\xe9', 'latin1');
    const result = injectIntoHtml(Buffer.concat([before, after]), Buffer.from(MARKUP));
    expect(result).toEqual(Buffer.concat([before, Buffer.from(MARKUP), after]));
  });
});

describe('isHtmlType', () => {
  it.each([
    ['text/html', true],
    ['text/html; charset=utf-8', true],
    ['TEXT/HTML', true],
    ['application/xhtml+xml', false],
    ['text/plain', false],
    ['text/css', false],
    [undefined, false],
  ])('%s › %s', (type, expected) => {
    expect(isHtmlType(type)).toBe(expected);
  });
});
