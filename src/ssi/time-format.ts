// `config timefmt`: C-locale strftime as glibc prints it, fed the way Apache's ap_ht_time feeds it.
// Pure: no I/O; `local` reads the process time zone through Date and Intl only.

import { BoundedMemo } from './bounded-memo';
import { type ByteString } from './byte-string';

/** mod_include's DEFAULT_TIME_FORMAT, e.g. `Tuesday, 04-Mar-2025 10:15:30 UTC`. */
export const DEFAULT_TIME_FORMAT = '%A, %d-%b-%Y %H:%M:%S %Z';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
]; // prettier-ignore

/** A struct tm as apr_strftime hands it to strftime (tm_zone is NULL, so %Z reads tzname[tm_isdst]). */
interface BrokenDownTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
  yearDay: number;
  offsetSeconds: number;
  zoneName: string;
  /** What glibc's %s prints: mktime() of these fields, which reads them as local time. */
  epochSeconds: number;
}

/** One parsed conversion: `%` [flags] [width] [E|O] character. */
interface Conversion {
  pad: '' | '_' | '-' | '0' | '^' | '#';
  upperCase: boolean;
  swapCase: boolean;
  width: number;
  modifier: '' | 'E' | 'O';
  character: string;
  source: string;
}

/** Conversions glibc rejects (prints as written) with an E or an O modifier. */
const REJECTS_E = new Set('aAbBdDeFgGhHIjklmMSUVwW');
const REJECTS_O = new Set('aAcDFxXY');

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function dayOfYear(year: number, month: number, day: number): number {
  return Math.round((Date.UTC(year, month, day) - Date.UTC(year, 0, 1)) / 86_400_000);
}

/** Offsets in seconds east of UTC; standard time is the smaller of January's and July's. */
function localOffsetSeconds(date: Date): number {
  return -date.getTimezoneOffset() * 60;
}

function standardOffsetSeconds(year: number): number {
  return Math.min(localOffsetSeconds(new Date(year, 0, 1)), localOffsetSeconds(new Date(year, 6, 1)));
}

const zoneNameFormatters = new Map<string, Intl.DateTimeFormat[]>();

/** English locales whose ICU short zone names include the tzdata abbreviations (EST, CET, IST, AEST, …). */
const ZONE_NAME_LOCALES = ['en-US', 'en-GB', 'en-IN', 'en-AU', 'en-NZ', 'en-ZA', 'en-SG', 'en-CA'];

// Asking ICU costs tens of microseconds, and a page formats the same few dates again and again: the answer is kept
// per zone (as TZ names it), offset and minute. A zone's abbreviation changes with its offset (daylight saving) or
// a change of its rules, at a transition on a whole minute. Keys are dates, not request data.
const abbreviations = new BoundedMemo<string | null>({
  maxBytes: 256 * 1024,
  maxEntries: 2048,
  entryBytes: 96,
});
const MINUTE_MS = 60_000;

/** ICU's short English name of the process zone at an instant, when it is a real abbreviation (EST, CET, …). */
function icuAbbreviation(date: Date, offsetSeconds: number): string | undefined {
  const key = `${process.env.TZ ?? ''}\0${offsetSeconds}\0${Math.floor(date.getTime() / MINUTE_MS)}`;
  const known = abbreviations.get(key);
  if (known !== undefined) return known ?? undefined;
  return abbreviations.remember(key, askIcu(date, offsetSeconds) ?? null) ?? undefined;
}

function askIcu(date: Date, offsetSeconds: number): string | undefined {
  const zone = new Intl.DateTimeFormat().resolvedOptions().timeZone;
  let formatters = zoneNameFormatters.get(zone);
  if (formatters === undefined) {
    formatters = ZONE_NAME_LOCALES.map(
      (locale) => new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'short' }),
    );
    zoneNameFormatters.set(zone, formatters);
  }
  for (const formatter of formatters) {
    const name = formatter.formatToParts(date).find((part) => part.type === 'timeZoneName')?.value;
    if (name !== undefined && /^[A-Z]{2,5}$/.test(name) && !(name === 'GMT' && offsetSeconds !== 0))
      return name;
  }
  return undefined;
}

/** tzdata's name for a zone without an abbreviation: the offset, `+04` or `+0545`. */
function numericZoneName(offsetSeconds: number): string {
  if (offsetSeconds === 0) return 'UTC';
  const sign = offsetSeconds < 0 ? '-' : '+';
  const minutes = Math.floor(Math.abs(offsetSeconds) / 60);
  const hours = String(Math.floor(minutes / 60)).padStart(2, '0');
  return minutes % 60 === 0 ? `${sign}${hours}` : `${sign}${hours}${String(minutes % 60).padStart(2, '0')}`;
}

