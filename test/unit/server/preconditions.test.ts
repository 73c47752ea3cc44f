import {
  evaluatePreconditions,
  type PreconditionResult,
  type RepresentationValidators,
  type RequestHeaders,
} from '../../../src/server/preconditions';
import { formatHttpDate } from '../../../src/fields/http-date';

const NOW = Date.UTC(2025, 5, 15, 12, 0, 0, 250);
const LM = Date.UTC(2025, 5, 15, 11, 0, 0);
const ETAG = '"q1w2e3r4t5y6u7i8o9p0aa"';
const OTHER = '"other"';
const AT_LM = formatHttpDate(LM);
const BEFORE_LM = formatHttpDate(LM - 1000);
const AFTER_LM = formatHttpDate(LM + 1000);
const FUTURE = formatHttpDate(NOW + 60_000);
const RFC850_AT_LM = 'Sunday, 15-Jun-25 11:00:00 GMT';
const ASCTIME_AT_LM = 'Sun Jun 15 11:00:00 2025';

const VALIDATORS: RepresentationValidators = { etag: ETAG, lastModified: LM, lastModifiedIsStrong: true };

function evaluate(
  headers: RequestHeaders,
  method = 'GET',
  validators: RepresentationValidators = VALIDATORS,
): PreconditionResult {
  return evaluatePreconditions(method, headers, validators, NOW);
}

