// The two access-log formats of one record: Apache's combined line with the appended fields, and a JSON object;
// and the status logged for a response that ended before its header went out.

import type { ServerResponse } from 'node:http';
import {
  formatClfTime,
  formatCombinedLine,
  formatJsonLine,
  loggedStatus,
  type AccessLogRecord,
} from '../../../src/server/access-log';

const RECORD: AccessLogRecord = {
  time: Date.UTC(2026, 11, 3, 22, 5, 1, 250),
  client: '203.0.113.9',
  peer: '10.0.0.2',
  method: 'GET',
  target: '/a"b\\c',
  protocol: 'HTTP/1.1',
  status: 200,
  bytes: 512,
  referer: undefined,
  userAgent: 'bot\t\xe9',
  etag: 'W/"1f-abc"',
  durationMs: 1.94,
  renderMs: 1.25,
  cache: 'miss',
  completed: true,
};

describe('formatCombinedLine', () => {
  it('› combined, escaped as ap_escape_logitem does, "-" for a missing header, then the appended fields', () => {
    expect(formatCombinedLine(RECORD)).toBe(
      '203.0.113.9 - - [03/Dec/2026:22:05:01 +0000] "GET /a\\"b\\\\c HTTP/1.1" 200 512 "-" "bot\\t\\xe9" ' +
        'etag=W/"1f-abc" time_ms=1.9 render_ms=1.3 cache=miss end=complete',
    );
  });

  it('no body bytes, no ETag, not built here, cut short › "-" for %b and for each missing field', () => {
    const line = formatCombinedLine({
      ...RECORD,
      bytes: 0,
      etag: undefined,
      renderMs: undefined,
      cache: undefined,
      completed: false,
    });
    expect(line).toMatch(/" 200 - "-" "bot\\t\\xe9" etag=- time_ms=1\.9 render_ms=- cache=- end=aborted$/);
  });

  it('a single-digit day › two digits, as Apache writes %t', () => {
    expect(formatClfTime(Date.UTC(2026, 0, 5, 3, 4, 5))).toBe('05/Jan/2026:03:04:05 +0000');
  });
});

describe('formatJsonLine', () => {
  it('› one object, ISO time, bytes read as UTF-8, null for what is missing', () => {
    const utf8 = Buffer.from('é', 'utf8').toString('latin1');
    expect(JSON.parse(formatJsonLine({ ...RECORD, userAgent: `bot ${utf8}` }))).toEqual({
      time: '2026-12-03T22:05:01.250Z',
      client: '203.0.113.9',
      peer: '10.0.0.2',
      method: 'GET',
      url: '/a"b\\c',
      protocol: 'HTTP/1.1',
      status: 200,
      bytes: 512,
      referer: null,
      userAgent: 'bot é',
      etag: 'W/"1f-abc"',
      durationMs: 1.9,
      renderMs: 1.3,
      cache: 'miss',
      completed: true,
    });
  });

  it('› never more than one line, whatever the request held', () => {
    expect(formatJsonLine({ ...RECORD, target: '/\n\r', userAgent: '\u2028' })).not.toMatch(/[\n\r]/);
  });
});

describe('loggedStatus', () => {
  const response = (headersSent: boolean, statusCode: number) =>
    ({ headersSent, statusCode }) as ServerResponse;

  it.each([
    ['the header went out › its status', response(true, 304), false, 304],
    ['the header went out, then a failure › still its status', response(true, 200), true, 200],
    ['no header, a failure cut it short › 500', response(false, 200), true, 500],
    // Koa starts every response at 404: a client gone during a render must not read as a missing page.
    ['no header, the client left first › 499', response(false, 404), false, 499],
  ])('%s', (_, res, failed, expected) => {
    expect(loggedStatus(res, failed)).toBe(expected);
  });
});
