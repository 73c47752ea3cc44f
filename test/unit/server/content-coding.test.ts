// Accept-Encoding negotiation and the compressibility rule, as tables.

import { isCompressible, negotiateContentCoding } from '../../../src/server/content-coding';

describe('negotiateContentCoding', () => {
  it.each([
    [undefined, 'identity'],
    ['', 'identity'],
    ['gzip', 'gzip'],
    ['gzip, deflate, br', 'br'],
    ['br;q=0.5, gzip', 'gzip'],
    ['gzip;q=0.5, identity', 'identity'],
    ['gzip;q=0, br;q=0', 'identity'],
    ['*', 'br'],
    ['*;q=0, gzip', 'gzip'],
    ['x-gzip', 'gzip'],
    ['GZIP', 'gzip'],
    ['deflate', 'identity'],
    ['gzip;q=2', 'identity'],
    [['gzip', 'br'], 'br'],
  ] as const)('Accept-Encoding %j › %s', (field, coding) => {
    expect(negotiateContentCoding(field as string | string[] | undefined)).toBe(coding);
  });
});

describe('isCompressible', () => {
  it.each([
    ['text/html', 2000, true],
    ['text/html', 500, false],
    ['application/javascript', 2000, true],
    ['image/svg+xml', 2000, true],
    ['application/atom+xml', 2000, true],
    ['image/png', 2000, false],
    ['image/vnd.microsoft.icon', 2000, true],
    ['font/ttf', 2000, true],
    ['application/wasm', 2000, true],
    ['font/woff2', 2000, false],
    ['application/gzip', 2000, false],
    ['application/octet-stream', 2000, false],
    ['text/event-stream', 2000, false],
    ['application/json5', 2000, true],
    ['TEXT/CSS; charset=utf-8', 2000, true],
    [undefined, 2000, false],
  ] as const)('%s of %d bytes › %s', (type, length, expected) => {
    expect(isCompressible(type, length, 1024)).toBe(expected);
  });
});