/**
 * What glibc prints for %Z: apr_strftime leaves tm_zone NULL, so strftime prints tzname[tm_isdst], which
 * localtime_r has just set to the abbreviation in effect at that instant. ICU knows today's abbreviations
 * but few historical ones, so an instant whose offset matches today's standard or daylight offset takes
 * today's name; otherwise the numeric form tzdata uses.
 */
function zoneNameAt(date: Date, offsetSeconds: number, isDaylight: boolean): string {
  const atInstant = icuAbbreviation(date, offsetSeconds);
  if (atInstant !== undefined) return atInstant;
  const year = new Date().getFullYear();
  const january = new Date(year, 0, 1);
  const july = new Date(year, 6, 1);
  const [standard, daylight] =
    localOffsetSeconds(january) <= localOffsetSeconds(july) ? [january, july] : [july, january];
  const reference = isDaylight ? daylight : standard;
  if (localOffsetSeconds(reference) === offsetSeconds) {
    return icuAbbreviation(reference, offsetSeconds) ?? numericZoneName(offsetSeconds);
  }
  return numericZoneName(offsetSeconds);
}

function standardZoneName(year: number): string {
  const january = new Date(year, 0, 1);
  const july = new Date(year, 6, 1);
  const standard = localOffsetSeconds(january) <= localOffsetSeconds(july) ? january : july;
  return zoneNameAt(standard, localOffsetSeconds(standard), false);
}

function breakDown(epochMs: number, zone: 'gmt' | 'local'): BrokenDownTime {
  const date = new Date(Math.floor(epochMs / 1000) * 1000);
  if (zone === 'gmt') {
    const year = date.getUTCFullYear();
    const seconds = date.getTime() / 1000;
    return {
      year,
      month: date.getUTCMonth(),
      day: date.getUTCDate(),
      hour: date.getUTCHours(),
      minute: date.getUTCMinutes(),
      second: date.getUTCSeconds(),
      weekday: date.getUTCDay(),
      yearDay: dayOfYear(year, date.getUTCMonth(), date.getUTCDate()),
      offsetSeconds: 0,
      // Only reached by a flagged %Z (`%^Z`), which Apache does not rewrite: strftime prints tzname[0].
      zoneName: standardZoneName(year),
      // apr_time_exp_gmt sets tm_isdst=0, so mktime reads the UTC fields as local standard time.
      epochSeconds: seconds - standardOffsetSeconds(year),
    };
  }
  const year = date.getFullYear();
  const offsetSeconds = localOffsetSeconds(date);
  return {
    year,
    month: date.getMonth(),
    day: date.getDate(),
    hour: date.getHours(),
    minute: date.getMinutes(),
    second: date.getSeconds(),
    weekday: date.getDay(),
    yearDay: dayOfYear(year, date.getMonth(), date.getDate()),
    offsetSeconds,
    zoneName: zoneNameAt(date, offsetSeconds, offsetSeconds > standardOffsetSeconds(year)),
    epochSeconds: date.getTime() / 1000,
  };
}

/** glibc's iso_week_days: days since the start of the ISO week-based year's first week (may be negative). */
function isoWeekDays(yearDay: number, weekday: number): number {
  const bigEnoughMultipleOf7 = (Math.floor(366 / 7) + 2) * 7;
  return yearDay - ((yearDay - weekday + 4 + bigEnoughMultipleOf7) % 7) + 3;
}

function isoWeek(time: BrokenDownTime): { year: number; week: number } {
  let year = time.year;
  let days = isoWeekDays(time.yearDay, time.weekday);
  if (days < 0) {
    year--;
    days = isoWeekDays(time.yearDay + (isLeapYear(year) ? 366 : 365), time.weekday);
  } else {
    const next = isoWeekDays(time.yearDay - (isLeapYear(year) ? 366 : 365), time.weekday);
    if (next >= 0) {
      year++;
      days = next;
    }
  }
  return { year, week: Math.floor(days / 7) + 1 };
}

/** Pads to an explicit width as glibc's width_add does: zeros for the `0` flag, spaces otherwise (even `-`). */
function padToWidth(text: string, conversion: Conversion, zeros = conversion.pad === '0'): string {
  if (text.length >= conversion.width) return text;
  return (zeros ? '0' : ' ').repeat(conversion.width - text.length) + text;
}