describe('evaluatePreconditions', () => {
  it('when the request has no preconditions › proceed with ranges allowed', () => {
    expect(evaluate({})).toEqual({ outcome: 'proceed', rangeAllowed: true });
  });

  describe('step 1: If-Match (strong comparison)', () => {
    it.each([
      ['If-Match is the current ETag', ETAG, 'proceed'],
      ['If-Match is *', '*', 'proceed'],
      ['If-Match lists the current ETag among others', `${OTHER}, ${ETAG}`, 'proceed'],
      ['If-Match is another tag', OTHER, 'precondition-failed'],
      ['If-Match is the weak form of the current ETag', `W/${ETAG}`, 'precondition-failed'],
      ['If-Match is malformed, treated as absent', `*, ${OTHER}`, 'proceed'],
    ])('when %s › %s', (_name, ifMatch, outcome) => {
      expect(evaluate({ 'if-match': ifMatch }).outcome).toBe(outcome);
    });

    it.each(['GET', 'HEAD', 'POST', 'PUT', 'DELETE'])(
      'when If-Match fails on %s › precondition-failed',
      (method) => {
        expect(evaluate({ 'if-match': OTHER }, method).outcome).toBe('precondition-failed');
      },
    );

    it('when the current ETag is weak › a matching If-Match still fails', () => {
      const validators = { ...VALIDATORS, etag: `W/${ETAG}` };
      expect(evaluate({ 'if-match': `W/${ETAG}` }, 'GET', validators).outcome).toBe('precondition-failed');
    });

    it('when there is no current ETag › If-Match * proceeds and a listed tag fails', () => {
      const validators = { lastModified: LM, lastModifiedIsStrong: true };
      expect(evaluate({ 'if-match': '*' }, 'GET', validators).outcome).toBe('proceed');
      expect(evaluate({ 'if-match': ETAG }, 'GET', validators).outcome).toBe('precondition-failed');
    });

    it('when If-Match fails and If-None-Match matches › precondition-failed', () => {
      expect(evaluate({ 'if-match': OTHER, 'if-none-match': ETAG }).outcome).toBe('precondition-failed');
    });

    it('when If-Match lines repeat › they are joined into one list', () => {
      expect(evaluate({ 'if-match': [OTHER, ETAG] }).outcome).toBe('proceed');
    });
  });

  describe('step 2: If-Unmodified-Since', () => {
    it.each([
      ['IUS is one second before LM', { 'if-unmodified-since': BEFORE_LM }, 'precondition-failed'],
      ['IUS equals LM', { 'if-unmodified-since': AT_LM }, 'proceed'],
      ['IUS is after LM', { 'if-unmodified-since': AFTER_LM }, 'proceed'],
      [
        'IUS is stale but If-Match matches',
        { 'if-unmodified-since': BEFORE_LM, 'if-match': ETAG },
        'proceed',
      ],
      [
        'IUS is stale and If-Match is malformed, so absent',
        { 'if-unmodified-since': BEFORE_LM, 'if-match': 'nope' },
        'precondition-failed',
      ],
      ['IUS is garbage', { 'if-unmodified-since': 'garbage' }, 'proceed'],
      ['IUS lists two dates', { 'if-unmodified-since': `${BEFORE_LM}, ${BEFORE_LM}` }, 'proceed'],
      ['IUS is repeated', { 'if-unmodified-since': [BEFORE_LM, BEFORE_LM] }, 'proceed'],
    ])('when %s › %s', (_name, headers, outcome) => {
      expect(evaluate(headers).outcome).toBe(outcome);
    });

    it('when there is no Last-Modified › IUS is ignored', () => {
      const validators = { etag: ETAG, lastModifiedIsStrong: false };
      expect(evaluate({ 'if-unmodified-since': BEFORE_LM }, 'GET', validators).outcome).toBe('proceed');
    });
  });

  describe('step 3: If-None-Match (weak comparison)', () => {
    it.each([
      ['INM is the current ETag', { 'if-none-match': ETAG }, 'not-modified'],
      ['INM is the weak form of the current ETag', { 'if-none-match': `W/${ETAG}` }, 'not-modified'],
      ['INM lists another tag and the current one', { 'if-none-match': `"x", ${ETAG}` }, 'not-modified'],
      ['INM is *', { 'if-none-match': '*' }, 'not-modified'],
      ['INM is another tag', { 'if-none-match': OTHER }, 'proceed'],
      [
        'INM matches and IMS is older than LM',
        { 'if-none-match': ETAG, 'if-modified-since': BEFORE_LM },
        'not-modified',
      ],
      [
        'INM does not match and IMS equals LM',
        { 'if-none-match': OTHER, 'if-modified-since': AT_LM },
        'proceed',
      ],
      [
        'INM is malformed and IMS equals LM, so IMS decides',
        { 'if-none-match': `${ETAG} ${OTHER}`, 'if-modified-since': AT_LM },
        'not-modified',
      ],
      ['INM lines repeat', { 'if-none-match': [OTHER, ETAG] }, 'not-modified'],
    ])('when %s › %s', (_name, headers, outcome) => {
      expect(evaluate(headers).outcome).toBe(outcome);
    });

    it.each([
      ['HEAD', 'HEAD', 'not-modified'],
      ['POST (the server answers 405 before this)', 'POST', 'precondition-failed'],
      ['PUT', 'PUT', 'precondition-failed'],
      ['lowercase get, not GET', 'get', 'precondition-failed'],
    ])('when INM matches on %s › %s', (_name, method, outcome) => {
      expect(evaluate({ 'if-none-match': ETAG }, method).outcome).toBe(outcome);
    });

    it('when the current ETag is weak › a weak comparison still matches', () => {
      const validators = { ...VALIDATORS, etag: `W/${ETAG}` };
      expect(evaluate({ 'if-none-match': ETAG }, 'GET', validators).outcome).toBe('not-modified');
    });
  });

  describe('step 4: If-Modified-Since', () => {
    it.each([
      ['IMS equals LM', AT_LM, 'not-modified'],
      ['IMS is one second before LM', BEFORE_LM, 'proceed'],
      ['IMS equals LM in RFC 850 form', RFC850_AT_LM, 'not-modified'],
      ['IMS equals LM in asctime form', ASCTIME_AT_LM, 'not-modified'],
      ['IMS is after LM', AFTER_LM, 'not-modified'],
      ['IMS is garbage', 'garbage', 'proceed'],
      ['IMS lists two dates', `${AT_LM}, ${AT_LM}`, 'proceed'],
      ['IMS is later than now', FUTURE, 'proceed'],
      ['IMS is now, floored to the second', formatHttpDate(NOW), 'not-modified'],
    ])('when %s › %s', (_name, ifModifiedSince, outcome) => {
      expect(evaluate({ 'if-modified-since': ifModifiedSince }).outcome).toBe(outcome);
    });

    it.each([
      ['IMS is sent on two lines', [AT_LM, AT_LM], 'proceed'],
      ['IMS is one line given as an array', [AT_LM], 'not-modified'],
    ])('when %s › %s', (_name, ifModifiedSince, outcome) => {
      expect(evaluate({ 'if-modified-since': ifModifiedSince }).outcome).toBe(outcome);
    });

    it('when IMS equals LM on HEAD › not-modified', () => {
      expect(evaluate({ 'if-modified-since': AT_LM }, 'HEAD').outcome).toBe('not-modified');
    });

    it.each(['POST', 'PUT', 'DELETE'])('when IMS equals LM on %s › proceed (GET/HEAD only)', (method) => {
      expect(evaluate({ 'if-modified-since': AT_LM }, method).outcome).toBe('proceed');
    });

    it('when there is no Last-Modified (volatile page) › IMS is ignored', () => {
      const validators = { etag: ETAG, lastModifiedIsStrong: false };
      expect(evaluate({ 'if-modified-since': AT_LM }, 'GET', validators).outcome).toBe('proceed');
    });

    it('when Last-Modified carries milliseconds › compared at whole seconds', () => {
      const validators = { ...VALIDATORS, lastModified: LM + 999 };
      expect(evaluate({ 'if-modified-since': AT_LM }, 'GET', validators).outcome).toBe('not-modified');
    });
  });

  describe('step 5: If-Range', () => {
    const range = { range: 'bytes=0-9' };
    it.each([
      ['If-Range is the current ETag', ETAG, VALIDATORS, true],
      ['If-Range is a stale ETag', OTHER, VALIDATORS, false],
      ['If-Range is the weak form of the ETag', `W/${ETAG}`, VALIDATORS, false],
      ['If-Range equals a strong LM', AT_LM, VALIDATORS, true],
      ['If-Range equals a strong LM in RFC 850 form', RFC850_AT_LM, VALIDATORS, true],
      ['If-Range differs from LM', BEFORE_LM, VALIDATORS, false],
      ['If-Range is later than LM', AFTER_LM, VALIDATORS, false],
      [
        'If-Range equals a weak LM (RFC 9110 §8.8.2.2)',
        AT_LM,
        { ...VALIDATORS, lastModifiedIsStrong: false },
        false,
      ],
      ['If-Range is a date and there is no LM', AT_LM, { etag: ETAG, lastModifiedIsStrong: true }, false],
      [
        'If-Range is a tag and there is no ETag',
        ETAG,
        { lastModified: LM, lastModifiedIsStrong: true },
        false,
      ],
      ['If-Range is garbage', 'garbage', VALIDATORS, false],
      ['If-Range is a list of tags', `${ETAG}, ${ETAG}`, VALIDATORS, false],
      ['If-Range is *', '*', VALIDATORS, false],
    ])('when %s › rangeAllowed %p', (_name, ifRange, validators, rangeAllowed) => {
      expect(evaluate({ ...range, 'if-range': ifRange }, 'GET', validators)).toEqual({
        outcome: 'proceed',
        rangeAllowed,
      });
    });

    it('when If-Range is repeated › Range is ignored', () => {
      expect(evaluate({ ...range, 'if-range': [ETAG, ETAG] }).rangeAllowed).toBe(false);
    });

    it('when If-Range comes without Range › ignored', () => {
      expect(evaluate({ 'if-range': OTHER })).toEqual({ outcome: 'proceed', rangeAllowed: true });
    });

    it('when Range comes without If-Range › rangeAllowed', () => {
      expect(evaluate(range).rangeAllowed).toBe(true);
    });

    it('when Range comes on HEAD › ranges are for GET only (RFC 9110 §14.2)', () => {
      expect(evaluate(range, 'HEAD')).toEqual({ outcome: 'proceed', rangeAllowed: false });
    });

    it('when the request is answered 304 › rangeAllowed false', () => {
      expect(evaluate({ ...range, 'if-none-match': ETAG })).toEqual({
        outcome: 'not-modified',
        rangeAllowed: false,
      });
    });
  });

  describe('methods that select no representation', () => {
    it.each(['OPTIONS', 'TRACE', 'CONNECT'])('when %s carries failing preconditions › proceed', (method) => {
      const headers = { 'if-match': OTHER, 'if-none-match': ETAG, 'if-unmodified-since': BEFORE_LM };
      expect(evaluate(headers, method).outcome).toBe('proceed');
    });
  });

  it('when a GET carries If-Match * or INM * › decided here only for a 2xx (RFC 9110 §13.2.1)', () => {
    // The caller skips evaluatePreconditions for a 404; for an existing page "*" means "it exists".
    expect(evaluate({ 'if-match': '*' }).outcome).toBe('proceed');
    expect(evaluate({ 'if-none-match': '*' }).outcome).toBe('not-modified');
  });
});
