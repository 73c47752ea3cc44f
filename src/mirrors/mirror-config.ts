// The `mirrors` and `mirrorCheckInterval` settings: their types, defaults and the one check of a configured mirror
// list (README "Mirrors"). Pure: no I/O.

import { describeWholeNumber, isWholeNumber, type WholeNumberRange } from '../fields/whole-number';

/** One mirror as configured: a server holding a copy of the build output. */
export interface MirrorConfig {
  /** A short name, unique among the mirrors, used in logs and the mirror list (`[A-Za-z0-9._-]`). */
  name: string;
  /** The base URL of the mirror's copy of the docroot (http or https, ending in `/`). */
  url: string;
  /** ISO 3166-1 alpha-2 country code of the mirror, lower case (RFC 6249 §3.2 `geo`). @default none */
  geo?: string;
  /** RFC 6249 §3.2 `pri`: 1 (first) to 999999; mirrors are listed by it, then in configured order. @default 999999 */
  priority?: number;
  /** Share of redirected downloads relative to the other mirrors. @default 1 */
  weight?: number;
}

/** The mirror settings of `serve` (config file only). */
export interface MirrorSettings {
  /** The mirrors of the site. @default none */
  mirrors: MirrorConfig[];
  /** Seconds between two checks of every mirror. @default 60 */
  mirrorCheckInterval: number;
}

/** Seconds between two checks of every mirror when the config file says nothing. */
export const DEFAULT_MIRROR_CHECK_INTERVAL = 60;

/** The values `mirrorCheckInterval` may take, in seconds: one second to one day. */
export const MIRROR_CHECK_INTERVAL_RANGE: WholeNumberRange = { min: 1, max: 86_400, unit: 'seconds' };

/** RFC 6249 §3.2: an absent `pri` counts as 999999, the last. */
export const LAST_PRIORITY = 999_999;

/** RFC 6249 §3.2: `pri` is 1 to 999999. */
export const PRIORITY_RANGE: WholeNumberRange = { min: 1, max: LAST_PRIORITY };

/** The weights a mirror may be given. */
export const WEIGHT_RANGE: WholeNumberRange = { min: 1, max: 1000 };

/** At most this many mirrors: each is probed every round and kept in memory with its manifest. */
export const MAX_MIRRORS = 100;

const MIRROR_KEYS = ['name', 'url', 'geo', 'priority', 'weight'];

/**
 * The configured mirror list, checked and normalised (a `url` without a final `/` gets one, `geo` lower case);
 * throws an Error whose one-line message names the entry and field, e.g. `mirrors[1].geo must be …`.
 * @example checkMirrorList([{ name: 'm1', url: 'http://127.0.0.2:8081' }]) // [{ name: 'm1', url: 'http://127.0.0.2:8081/' }]
 */
export function checkMirrorList(value: unknown, label = 'mirrors'): MirrorConfig[] {
  if (!Array.isArray(value)) throw new Error(`${label} must be a list of mirror objects`);
  if (value.length > MAX_MIRRORS) throw new Error(`${label} may list at most ${MAX_MIRRORS} mirrors`);
  const mirrors = value.map((entry, index) => checkMirror(entry, `${label}[${index}]`));
  const seen = new Set<string>();
  mirrors.forEach((mirror, index) => {
    if (seen.has(mirror.name))
      throw new Error(`${label}[${index}].name '${mirror.name}' is used by an earlier mirror`);
    seen.add(mirror.name);
  });
  return mirrors;
}

function checkMirror(entry: unknown, label: string): MirrorConfig {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    throw new Error(`${label} must be an object such as { "name": "m1", "url": "https://mirror.example/" }`);
  const unknown = Object.keys(entry).find((key) => !MIRROR_KEYS.includes(key));
  if (unknown !== undefined)
    throw new Error(`${label} has an unknown key '${unknown}' (known: ${MIRROR_KEYS.join(', ')})`);
  const fields = entry as Record<string, unknown>;
  const mirror: MirrorConfig = { name: checkName(fields.name, label), url: checkUrl(fields.url, label) };
  if (fields.geo !== undefined) mirror.geo = checkGeo(fields.geo, label);
  if (fields.priority !== undefined)
    mirror.priority = checkWhole(fields.priority, `${label}.priority`, PRIORITY_RANGE);
  if (fields.weight !== undefined) mirror.weight = checkWhole(fields.weight, `${label}.weight`, WEIGHT_RANGE);
  return mirror;
}

function checkName(name: unknown, label: string): string {
  if (typeof name !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(name))
    throw new Error(`${label}.name must be 1 to 64 letters, digits, '.', '_' or '-'`);
  return name;
}

function checkUrl(url: unknown, label: string): string {
  const problem = `${label}.url must be an http:// or https:// base URL such as "https://mirror.example/site/"`;
  if (typeof url !== 'string') throw new Error(problem);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${problem}, not '${url}'`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new Error(`${problem}, not '${url}'`);
  // The base is joined with URL paths: a query or fragment would swallow them, credentials would go in logs.
  if (parsed.search !== '' || parsed.hash !== '' || parsed.username !== '' || parsed.password !== '')
    throw new Error(`${label}.url must have no query, fragment or credentials, not '${url}'`);
  return parsed.href.endsWith('/') ? parsed.href : `${parsed.href}/`;
}

function checkGeo(geo: unknown, label: string): string {
  // RFC 6249 §3.2: geo is an ISO 3166-1 alpha-2 two-letter country code.
  if (typeof geo !== 'string' || !/^[A-Za-z]{2}$/.test(geo))
    throw new Error(
      `${label}.geo must be a two-letter country code such as "de", not ${JSON.stringify(geo)}`,
    );
  return geo.toLowerCase();
}

function checkWhole(value: unknown, label: string, range: WholeNumberRange): number {
  if (!isWholeNumber(value, range)) throw new Error(`${label} must be ${describeWholeNumber(range)}`);
  return value;
}

/** The `pri` a mirror is ordered by (RFC 6249 §3.2: absent counts as 999999). */
export function priorityOf(mirror: MirrorConfig): number {
  return mirror.priority ?? LAST_PRIORITY;
}