/** glibc's DO_NUMBER: at least `digits` (or the width, if larger) wide, zero-padded unless `_` (spaces) or `-` (none). */
function formatNumber(value: number, digits: number, conversion: Conversion, spacePad = false): string {
  const pad =
    conversion.pad === '' || conversion.pad === '^' || conversion.pad === '#'
      ? spacePad
        ? '_'
        : '0'
      : conversion.pad;
  // glibc: `digits = d > width ? d : width`, so a width below the natural one (`%1d`) changes nothing.
  const width = Math.max(digits, conversion.width);
  const magnitude = String(Math.abs(value));
  const sign = value < 0 ? '-' : '';
  if (pad === '-') return padToWidth(sign + magnitude, conversion);
  const shortage = width - sign.length - magnitude.length;
  if (shortage <= 0) return sign + magnitude;
  return pad === '_' ? ' '.repeat(shortage) + sign + magnitude : sign + '0'.repeat(shortage) + magnitude;
}

function formatText(text: string, conversion: Conversion, lowerOnSwap = false): string {
  let result = text;
  if (conversion.swapCase) result = lowerOnSwap ? text.toLowerCase() : text.toUpperCase();
  else if (conversion.upperCase) result = text.toUpperCase();
  return padToWidth(result, conversion);
}

function formatComposite(format: string, time: BrokenDownTime, conversion: Conversion): string {
  const text = strftime(format, time);
  return padToWidth(conversion.upperCase ? text.toUpperCase() : text, conversion);
}

/**
 * glibc's %z: the sign goes out through its `add` macro, which pads it to the width like any text, and the
 * hours and minutes through DO_NUMBER (4, hhmm) with the same width and flags, so `%_z` is `+   0` and `%4z`
 * is `   +0000` (glibc's strftime_l.c, verified against Apache 2.4.71 on Debian).
 */
function formatOffset(offsetSeconds: number, conversion: Conversion): string {
  const minutes = Math.floor(Math.abs(offsetSeconds) / 60);
  const sign = padToWidth(offsetSeconds < 0 ? '-' : '+', conversion);
  return sign + formatNumber(Math.floor(minutes / 60) * 100 + (minutes % 60), 4, conversion);
}

/** Formats one conversion, or returns undefined for one glibc does not know (printed as written). */
function convert(conversion: Conversion, time: BrokenDownTime): string | undefined {
  const hour12 = time.hour % 12 === 0 ? 12 : time.hour % 12;
  switch (conversion.character) {
    case 'a': return formatText(WEEKDAYS[time.weekday].slice(0, 3), conversion);
    case 'A': return formatText(WEEKDAYS[time.weekday], conversion);
    case 'b': case 'h': return formatText(MONTHS[time.month].slice(0, 3), conversion);
    case 'B': return formatText(MONTHS[time.month], conversion);
    case 'c': return formatComposite('%a %b %e %H:%M:%S %Y', time, conversion);
    case 'C': return formatNumber(Math.floor(time.year / 100), 2, conversion);
    case 'd': return formatNumber(time.day, 2, conversion);
    case 'D': case 'x': return formatComposite('%m/%d/%y', time, conversion);
    case 'e': return formatNumber(time.day, 2, conversion, true);
    case 'F': return formatComposite('%Y-%m-%d', time, conversion);
    case 'g': return formatNumber(((isoWeek(time).year % 100) + 100) % 100, 2, conversion);
    case 'G': return formatNumber(isoWeek(time).year, 1, conversion);
    case 'H': return formatNumber(time.hour, 2, conversion);
    case 'I': return formatNumber(hour12, 2, conversion);
    case 'j': return formatNumber(time.yearDay + 1, 3, conversion);
    case 'k': return formatNumber(time.hour, 2, conversion, true);
    case 'l': return formatNumber(hour12, 2, conversion, true);
    case 'm': return formatNumber(time.month + 1, 2, conversion);
    case 'M': return formatNumber(time.minute, 2, conversion);
    case 'n': return padToWidth('\n', conversion);
    case 'p': return formatText(time.hour < 12 ? 'AM' : 'PM', conversion, true);
    case 'P': return padToWidth(time.hour < 12 ? 'am' : 'pm', conversion);
    case 'r': return formatComposite('%I:%M:%S %p', time, conversion);
    case 'R': return formatComposite('%H:%M', time, conversion);
    case 's': return formatNumber(time.epochSeconds, 1, conversion, true);
    case 'S': return formatNumber(time.second, 2, conversion);
    case 't': return padToWidth('\t', conversion);
    case 'T': case 'X': return formatComposite('%H:%M:%S', time, conversion);
    case 'u': return formatNumber(((time.weekday + 6) % 7) + 1, 1, conversion);
    case 'U': return formatNumber(Math.floor((time.yearDay - time.weekday + 7) / 7), 2, conversion);
    case 'V': return formatNumber(isoWeek(time).week, 2, conversion);
    case 'w': return formatNumber(time.weekday, 1, conversion);
    case 'W': return formatNumber(Math.floor((time.yearDay - ((time.weekday + 6) % 7) + 7) / 7), 2, conversion);
    case 'y': return formatNumber(((time.year % 100) + 100) % 100, 2, conversion);
    case 'Y': return formatNumber(time.year, 1, conversion);
    case 'z': return formatOffset(time.offsetSeconds, conversion);
    case 'Z': return formatText(time.zoneName, conversion, true);
    case '%': return padToWidth('%', conversion);
    default: return undefined;
  }
} // prettier-ignore

