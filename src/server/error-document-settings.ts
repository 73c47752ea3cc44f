// The `errorDocuments` option checked: which page answers which status, and the cache rules that may date them.
// Apart from the middleware that sends them, so a config file is checked without loading the SSI engine.

import { type CachePolicy, type CachePolicyRule, compileCachePolicy } from './cache-policy';
import { parseRequestPath } from './request-path';

/** Error documents by status: `{ "404": "/errors/404.shtml" }` (URL-paths in the docroot, no query). */
export type ErrorDocuments = Record<string, string>;

/** The validated option: the document of each status, and the rules that may set their caching fields. */
export interface ErrorDocumentSettings {
  documents: ReadonlyMap<number, string>;
  /** Only the cache rules naming a `path`: a catch-all rule is for pages and files, not for error answers. */
  policy: CachePolicy | undefined;
}

/** Validates `errorDocuments` once, when the middleware is created; undefined when there are none. */
export function resolveErrorDocuments(
  documents: unknown,
  rules: CachePolicyRule[] | undefined,
): ErrorDocumentSettings | undefined {
  if (documents === undefined) return undefined;
  if (documents === null || typeof documents !== 'object' || Array.isArray(documents))
    throw new TypeError(`option 'errorDocuments' must be ${ERROR_DOCUMENTS_SHAPE}`);
  const resolved = new Map<number, string>();
  for (const [status, path] of Object.entries(documents)) {
    if (!/^[45]\d\d$/.test(status) || !isLocalPath(path))
      throw new TypeError(`option 'errorDocuments' must be ${ERROR_DOCUMENTS_SHAPE} (bad entry "${status}")`);
    resolved.set(Number(status), path);
  }
  if (resolved.size === 0) return undefined;
  const named = rules?.filter((rule) => typeof rule?.path === 'string');
  return { documents: resolved, policy: named?.length ? compileCachePolicy(named) : undefined };
}

/** What the option must be, for error messages. */
export const ERROR_DOCUMENTS_SHAPE =
  'an object from a 4xx or 5xx status to a docroot URL-path, e.g. { "404": "/errors/404.shtml" }';

/** True for a valid `errorDocuments` value (a config file's key is checked by the same rule). */
export function isErrorDocuments(value: unknown): boolean {
  try {
    resolveErrorDocuments(value, undefined);
    return true;
  } catch {
    return false;
  }
}

function isLocalPath(path: unknown): path is string {
  return typeof path === 'string' && path.startsWith('/') && !path.includes('?') && parseRequestPath(path).ok;
}
