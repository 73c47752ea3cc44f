// The `load` setting: the thresholds, window and hysteresis of the load signal (README "Under load"), their
// measured defaults, and the one check of a configured value. Pure: no I/O, no timers.

import { describeWholeNumber, isWholeNumber, type WholeNumberRange } from '../fields/whole-number';

/**
 * Where one measure turns the signal: above `high` for `enterWindows` windows enters `overloaded`, below `low` on
 * every measure for `leaveWindows` windows leaves it, and `critical` or more is `critical`. Between `high` and
 * `critical` the share of requests shed rises linearly from 0 to 1.
 */
export interface LoadThresholds {
  low: number;
  high: number;
  critical: number;
}

/** The measures the signal judges: each is compared with its own thresholds. */
export type LoadMeasure = 'eventLoopUtilization' | 'eventLoopDelayMs' | 'requestsInFlight' | 'egress';

/** How the load signal measures and judges the origin's load, as given (config file `load`, or LoadMonitor). */
export interface LoadSettings {
  /** Milliseconds of one measuring window. @default 1000 */
  windowMs?: number;
  /** Consecutive windows above `high` (on any measure) that enter `overloaded`. @default 2 */
  enterWindows?: number;
  /** Consecutive windows below `low` (on every measure) that leave `overloaded` or `critical`. @default 3 */
  leaveWindows?: number;
  /** Weight of the newest window in the moving average (EWMA), more than 0 and at most 1 (no smoothing). @default 0.5 */
  smoothing?: number;
  /** Share of the window the event loop was busy, 0 to 1; false ignores it. @default { low: 0.5, high: 0.8, critical: 0.95 } */
  eventLoopUtilization?: LoadThresholds | false;
  /** The window's 99th percentile of event-loop delay, in ms; false ignores it. @default { low: 40, high: 100, critical: 500 } */
  eventLoopDelayMs?: LoadThresholds | false;
  /** Requests under way at the end of a window; false ignores it. @default { low: 256, high: 1024, critical: 4096 } */
  requestsInFlight?: LoadThresholds | false;
  /** The egress budget, in bytes per second, against which `egress` is judged. @default none: egress is not judged */
  egressBytesPerSecond?: number;
  /** Egress as a share of `egressBytesPerSecond`. @default { low: 0.6, high: 0.8, critical: 1 } */
  egress?: LoadThresholds;
}

/** Settings with their defaults: the measures judged, in a fixed order, each with its thresholds. */
export interface ResolvedLoadSettings {
  windowMs: number;
  enterWindows: number;
  leaveWindows: number;
  smoothing: number;
  /** Bytes per second that count as an egress of 1; undefined when egress is not judged. */
  egressBudget: number | undefined;
  thresholds: ReadonlyMap<LoadMeasure, Readonly<LoadThresholds>>;
}

/** The defaults, measured on `serve` under wrk (README "Under load", "Load signal", says how and why). */
export const DEFAULT_LOAD_THRESHOLDS: Readonly<Record<LoadMeasure, Readonly<LoadThresholds>>> = {
  eventLoopUtilization: { low: 0.5, high: 0.8, critical: 0.95 },
  eventLoopDelayMs: { low: 40, high: 100, critical: 500 },
  requestsInFlight: { low: 256, high: 1024, critical: 4096 },
  egress: { low: 0.6, high: 0.8, critical: 1 },
};

export const DEFAULT_LOAD_WINDOW_MS = 1000;
export const DEFAULT_ENTER_WINDOWS = 2;
export const DEFAULT_LEAVE_WINDOWS = 3;
export const DEFAULT_LOAD_SMOOTHING = 0.5;

const WINDOW_RANGE: WholeNumberRange = { min: 100, max: 60_000, unit: 'milliseconds' };
const WINDOWS_RANGE: WholeNumberRange = { min: 1, max: 100 };
const BUDGET_RANGE: WholeNumberRange = { min: 1, unit: 'bytes per second' };
const SETTING_KEYS = [
  'windowMs',
  'enterWindows',
  'leaveWindows',
  'smoothing',
  'eventLoopUtilization',
  'eventLoopDelayMs',
  'requestsInFlight',
  'egressBytesPerSecond',
  'egress',
];
/** The largest `critical` of each measure: a share cannot pass 1, except egress (over budget is a measure too). */
const MAX_CRITICAL: Readonly<Record<LoadMeasure, number>> = {
  eventLoopUtilization: 1,
  eventLoopDelayMs: Number.MAX_SAFE_INTEGER,
  requestsInFlight: Number.MAX_SAFE_INTEGER,
  egress: Number.MAX_SAFE_INTEGER,
};