/** Matches one conversion specification the way glibc reads it: flags, width, an E/O modifier, a character. */
const CONVERSION = /%([_\-0^#]*)([0-9]*)([EO]?)([^]?)/y;

/**
 * ap_ht_time formats into a buffer of MAX_STRING_LEN (8192) bytes. glibc's strftime stops at the first piece
 * (a literal byte, or a conversion's whole text) that would leave no room for the NUL and returns 0; Apache
 * keeps what was written, so the text ends with the last piece that fit, at most 8191 bytes. (The bytes after
 * it are whatever was in the buffer before, so Apache's output is only predictable when it is exactly full.)
 */
const APACHE_TIME_BUFFER = 8192;

function strftime(format: string, time: BrokenDownTime, limit = Infinity): string {
  let result = '';
  let position = 0;
  const fits = (piece: string): boolean => result.length + piece.length < limit;
  while (position < format.length) {
    const percent = format.indexOf('%', position);
    const literal = format.slice(position, percent === -1 ? format.length : percent);
    if (!fits(literal)) return result + literal.slice(0, Math.max(0, limit - 1 - result.length));
    result += literal;
    if (percent === -1) return result;
    CONVERSION.lastIndex = percent;
    const match = CONVERSION.exec(format) as RegExpExecArray;
    const [source, flags, width, modifier, character] = match;
    position = percent + source.length;
    const lastFlag = flags.replace(/[\^#]/g, '').slice(-1) as Conversion['pad'];
    const conversion: Conversion = {
      pad: lastFlag,
      upperCase: flags.includes('^'),
      swapCase: flags.includes('#'),
      width: width === '' ? -1 : Number(width),
      modifier: modifier as Conversion['modifier'],
      character,
      source,
    };
    // glibc prints an unknown conversion, or a `%` ending the format, as written (padded, `^` upper-cases it).
    const rejected =
      character === '' ||
      (modifier === 'E' && REJECTS_E.has(character)) ||
      (modifier === 'O' && REJECTS_O.has(character));
    const converted = rejected ? undefined : convert(conversion, time);
    const piece = converted ?? padToWidth(conversion.upperCase ? source.toUpperCase() : source, conversion);
    if (!fits(piece)) return result;
    result += piece;
  }
  return result;
}

/**
 * Formats a time with a C-locale strftime format as Apache's ap_ht_time does.
 *
 * `gmt` (DATE_GMT) uses UTC fields and, as Apache rewrites the format first, prints `%Z` as `GMT` and `%z` as
 * `+0000`. `local` (DATE_LOCAL, LAST_MODIFIED, flastmod) uses the process time zone: `%Z` is its
 * abbreviation (`UTC` under TZ=UTC), `%z` its offset. Unknown conversions such as `%Q`, and a trailing `%`,
 * are printed as written, as glibc does.
 *
 * @param epochMs - the time in milliseconds since the epoch (fractions of a second are dropped)
 * @example
 * formatTime(DEFAULT_TIME_FORMAT, Date.UTC(2025, 2, 4, 10, 15, 30), 'gmt'); // 'Tuesday, 04-Mar-2025 10:15:30 GMT'
 */
export function formatTime(format: ByteString, epochMs: number, zone: 'gmt' | 'local'): ByteString {
  const time = breakDown(epochMs, zone);
  return strftime(zone === 'gmt' ? rewriteGmtZone(format) : format, time, APACHE_TIME_BUFFER);
}

/** ap_ht_time's rewrite for GMT: `%Z` → `GMT`, `%z` → `+0000`, `%%` skipped; flagged forms are left to strftime. */
function rewriteGmtZone(format: string): string {
  return format.replace(/%([%Zz])/g, (conversion, character: string) => {
    if (character === '%') return conversion;
    return character === 'Z' ? 'GMT' : '+0000';
  });
}
