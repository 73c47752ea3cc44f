// The `mirrorRedirect` setting: which downloads are answered with a redirect to a near mirror, and when; its type,
// defaults and the one check of a configured value (README "Redirecting to a near mirror"). Pure: no I/O.

import { describeWholeNumber, isWholeNumber, type WholeNumberRange } from '../fields/whole-number';

/** When downloads are redirected: always, or only while the origin says it is overloaded. */
export type MirrorRedirectWhen = 'always' | 'overloaded';

/** Which downloads are redirected to a mirror holding the same bytes, as given (config file or ssi() option). */
export interface MirrorRedirectPolicy {
  /** URL-path prefixes (decoded, as the docroot names files) whose files may be redirected: `["/downloads/"]`. */
  paths: readonly string[];
  /**
   * Smallest file, in bytes, that is redirected: a smaller one costs the client more in a second round trip than
   * the origin in sending it. @default 4096
   */
  minBytes?: number;
  /**
   * `always`, or `overloaded`: only while the `overloaded` signal of ssi() answers true (without a signal, never).
   * @default 'always'
   */
  when?: MirrorRedirectWhen;
}

/** A policy with its defaults filled in. */
export type ResolvedMirrorRedirectPolicy = Readonly<Required<MirrorRedirectPolicy>>;

/** Files smaller than this many bytes are sent by the origin itself when `minBytes` is not given. */
export const DEFAULT_REDIRECT_MIN_BYTES = 4096;

/** The values `minBytes` may take. */
export const REDIRECT_MIN_BYTES_RANGE: WholeNumberRange = { min: 0, unit: 'bytes' };

const POLICY_KEYS = ['paths', 'minBytes', 'when'];
const WHEN_VALUES: readonly MirrorRedirectWhen[] = ['always', 'overloaded'];

/**
 * The policy `value` names, checked, with its defaults; throws an Error whose one-line message names the field,
 * e.g. `mirrorRedirect.paths[0] must be a URL-path prefix starting with "/"`.
 * @example checkMirrorRedirect({ paths: ['/downloads/'] }) // { paths: ['/downloads/'], minBytes: 4096, when: 'always' }
 */
export function checkMirrorRedirect(value: unknown, label = 'mirrorRedirect'): ResolvedMirrorRedirectPolicy {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${label} must be an object such as { "paths": ["/downloads/"], "minBytes": 4096 }`);
  const unknown = Object.keys(value).find((key) => !POLICY_KEYS.includes(key));
  if (unknown !== undefined)
    throw new Error(`${label} has an unknown key '${unknown}' (known: ${POLICY_KEYS.join(', ')})`);
  const fields = value as Record<string, unknown>;
  return {
    paths: checkPaths(fields.paths, `${label}.paths`),
    minBytes: checkMinBytes(fields.minBytes, `${label}.minBytes`),
    when: checkWhen(fields.when, `${label}.when`),
  };
}

function checkPaths(paths: unknown, label: string): string[] {
  if (!Array.isArray(paths) || paths.length === 0)
    throw new Error(`${label} must be a list of URL-path prefixes such as ["/downloads/"]`);
  paths.forEach((path, index) => {
    if (typeof path !== 'string' || !path.startsWith('/'))
      throw new Error(
        `${label}[${index}] must be a URL-path prefix starting with "/", not ${JSON.stringify(path)}`,
      );
  });
  return [...(paths as string[])];
}

function checkMinBytes(minBytes: unknown, label: string): number {
  if (minBytes === undefined) return DEFAULT_REDIRECT_MIN_BYTES;
  if (!isWholeNumber(minBytes, REDIRECT_MIN_BYTES_RANGE))
    throw new Error(`${label} must be ${describeWholeNumber(REDIRECT_MIN_BYTES_RANGE)}`);
  return minBytes;
}

function checkWhen(when: unknown, label: string): MirrorRedirectWhen {
  if (when === undefined) return 'always';
  if (!WHEN_VALUES.includes(when as MirrorRedirectWhen))
    throw new Error(`${label} must be "always" or "overloaded", not ${JSON.stringify(when)}`);
  return when as MirrorRedirectWhen;
}