/**
 * The settings `value` names, checked, with their defaults; throws an Error whose one-line message names the field,
 * e.g. `load.eventLoopDelayMs.high must be a number from low (20) to below critical (250)`.
 * @example checkLoadSettings({ egressBytesPerSecond: 12500000 }).egressBudget // 12500000
 */
export function checkLoadSettings(value: unknown = {}, label = 'load'): ResolvedLoadSettings {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(
      `${label} must be an object such as { "egressBytesPerSecond": 12500000, "enterWindows": 3 }`,
    );
  const unknown = Object.keys(value).find((key) => !SETTING_KEYS.includes(key));
  if (unknown !== undefined)
    throw new Error(`${label} has an unknown key '${unknown}' (known: ${SETTING_KEYS.join(', ')})`);
  const given = value as Record<string, unknown>;
  const egressBudget = optionalWholeNumber(
    given.egressBytesPerSecond,
    `${label}.egressBytesPerSecond`,
    BUDGET_RANGE,
  );
  const thresholds = new Map<LoadMeasure, LoadThresholds>();
  for (const measure of ['eventLoopUtilization', 'eventLoopDelayMs', 'requestsInFlight'] as const) {
    const checked = checkMeasure(given[measure], measure, `${label}.${measure}`);
    if (checked) thresholds.set(measure, checked);
  }
  if (given.egress !== undefined && egressBudget === undefined)
    throw new Error(`${label}.egress needs ${label}.egressBytesPerSecond (the budget its shares are of)`);
  if (egressBudget !== undefined)
    thresholds.set('egress', checkThresholds(given.egress, 'egress', `${label}.egress`));
  return {
    windowMs:
      optionalWholeNumber(given.windowMs, `${label}.windowMs`, WINDOW_RANGE) ?? DEFAULT_LOAD_WINDOW_MS,
    enterWindows:
      optionalWholeNumber(given.enterWindows, `${label}.enterWindows`, WINDOWS_RANGE) ??
      DEFAULT_ENTER_WINDOWS,
    leaveWindows:
      optionalWholeNumber(given.leaveWindows, `${label}.leaveWindows`, WINDOWS_RANGE) ??
      DEFAULT_LEAVE_WINDOWS,
    smoothing: checkSmoothing(given.smoothing, `${label}.smoothing`),
    egressBudget,
    thresholds,
  };
}

function checkMeasure(value: unknown, measure: LoadMeasure, label: string): LoadThresholds | undefined {
  if (value === false) return undefined;
  return checkThresholds(value, measure, label);
}

function checkThresholds(value: unknown, measure: LoadMeasure, label: string): LoadThresholds {
  const defaults = DEFAULT_LOAD_THRESHOLDS[measure];
  if (value === undefined) return { ...defaults };
  const example = `{ "low": ${defaults.low}, "high": ${defaults.high}, "critical": ${defaults.critical} }`;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(
      `${label} must be an object such as ${example}${measure === 'egress' ? '' : ', or false'}`,
    );
  const unknown = Object.keys(value).find((key) => !['low', 'high', 'critical'].includes(key));
  if (unknown !== undefined)
    throw new Error(`${label} has an unknown key '${unknown}' (known: low, high, critical)`);
  // A key left out keeps its default: `{ "high": 0.9 }` moves one threshold.
  const merged = { ...defaults, ...(value as Partial<LoadThresholds>) };
  const max = MAX_CRITICAL[measure];
  if (!isNumberIn(merged.critical, 0, max) || merged.critical === 0)
    throw new Error(`${label}.critical must be a number above 0${max === 1 ? ' and at most 1' : ''}`);
  if (!isNumberIn(merged.high, 0, merged.critical) || merged.high === merged.critical)
    throw new Error(`${label}.high must be a number from 0 to below critical (${merged.critical})`);
  if (!isNumberIn(merged.low, 0, merged.high))
    throw new Error(`${label}.low must be a number from 0 to high (${merged.high})`);
  return merged;
}

function checkSmoothing(value: unknown, label: string): number {
  if (value === undefined) return DEFAULT_LOAD_SMOOTHING;
  if (!isNumberIn(value, 0, 1) || value === 0)
    throw new Error(`${label} must be a number above 0 and at most 1`);
  return value;
}

function optionalWholeNumber(value: unknown, label: string, range: WholeNumberRange): number | undefined {
  if (value === undefined) return undefined;
  if (!isWholeNumber(value, range)) throw new Error(`${label} must be ${describeWholeNumber(range)}`);
  return value;
}

function isNumberIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max;
}
