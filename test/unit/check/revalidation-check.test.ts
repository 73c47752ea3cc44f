// The check's verdict as a pure function of recorded exchanges (literals; no network).

import { planRevalidation, type RecordedExchange } from '../../../src/check/revalidation-exchange';
import { judgeRevalidation } from '../../../src/check/revalidation-verdict';
import type { RevalidationProblemCode } from '../../../src/check/revalidation-problem';

const ETAG = '"k3Jx0aVt-7Qm2bPwLz9fA"';
const LAST_MODIFIED = 'Tue, 04 Mar 2025 10:00:00 GMT';
const DATE = 'Tue, 04 Mar 2025 12:00:00 GMT';
const BODY_SHA = 'a'.repeat(64);
const OTHER_SHA = 'b'.repeat(64);

const GOOD_200 = {
  etag: ETAG,
  'last-modified': LAST_MODIFIED,
  'cache-control': 'public, max-age=0',
  vary: 'Accept-Encoding',
  date: DATE,
  'content-length': '1234',
};
const GOOD_304 = {
  etag: ETAG,
  'last-modified': LAST_MODIFIED,
  'cache-control': 'public, max-age=0',
  vary: 'Accept-Encoding',
  date: DATE,
};

function firstGet(overrides: Partial<RecordedExchange> = {}): RecordedExchange {
  return {
    step: 'get',
    method: 'GET',
    validator: {},
    status: 200,
    headers: GOOD_200,
    bodyLength: 1234,
    bodySha256: BODY_SHA,
    ...overrides,
  };
}

/** A conditional GET replaying one validator of the first response, answered 304 unless overridden. */
function replay(
  step: 'if-modified-since' | 'if-none-match',
  value: string,
  overrides: Partial<RecordedExchange> = {},
): RecordedExchange {
  return {
    step,
    method: 'GET',
    validator: { [step]: value },
    status: 304,
    headers: GOOD_304,
    bodyLength: 0,
    bodySha256: '',
    ...overrides,
  };
}

function imsReplay(overrides: Partial<RecordedExchange> = {}): RecordedExchange {
  return replay('if-modified-since', LAST_MODIFIED, overrides);
}

function inmReplay(overrides: Partial<RecordedExchange> = {}): RecordedExchange {
  return replay('if-none-match', ETAG, overrides);
}

function head(overrides: Partial<RecordedExchange> = {}): RecordedExchange {
  return {
    step: 'head',
    method: 'HEAD',
    validator: {},
    status: 200,
    headers: GOOD_200,
    bodyLength: 0,
    bodySha256: '',
    ...overrides,
  };
}

function codes(exchanges: RecordedExchange[]): RevalidationProblemCode[] {
  return judgeRevalidation(exchanges).problems.map((problem) => problem.code);
}

describe('planRevalidation', () => {
  it('when the 200 has both validators › replays each, sends HEAD, then probes Accept-Encoding', () => {
    const plan = planRevalidation(firstGet());
    expect(plan.requests).toEqual([
      { step: 'if-modified-since', method: 'GET', validator: { 'if-modified-since': LAST_MODIFIED } },
      { step: 'if-none-match', method: 'GET', validator: { 'if-none-match': ETAG } },
      { step: 'head', method: 'HEAD', validator: {} },
      { step: 'vary-probe', method: 'GET', validator: {}, probe: { 'accept-encoding': 'gzip, deflate, br' } },
    ]);
    expect(plan.skipped).toEqual([]);
  });

  it.each([
    [{}, 'gzip, deflate, br'],
    [{ 'Accept-Encoding': 'identity' }, 'gzip, deflate, br'],
    [{ 'accept-encoding': 'gzip;q=1.0, identity;q=0.5' }, 'identity'],
  ])('when the requests send %j › the probe asks for %s', (sent, probed) => {
    const probe = planRevalidation(firstGet(), sent).requests.at(-1);
    expect(probe).toMatchObject({ step: 'vary-probe', probe: { 'accept-encoding': probed } });
  });

  it('when the 200 has no validators › skips both replays and still sends HEAD and the probe', () => {
    const plan = planRevalidation(firstGet({ headers: { date: DATE } }));
    expect(plan.requests.map((request) => request.step)).toEqual(['head', 'vary-probe']);
    expect(plan.skipped.map((skipped) => skipped.step)).toEqual(['if-modified-since', 'if-none-match']);
  });

  it('when the first GET is not 200 › sends nothing more', () => {
    const plan = planRevalidation(firstGet({ status: 404 }));
    expect(plan.requests).toEqual([]);
    expect(plan.skipped).toHaveLength(4);
  });
});

