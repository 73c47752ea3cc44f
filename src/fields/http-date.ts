// HTTP-date (RFC 9110 §5.6.7): formats IMF-fixdate and parses the three allowed forms, strictly.
// Pure: no I/O; the clock is read only as a default argument for the RFC 850 century rule.

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const LONG_DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const DAY = DAY_NAMES.join('|');
const LONG_DAY = LONG_DAY_NAMES.join('|');
const MONTH = MONTH_NAMES.join('|');
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';

// RFC 9110 §5.6.7: names and `GMT` are case-sensitive, every separator is exactly one SP.
const IMF_FIXDATE = new RegExp(`^(${DAY}), (\\d{2}) (${MONTH}) (\\d{4}) ${TIME} GMT$`);
const RFC850_DATE = new RegExp(`^(${LONG_DAY}), (\\d{2})-(${MONTH})-(\\d{2}) ${TIME} GMT$`);
// RFC 9110 §5.6.7: asctime day is `2DIGIT / ( SP DIGIT )`, so "Nov  6" and "Nov 06" are both allowed.
const ASCTIME_DATE = new RegExp(`^(${DAY}) (${MONTH}) (\\d{2}| \\d) ${TIME} (\\d{4})$`);

const SECOND = 1000;

/** The calendar fields of one parsed date, before they are checked and turned into a timestamp. */
interface DateFields {
  weekday: number;
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/**
 * Formats a timestamp as an IMF-fixdate, the only form RFC 9110 §5.6.7 lets a sender generate.
 *
 * Milliseconds are floored away (HTTP dates have one-second resolution). Throws RangeError for a timestamp
 * that is not finite or whose year is outside 0000–9999, since IMF-fixdate has exactly four year digits.
 *
 * @example formatHttpDate(784111777000) // 'Sun, 06 Nov 1994 08:49:37 GMT'
 */
export function formatHttpDate(epochMs: number): string {
  const date = new Date(Math.floor(epochMs / SECOND) * SECOND);
  const year = date.getUTCFullYear();
  if (!Number.isFinite(epochMs) || Number.isNaN(date.getTime()) || year < 0 || year > 9999) {
    throw new RangeError(`formatHttpDate: ${epochMs} is not a time an HTTP-date can express`);
  }
  return (
    `${DAY_NAMES[date.getUTCDay()]}, ${pad(date.getUTCDate(), 2)} ${MONTH_NAMES[date.getUTCMonth()]} ` +
    `${pad(year, 4)} ${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:` +
    `${pad(date.getUTCSeconds(), 2)} GMT`
  );
}

/**
 * Parses an HTTP-date in IMF-fixdate, RFC 850 or asctime form into epoch milliseconds (whole seconds).
 *
 * Returns undefined for anything else: surrounding or doubled whitespace, other letter case, a comma-separated
 * list of dates, impossible calendar values (Feb 30, hour 24, second 60), and a day name that is not the
 * weekday of the date. That last one is a choice: RFC 9110 treats the day name as redundant, but a date that
 * contradicts itself was not copied from one of our Last-Modified values, and an ignored validator only costs
 * a full 200 response, never a wrong 304.
 *
 * @param now - the clock for the RFC 850 two-digit-year rule. @default Date.now()
 * @example parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT') // 784111777000
 */
export function parseHttpDate(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const fields = matchImfFixdate(value) ?? matchRfc850Date(value, now) ?? matchAsctimeDate(value);
  return fields === undefined ? undefined : toEpochMs(fields);
}

function matchImfFixdate(value: string): DateFields | undefined {
  const match = IMF_FIXDATE.exec(value);
  if (match === null) return undefined;
  const [, weekday, day, month, year, hour, minute, second] = match;
  return fieldsOf(DAY_NAMES.indexOf(weekday), year, month, day, hour, minute, second);
}

function matchRfc850Date(value: string, now: number): DateFields | undefined {
  const match = RFC850_DATE.exec(value);
  if (match === null) return undefined;
  const [, weekday, day, month, twoDigitYear, hour, minute, second] = match;
  const fields = fieldsOf(LONG_DAY_NAMES.indexOf(weekday), twoDigitYear, month, day, hour, minute, second);
  return { ...fields, year: resolveTwoDigitYear(fields, now) };
}

function matchAsctimeDate(value: string): DateFields | undefined {
  const match = ASCTIME_DATE.exec(value);
  if (match === null) return undefined;
  const [, weekday, month, day, hour, minute, second, year] = match;
  return fieldsOf(DAY_NAMES.indexOf(weekday), year, month, day.trim(), hour, minute, second);
}

function fieldsOf(
  weekday: number,
  year: string,
  month: string,
  day: string,
  hour: string,
  minute: string,
  second: string,
): DateFields {
  return {
    weekday,
    year: Number(year),
    month: MONTH_NAMES.indexOf(month),
    day: Number(day),
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second),
  };
}

/**
 * RFC 9110 §5.6.7: a two-digit year that appears to be more than 50 years in the future is the most recent
 * past year with those digits. Picks the latest year with these last two digits whose timestamp is at most
 * 50 years after `now`.
 */
function resolveTwoDigitYear(fields: DateFields, now: number): number {
  const limit = new Date(now);
  limit.setUTCFullYear(limit.getUTCFullYear() + 50);
  let year = Math.floor(new Date(now).getUTCFullYear() / 100) * 100 + fields.year + 100;
  while (utcMs({ ...fields, year }) > limit.getTime()) year -= 100;
  return year;
}

/** Checks the calendar fields (impossible dates, weekday) and returns the timestamp, or undefined. */
function toEpochMs(fields: DateFields): number | undefined {
  if (fields.hour > 23 || fields.minute > 59 || fields.second > 59) return undefined;
  if (fields.day < 1 || fields.day > daysInMonth(fields.year, fields.month)) return undefined;
  const epochMs = utcMs(fields);
  if (new Date(epochMs).getUTCDay() !== fields.weekday) return undefined;
  return epochMs;
}

function utcMs(fields: DateFields): number {
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  date.setUTCFullYear(fields.year, fields.month, fields.day);
  date.setUTCHours(fields.hour, fields.minute, fields.second, 0);
  return date.getTime();
}

function daysInMonth(year: number, month: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month + 1, 0);
  return date.getUTCDate();
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
