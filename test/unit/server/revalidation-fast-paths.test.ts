// The 304 fast paths of sendRepresentation (isPlainRevalidation) against the full RFC 9110 §13.2.2 evaluation:
// whenever a fast path answers 304, evaluatePreconditions says not-modified too. Fixed seed, so a failure reproduces.

import fc from 'fast-check';
import { BodyDigests } from '../../../src/engine/body-digests';
import { formatHttpDate } from '../../../src/fields/http-date';
import { evaluatePreconditions, type RequestHeaders } from '../../../src/server/preconditions';
import { isPlainRevalidation, type Representation, validatorsAt } from '../../../src/server/representation';

const SETTINGS = { seed: 20261203, numRuns: 20000 };

// 2026-01-01T00:00:00Z: every date below is a few seconds around it, so RFC 850's two-digit year reads as 2026.
const BASE = Date.UTC(2026, 0, 1);
const CURRENT_TAGS = ['"abc"', '"xyz"'] as const;

/** The three HTTP-date forms a client may send (RFC 9110 §5.6.7), and a few that are not dates at all. */
function dateForms(epochMs: number): string[] {
  const date = new Date(epochMs);
  const imf = formatHttpDate(epochMs);
  const [weekday, day, month, year, time] = imf.replace(',', '').split(' ');
  const longWeekday = LONG_WEEKDAYS[date.getUTCDay()];
  return [
    imf,
    `${longWeekday}, ${day}-${month}-${year.slice(2)} ${time} GMT`,
    `${weekday} ${month} ${String(date.getUTCDate()).padStart(2, ' ')} ${time} ${year}`,
    imf.toLowerCase(),
    ` ${imf}`,
    `${imf}x`,
  ];
}

const LONG_WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const seconds = (from: number, to: number) => fc.integer({ min: from, max: to }).map((n) => BASE + n * 1000);

/** A representation as the server builds it: Last-Modified a whole second, never later than the response's date. */
const sent = fc
  .record({
    etag: fc.option(fc.constantFrom(...CURRENT_TAGS), { nil: undefined }),
    lastModified: fc.option(seconds(0, 4), { nil: undefined }),
    notModifiedSinceOffset: fc.option(fc.integer({ min: -1, max: 3 }), { nil: undefined }),
    age: fc.integer({ min: 0, max: 6000 }),
    strongFrom: fc.oneof(seconds(0, 8), fc.constant(Infinity)),
  })
  .map(({ etag, lastModified, notModifiedSinceOffset, age, strongFrom }) => {
    const representation: Representation = {
      body: Buffer.alloc(0),
      contentType: 'text/html',
      etag,
      digests: BodyDigests.of(Buffer.alloc(0)),
      lastModified,
      notModifiedSince:
        lastModified === undefined || notModifiedSinceOffset === undefined
          ? undefined
          : lastModified + notModifiedSinceOffset * 1000,
      strongFrom,
      cacheControl: 'public, max-age=0',
      vary: undefined,
    };
    return { representation, now: (lastModified ?? BASE) + age };
  });

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT', 'get'];
const ENTITY_TAGS = ['"abc"', 'W/"abc"', '"xyz"', 'W/"xyz"', '"other"', '*', '"abc', 'abc', ''];

/** A field absent `absent` times in `of`, else a value of `present`. */
function sometimes<T>(present: fc.Arbitrary<T>, absent: number, of: number): fc.Arbitrary<T | undefined> {
  return fc.oneof(
    { weight: absent, arbitrary: fc.constant(undefined) },
    { weight: of - absent, arbitrary: present },
  );
}

/** If-None-Match / If-Match: one tag, a list (with or without spaces), or repeated field lines. */
const tags = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ENTITY_TAGS) },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.constantFrom(...ENTITY_TAGS), { minLength: 1, maxLength: 3 })
      .map((list) => list.join(', ')),
  },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.constantFrom(...ENTITY_TAGS), { minLength: 1, maxLength: 3 })
      .map((list) => list.join(',')),
  },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...ENTITY_TAGS), { minLength: 0, maxLength: 2 }) },
);

/** A date field: some form of a date a few seconds around `around`, or repeated field lines. */
function datesAround(around: number): fc.Arbitrary<string | string[]> {
  const near = fc.integer({ min: -2, max: 2 }).map((offset) => around + offset * 1000);
  return fc.oneof(
    { weight: 3, arbitrary: near.map(formatHttpDate) },
    { weight: 2, arbitrary: fc.tuple(near, fc.nat(5)).map(([at, form]) => dateForms(at)[form]) },
    { weight: 1, arbitrary: near.map((at) => [formatHttpDate(at), formatHttpDate(at)]) },
  );
}

/** A request with validators around those of the representation it is sent to (dates near its Last-Modified). */
const requestAround = (lastModified: number) => {
  const dates = datesAround(lastModified);
  return fc
    .record({
      method: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom('GET', 'HEAD') },
        { weight: 1, arbitrary: fc.constantFrom(...METHODS) },
      ),
      ifNoneMatch: sometimes(tags, 1, 2),
      ifMatch: sometimes(tags, 4, 5),
      ifModifiedSince: sometimes(dates, 1, 3),
      ifUnmodifiedSince: sometimes(dates, 4, 5),
      range: sometimes(fc.constant('bytes=0-1'), 1, 2),
      ifRange: sometimes(fc.oneof(fc.constantFrom(...ENTITY_TAGS), seconds(0, 4).map(formatHttpDate)), 1, 2),
    })
    .map(({ method, ...fields }) => {
      const headers: RequestHeaders = {};
      const names: Record<keyof typeof fields, string> = {
        ifNoneMatch: 'if-none-match',
        ifMatch: 'if-match',
        ifModifiedSince: 'if-modified-since',
        ifUnmodifiedSince: 'if-unmodified-since',
        range: 'range',
        ifRange: 'if-range',
      };
      for (const [key, name] of Object.entries(names)) {
        const value = fields[key as keyof typeof fields];
        if (value !== undefined) headers[name] = value;
      }
      return { method, headers };
    });
};

/** A representation and a request to it. */
const exchange = sent.chain(({ representation, now }) =>
  requestAround(representation.lastModified ?? BASE).map((request) => ({ ...request, representation, now })),
);

describe('the 304 fast paths', () => {
  it('whenever a fast path answers 304 › evaluatePreconditions says not-modified too', () => {
    let answered = 0;
    fc.assert(
      fc.property(exchange, ({ method, headers, representation, now }) => {
        if (!isPlainRevalidation(method, headers, representation)) return true;
        answered++;
        const full = evaluatePreconditions(method, headers, validatorsAt(representation, now), now);
        return full.outcome === 'not-modified';
      }),
      SETTINGS,
    );
    // The property says nothing unless the fast paths are taken often: both of them, with ETag and with date.
    expect(answered).toBeGreaterThan(SETTINGS.numRuns / 100);
  });

  it('the generated requests › take each fast path', () => {
    const taken = { etag: 0, date: 0 };
    fc.assert(
      fc.property(exchange, ({ method, headers, representation }) => {
        if (!isPlainRevalidation(method, headers, representation)) return;
        if (headers['if-none-match'] !== undefined) taken.etag++;
        else taken.date++;
      }),
      SETTINGS,
    );
    expect(taken.etag).toBeGreaterThan(SETTINGS.numRuns / 500);
    expect(taken.date).toBeGreaterThan(SETTINGS.numRuns / 500);
  });
});