describe('judgeRevalidation', () => {
  it('when the origin answers both replays 304 with the retained fields › ok with no problems', () => {
    expect(judgeRevalidation([firstGet(), imsReplay(), inmReplay(), head()])).toEqual({
      ok: true,
      problems: [],
    });
  });

  it('when there is no first GET › throws a TypeError', () => {
    expect(() => judgeRevalidation([head()])).toThrow(TypeError);
  });

  it('when the first GET is a redirect › one error naming the Location, follow-ups ignored', () => {
    const verdict = judgeRevalidation([
      firstGet({ status: 301, headers: { location: 'https://example.com/' } }),
    ]);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toEqual([
      expect.objectContaining({ code: 'first-response-not-200', step: 'get' }),
    ]);
    expect(verdict.problems[0].message).toContain('Location: https://example.com/');
  });

  it('when the 200 has neither ETag nor Last-Modified › no-validators error', () => {
    const headers = { 'cache-control': 'max-age=60', date: DATE };
    expect(codes([firstGet({ headers }), head({ headers })])).toEqual(['no-validators']);
  });

  it.each<[string, RevalidationProblemCode, Partial<RecordedExchange>]>([
    [
      'If-None-Match answered 200 with the same bytes',
      'if-none-match-ignored',
      { status: 200, bodySha256: BODY_SHA },
    ],
    [
      'If-None-Match answered 200 with other bytes',
      'if-none-match-not-304',
      { status: 200, bodySha256: OTHER_SHA },
    ],
    ['If-None-Match answered 412', 'if-none-match-not-304', { status: 412, bodySha256: OTHER_SHA }],
  ])('when %s › %s', (_label, code, overrides) => {
    const verdict = judgeRevalidation([firstGet(), imsReplay(), inmReplay(overrides), head()]);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toEqual([
      expect.objectContaining({ code, severity: 'error', step: 'if-none-match' }),
    ]);
  });

  it.each<[string, RevalidationProblemCode, Partial<RecordedExchange>]>([
    [
      'If-Modified-Since answered 200 with the same bytes',
      'if-modified-since-ignored',
      { status: 200, bodySha256: BODY_SHA },
    ],
    [
      'If-Modified-Since answered 200 with other bytes',
      'if-modified-since-not-304',
      { status: 200, bodySha256: OTHER_SHA },
    ],
  ])('when %s › %s', (_label, code, overrides) => {
    expect(codes([firstGet(), imsReplay(overrides), inmReplay(), head()])).toEqual([code]);
  });

  it('when the replayed If-None-Match is ignored › the message quotes the validator sent', () => {
    const [problem] = judgeRevalidation([
      firstGet(),
      inmReplay({ status: 200, bodySha256: BODY_SHA }),
    ]).problems;
    expect(problem.message).toContain(`If-None-Match: ${ETAG}`);
    expect(problem.message).toContain('RFC 9110 §13.1.2');
  });

  it('when a 304 carries content › not-modified-with-body', () => {
    expect(codes([firstGet(), imsReplay(), inmReplay({ bodyLength: 12 }), head()])).toEqual([
      'not-modified-with-body',
    ]);
  });

  it('when a 304 drops ETag and Vary the 200 had › one not-modified-drops-header per field', () => {
    const headers = { 'last-modified': LAST_MODIFIED, 'cache-control': 'public, max-age=0', date: DATE };
    const verdict = judgeRevalidation([firstGet(), imsReplay(), inmReplay({ headers }), head()]);
    expect(verdict.problems.map((problem) => [problem.code, problem.step])).toEqual([
      ['not-modified-drops-header', 'if-none-match'],
      ['not-modified-drops-header', 'if-none-match'],
    ]);
    expect(verdict.problems[0].message).toContain('no ETag');
    expect(verdict.problems[1].message).toContain('no Vary');
  });

  it("when a 304 drops the 200's Surrogate-Key and Cache-Tag › a not-modified-drops-tags warning each", () => {
    const tagged = { ...GOOD_200, 'surrogate-key': 'abc def', 'cache-tag': 'abc,def' };
    const verdict = judgeRevalidation([
      firstGet({ headers: tagged }),
      imsReplay(),
      inmReplay(),
      head({ headers: tagged }),
    ]);
    expect(verdict.ok).toBe(true);
    expect(verdict.problems.map((problem) => [problem.code, problem.severity, problem.step])).toEqual([
      ['not-modified-drops-tags', 'warning', 'if-modified-since'],
      ['not-modified-drops-tags', 'warning', 'if-modified-since'],
      ['not-modified-drops-tags', 'warning', 'if-none-match'],
      ['not-modified-drops-tags', 'warning', 'if-none-match'],
    ]);
    expect(verdict.problems[0].message).toContain('no Surrogate-Key');
    const kept = { ...GOOD_304, 'surrogate-key': 'abc def', 'cache-tag': 'abc,def' };
    const good = judgeRevalidation([
      firstGet({ headers: tagged }),
      imsReplay({ headers: kept }),
      inmReplay({ headers: kept }),
      head({ headers: tagged }),
    ]);
    expect(good.problems).toEqual([]);
  });

  it('when a 304 omits a field the 200 did not have either › no problem', () => {
    const headers = { ...GOOD_200, vary: undefined };
    const withoutVary = { ...GOOD_304, vary: undefined };
    expect(codes([firstGet({ headers }), imsReplay({ headers: withoutVary }), head({ headers })])).toEqual(
      [],
    );
  });

  it.each<[string, Record<string, string | undefined>]>([
    ['Content-Length', { 'content-length': '0' }],
    ['ETag', { etag: '"other"' }],
    ['Last-Modified', { 'last-modified': undefined }],
    ['Cache-Control', { 'cache-control': 'no-store' }],
    ['Vary', { vary: 'Accept-Encoding, Accept-Language' }],
  ])('when HEAD sends a different %s › head-differs', (field, change) => {
    const verdict = judgeRevalidation([firstGet(), head({ headers: { ...GOOD_200, ...change } })]);
    expect(verdict.problems).toEqual([expect.objectContaining({ code: 'head-differs', step: 'head' })]);
    expect(verdict.problems[0].message).toContain(`HEAD sent ${field}:`);
  });

  it('when HEAD differs only in the case and spacing of Vary and Cache-Control › no problem', () => {
    const headers = { ...GOOD_200, vary: 'accept-encoding', 'cache-control': 'Public,max-age=0' };
    expect(codes([firstGet(), head({ headers })])).toEqual([]);
  });

  it('when HEAD answers 405 › head-differs naming both statuses', () => {
    const verdict = judgeRevalidation([firstGet(), head({ status: 405, headers: {} })]);
    expect(verdict.problems).toHaveLength(1);
    expect(verdict.problems[0].message).toContain('HEAD answered 405 where GET answered 200');
  });

  it('when GET was chunked and HEAD sends the body length or nothing › no problem', () => {
    const chunked = { ...GOOD_200, 'content-length': undefined };
    expect(codes([firstGet({ headers: chunked }), head({ headers: chunked })])).toEqual([]);
    expect(codes([firstGet({ headers: chunked }), head()])).toEqual([]);
  });

  it('when Last-Modified is later than Date › last-modified-after-date', () => {
    const headers = { ...GOOD_200, 'last-modified': 'Tue, 04 Mar 2025 12:00:01 GMT' };
    expect(codes([firstGet({ headers })])).toEqual(['last-modified-after-date']);
  });

  it('when Last-Modified is not an HTTP date › invalid-last-modified', () => {
    const headers = { ...GOOD_200, 'last-modified': '2025-03-04T10:00:00Z' };
    expect(codes([firstGet({ headers })])).toEqual(['invalid-last-modified']);
  });

  it('when the ETag is weak › a weak-etag warning that keeps the verdict ok', () => {
    const weak = { ...GOOD_200, etag: `W/${ETAG}` };
    const verdict = judgeRevalidation([firstGet({ headers: weak }), head({ headers: weak })]);
    expect(verdict.ok).toBe(true);
    expect(verdict.problems).toEqual([expect.objectContaining({ code: 'weak-etag', severity: 'warning' })]);
    expect(verdict.problems[0].message).toContain('Akamai');
  });

  it('when the ETag is not quoted › invalid-etag error', () => {
    expect(codes([firstGet({ headers: { ...GOOD_200, etag: 'abc123' } })])).toEqual(['invalid-etag']);
  });

  it.each<[string, RevalidationProblemCode[], string | undefined, string | undefined]>([
    ['no Cache-Control and no Expires', ['heuristic-freshness'], undefined, undefined],
    ['Cache-Control without a lifetime', ['heuristic-freshness'], 'public', undefined],
    ['max-age', [], 'max-age=0', undefined],
    ['s-maxage', [], 'public, s-maxage=300', undefined],
    ['no-cache', [], 'no-cache', undefined],
    ['Expires only', [], undefined, 'Tue, 04 Mar 2025 12:00:00 GMT'],
  ])('when the 200 has %s › problems %j', (_label, expected, cacheControl, expires) => {
    const headers = { ...GOOD_200, 'cache-control': cacheControl, expires };
    const verdict = judgeRevalidation([firstGet({ headers })]);
    expect(verdict.problems.map((problem) => problem.code)).toEqual(expected);
    expect(verdict.ok).toBe(true);
  });
});

