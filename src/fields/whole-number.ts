// The one rule for whole numbers in options and fields (byte budgets, milliseconds, counts, ports; like
// delta-seconds, RFC 9111 §1.2.2, digits only), and the one way a message
// describes the numbers an option accepts. Pure; each caller frames the message for its audience (an API
// TypeError, a config-file key, a command-line flag).

/** The whole numbers an option accepts, and the unit its messages name. */
export interface WholeNumberRange {
  /** The smallest accepted value. */
  min: number;
  /** The largest accepted value. @default Number.MAX_SAFE_INTEGER */
  max?: number;
  /** What the number counts, as messages name it (`bytes`, `milliseconds`); none for a bare count. */
  unit?: string;
}

/**
 * True when `value` is a safe integer within `range`.
 * @example isWholeNumber(8080, { min: 0, max: 65535 }); // true
 */
export function isWholeNumber(value: unknown, range: WholeNumberRange): value is number {
  return (
    typeof value === 'number' &&
    Number.isSafeInteger(value) &&
    value >= range.min &&
    value <= (range.max ?? Number.MAX_SAFE_INTEGER)
  );
}

/**
 * What `range` accepts, as the object of "must be" or "needs".
 * @example describeWholeNumber({ min: 0, unit: 'bytes' }); // 'a whole number of bytes ≥ 0'
 */
export function describeWholeNumber(range: WholeNumberRange): string {
  const unit = range.unit === undefined ? '' : ` of ${range.unit}`;
  const bounds = range.max === undefined ? `≥ ${range.min}` : `from ${range.min} to ${range.max}`;
  return `a whole number${unit} ${bounds}`;
}

/**
 * The number written in `text` (decimal digits only, no sign, no exponent, no spaces), or NaN: how a
 * whole number is read from a command line or an environment variable.
 */
export function wholeNumberFromText(text: string): number {
  return /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
}

/**
 * An API option's whole-number value, or `fallback` when it is undefined; anything else is misuse, a TypeError
 * naming the option (`ssi(): option 'cacheSize' must be a whole number of bytes ≥ 0`).
 * @param caller - the function whose option it is, as the message names it, e.g. `ssi()`
 */
export function wholeNumberOption(
  value: unknown,
  name: string,
  range: WholeNumberRange,
  fallback: number,
  caller: string,
): number {
  if (value === undefined) return fallback;
  if (!isWholeNumber(value, range))
    throw new TypeError(`${caller}: option '${name}' must be ${describeWholeNumber(range)}`);
  return value;
}
