import fc from 'fast-check';
import { formatHttpDate, parseHttpDate } from '../../../src/fields/http-date';

const EXAMPLE = Date.UTC(1994, 10, 6, 8, 49, 37);
const NOW = Date.UTC(2025, 5, 15, 12, 0, 0);
// RFC 9110 §5.6.7.
const IMF_FIXDATE_SHAPE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

describe('formatHttpDate', () => {
  it.each([
    ['the RFC 9110 example', EXAMPLE, 'Sun, 06 Nov 1994 08:49:37 GMT'],
    ['milliseconds', EXAMPLE + 999, 'Sun, 06 Nov 1994 08:49:37 GMT'],
    ['the epoch', 0, 'Thu, 01 Jan 1970 00:00:00 GMT'],
    ['a leap day', Date.UTC(2024, 1, 29, 23, 59, 59), 'Thu, 29 Feb 2024 23:59:59 GMT'],
    ['a year below 1000', Date.UTC(999, 0, 1) + 0, 'Tue, 01 Jan 0999 00:00:00 GMT'],
  ])('when given %s › an IMF-fixdate floored to the second', (_name, epochMs, expected) => {
    expect(formatHttpDate(epochMs)).toBe(expected);
    expect(formatHttpDate(epochMs)).toMatch(IMF_FIXDATE_SHAPE);
  });

  it.each([NaN, Infinity, Date.UTC(10000, 0, 1), Date.UTC(-1, 0, 1)])(
    'when given %p › throws RangeError',
    (epochMs) => {
      expect(() => formatHttpDate(epochMs)).toThrow(RangeError);
    },
  );

  it('when a date is formatted and parsed back › the whole-second timestamp survives', () => {
    for (let ms = -86_400_000; ms < 4_102_444_800_000; ms += 7_777_777_777) {
      expect(parseHttpDate(formatHttpDate(ms))).toBe(Math.floor(ms / 1000) * 1000);
    }
  });
});

describe('parseHttpDate', () => {
  it.each([
    ['IMF-fixdate', 'Sun, 06 Nov 1994 08:49:37 GMT', EXAMPLE],
    ['RFC 850', 'Sunday, 06-Nov-94 08:49:37 GMT', EXAMPLE],
    ['asctime with a space-padded day', 'Sun Nov  6 08:49:37 1994', EXAMPLE],
    ['asctime with a two-digit day', 'Sun Nov 06 08:49:37 1994', EXAMPLE],
    ['asctime with day 16', 'Wed Nov 16 08:49:37 1994', Date.UTC(1994, 10, 16, 8, 49, 37)],
    ['a leap day', 'Thu, 29 Feb 2024 00:00:00 GMT', Date.UTC(2024, 1, 29)],
    ['a year before the epoch', 'Fri, 31 Dec 1965 23:59:59 GMT', Date.UTC(1965, 11, 31, 23, 59, 59)],
  ])('when %s › epoch ms', (_form, value, expected) => {
    expect(parseHttpDate(value, NOW)).toBe(expected);
  });

  it.each([
    ['year 75, no more than 50 years ahead of 2025', 'Tuesday, 01-Jan-75 00:00:00 GMT', Date.UTC(2075, 0, 1)],
    ['year 76, more than 50 years ahead of 2025', 'Thursday, 01-Jan-76 00:00:00 GMT', Date.UTC(1976, 0, 1)],
    ['Dec 75, more than 50 years ahead of mid-2025', 'Monday, 01-Dec-75 00:00:00 GMT', Date.UTC(1975, 11, 1)],
    ['year 25', 'Wednesday, 01-Jan-25 00:00:00 GMT', Date.UTC(2025, 0, 1)],
    ['year 00', 'Saturday, 01-Jan-00 00:00:00 GMT', Date.UTC(2000, 0, 1)],
  ])('when RFC 850 %s › the RFC 9110 century rule', (_name, value, expected) => {
    expect(parseHttpDate(value, NOW)).toBe(expected);
  });

  it('when RFC 850 year 05 is read in 2099 › 2105, less than 50 years ahead', () => {
    expect(parseHttpDate('Thursday, 01-Jan-05 00:00:00 GMT', Date.UTC(2099, 0, 1))).toBe(
      Date.UTC(2105, 0, 1),
    );
  });

  it.each([
    ['undefined', undefined],
    ['empty', ''],
    ['garbage', 'garbage'],
    ['a number', '784111777'],
    ['ISO 8601', '1994-11-06T08:49:37Z'],
    ['two dates', 'Sun, 06 Nov 1994 08:49:37 GMT, Sun, 06 Nov 1994 08:49:37 GMT'],
    ['a leading space', ' Sun, 06 Nov 1994 08:49:37 GMT'],
    ['a trailing space', 'Sun, 06 Nov 1994 08:49:37 GMT '],
    ['a doubled space', 'Sun, 06 Nov 1994  08:49:37 GMT'],
    ['a lowercase month', 'Sun, 06 nov 1994 08:49:37 GMT'],
    ['an uppercase day', 'SUN, 06 Nov 1994 08:49:37 GMT'],
    ['a lowercase zone', 'Sun, 06 Nov 1994 08:49:37 gmt'],
    ['another zone', 'Sun, 06 Nov 1994 08:49:37 UTC'],
    ['a numeric offset', 'Sun, 06 Nov 1994 08:49:37 +0000'],
    ['a one-digit day in IMF-fixdate', 'Sun, 6 Nov 1994 08:49:37 GMT'],
    ['a two-digit year in IMF-fixdate', 'Sun, 06 Nov 94 08:49:37 GMT'],
    ['a short day name in RFC 850', 'Sun, 06-Nov-94 08:49:37 GMT'],
    ['a four-digit year in RFC 850', 'Sunday, 06-Nov-1994 08:49:37 GMT'],
    ['asctime with a zone', 'Sun Nov  6 08:49:37 1994 GMT'],
    ['Feb 30', 'Thu, 30 Feb 2023 00:00:00 GMT'],
    ['Feb 29 in a common year', 'Wed, 29 Feb 2023 00:00:00 GMT'],
    ['Apr 31', 'Sat, 31 Apr 2023 00:00:00 GMT'],
    ['day 00', 'Sun, 00 Nov 1994 08:49:37 GMT'],
    ['hour 24', 'Sun, 06 Nov 1994 24:00:00 GMT'],
    ['minute 60', 'Sun, 06 Nov 1994 08:60:00 GMT'],
    ['a leap second', 'Sun, 06 Nov 1994 08:49:60 GMT'],
    ['a wrong weekday', 'Mon, 06 Nov 1994 08:49:37 GMT'],
    ['a wrong weekday in RFC 850', 'Monday, 06-Nov-94 08:49:37 GMT'],
    ['a wrong weekday in asctime', 'Mon Nov  6 08:49:37 1994'],
    ['non-ASCII digits', 'Sun, ٠٦ Nov 1994 08:49:37 GMT'],
  ])('when %s › undefined', (_name, value) => {
    expect(parseHttpDate(value, NOW)).toBeUndefined();
  });
});

describe('HTTP-date properties', () => {
  it('when any time from 1900 to 9999 is formatted › it is an IMF-fixdate (RFC 9110 §5.6.7) and parses back to the second', () => {
    const times = fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59) });
    fc.assert(
      fc.property(times, (epochMs) => {
        const text = formatHttpDate(epochMs);
        expect(text).toMatch(IMF_FIXDATE_SHAPE);
        expect(parseHttpDate(text)).toBe(Math.floor(epochMs / 1000) * 1000);
      }),
    );
  });
});