describe('judgeRevalidation › CDN findings', () => {
  function probe(
    headers: RecordedExchange['headers'],
    overrides: Partial<RecordedExchange> = {},
  ): RecordedExchange {
    return {
      step: 'vary-probe',
      method: 'GET',
      validator: {},
      probe: { 'accept-encoding': 'gzip, deflate, br' },
      status: 200,
      headers,
      bodyLength: 400,
      bodySha256: OTHER_SHA,
      ...overrides,
    };
  }
  const codes = (exchanges: RecordedExchange[]): RevalidationProblemCode[] =>
    judgeRevalidation(exchanges).problems.map((problem) => problem.code);

  it('when the probe gets gzip and Vary names Accept-Encoding › no problem', () => {
    const gzip = probe({ ...GOOD_200, 'content-encoding': 'gzip' });
    expect(codes([firstGet(), imsReplay(), inmReplay(), head(), gzip])).toEqual([]);
  });

  it('when the probe gets gzip and Vary does not name Accept-Encoding › missing-vary error at the probe', () => {
    const noVary = { ...GOOD_200, vary: 'Accept-Language' };
    const gzip = probe({ ...noVary, 'content-encoding': 'gzip' });
    const verdict = judgeRevalidation([firstGet({ headers: noVary }), gzip]);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toEqual([
      expect.objectContaining({ code: 'missing-vary', severity: 'error', step: 'vary-probe' }),
    ]);
    expect(verdict.problems[0].message).toMatch(
      /^With Accept-Encoding: gzip, deflate, br the origin answered Content-Encoding: gzip instead of identity/,
    );
  });

  it('when the probe gets the same coding › no missing-vary, even with different bytes', () => {
    const noVary = { ...GOOD_200, vary: undefined };
    expect(codes([firstGet({ headers: noVary }), probe(noVary)])).toEqual([]);
  });

  it('when the first 200 is gzip without Vary: Accept-Encoding › one missing-vary error at the GET', () => {
    const gzipNoVary = { ...GOOD_200, vary: undefined, 'content-encoding': 'gzip' };
    const identity = probe({ ...GOOD_200, vary: undefined });
    const verdict = judgeRevalidation([firstGet({ headers: gzipNoVary }), identity]);
    expect(verdict.problems).toEqual([expect.objectContaining({ code: 'missing-vary', step: 'get' })]);
  });

  it.each([
    [
      'private, max-age=60',
      'not-storable',
      /^A shared cache will not store this page: Cache-Control: private/,
    ],
    ['no-store', 'not-storable', /^A shared cache will not store this page: Cache-Control: no-store/],
  ])('when Cache-Control is %s › a %s warning that keeps the verdict ok', (cacheControl, code, message) => {
    const verdict = judgeRevalidation([
      firstGet({ headers: { ...GOOD_200, 'cache-control': cacheControl } }),
    ]);
    expect(verdict.ok).toBe(true);
    expect(verdict.problems).toEqual([expect.objectContaining({ code, severity: 'warning' })]);
    expect(verdict.problems[0].message).toMatch(message);
  });

  it('when Vary is * › a vary-any warning', () => {
    const verdict = judgeRevalidation([firstGet({ headers: { ...GOOD_200, vary: '*' } })]);
    expect(verdict).toEqual({
      ok: true,
      problems: [expect.objectContaining({ code: 'vary-any', severity: 'warning', step: 'get' })],
    });
  });
});
