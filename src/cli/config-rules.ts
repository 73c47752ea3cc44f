// How a config file's value for one key is checked, and the one-line error's end (`'KEY' must be …`): the shapes
// of rule every key's declaration uses. Pure.

import { describeWholeNumber, isWholeNumber, type WholeNumberRange } from '../fields/whole-number';
import type { ConfigKey } from './settings';

/** The check of one config-file key's JSON value. */
export interface ConfigRule {
  key: ConfigKey;
  check(value: unknown): boolean;
  /** What the value must be, as the end of `'KEY' must be …`. */
  expected: string;
}

/** The rule of config key `key`: `check` its JSON value, or say it must be `expected`. */
export function rule<K extends ConfigKey>(
  key: K,
  check: (value: unknown) => boolean,
  expected: string,
): ConfigRule & { key: K } {
  return { key, check, expected };
}

/** A key whose value is true or false. */
export function booleanRule<K extends ConfigKey>(key: K): ConfigRule & { key: K } {
  return rule(key, (value) => typeof value === 'boolean', 'true or false');
}

/** A key whose value is a string, described as `expected`. */
export function stringRule<K extends ConfigKey>(key: K, expected: string): ConfigRule & { key: K } {
  return rule(key, isString, expected);
}

/** A key whose value is a list of strings, described as `expected`. */
export function stringListRule<K extends ConfigKey>(key: K, expected: string): ConfigRule & { key: K } {
  return rule(key, (value) => Array.isArray(value) && value.every(isString), expected);
}

/** A key whose value is a JSON object (checked further once the file is read), described as `expected`. */
export function objectRule<K extends ConfigKey>(key: K, expected: string): ConfigRule & { key: K } {
  return rule(key, isObject, expected);
}

/** A key whose value is a list of JSON objects, described as `expected`. */
export function objectListRule<K extends ConfigKey>(key: K, expected: string): ConfigRule & { key: K } {
  return rule(key, (value) => Array.isArray(value) && value.every(isObject), expected);
}

/** A key whose value is a whole number in `range`. */
export function wholeNumberRule<K extends ConfigKey>(
  key: K,
  range: WholeNumberRange,
): ConfigRule & { key: K } {
  return rule(key, (value) => isWholeNumber(value, range), describeWholeNumber(range));
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
