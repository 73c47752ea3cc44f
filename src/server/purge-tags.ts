// Purge tags (README "Behind a CDN"): one short, stable tag per file a response rested on, for the
// Surrogate-Key and Cache-Tag headers, within the CDN limits. Pure: no I/O; the caller logs and sets headers.

import { createHash } from 'node:crypto';
import { isToken } from '../fields/http-fields';

/** Options of purgeTagsFor. */
export interface PurgeTagOptions {
  /** Header carrying the tags space-separated (Fastly, Varnish); false sends none. @default 'Surrogate-Key' */
  surrogateKeyHeader?: string | false;
  /** Header carrying the tags comma-separated (Cloudflare); false sends none. @default 'Cache-Tag' */
  cacheTagHeader?: string | false;
  /** Largest header value, in bytes (Fastly and Cloudflare stop at 16 KB). @default 16384 */
  maxHeaderBytes?: number;
}

/** The tags of one response and the headers that carry them. */
export interface PurgeTagsResult {
  /** `file`: one tag per file; `directory`: the coarser fallback; `none`: nothing fits, tags dropped. */
  level: 'file' | 'directory' | 'none';
  tags: string[];
  /** [name, value] pairs to send on 200, 206, HEAD and 304 alike (a CDN refreshes its entry from the 304, RFC 9111 §4.3.4). */
  headers: Array<readonly [string, string]>;
}

/** Fastly's limit on one header value; Cloudflare's on all Cache-Tag values together. */
export const MAX_TAG_HEADER_BYTES = 16384;
/** Fastly's limit on one key; a tag here is 12 characters, far below it. */
export const MAX_TAG_BYTES = 1024;
/** Hex digits of the SHA-256 kept per tag: 48 bits, so a site of a million files meets a collision rarely. */
export const TAG_LENGTH = 12;

/**
 * The tag of one file: the first 12 hex digits of SHA-256 of its docroot path (UTF-8, as the request path
 * decodes to, leading slash, no query). Operators compute it with
 * `printf %s /inc/header.html | sha256sum | cut -c1-12`, or `cdn-include tag /inc/header.html`.
 *
 * @example tagOf('/inc/header.html')
 */
export function tagOf(docrootPath: string): string {
  let tag = knownTags.get(docrootPath);
  if (tag === undefined) {
    // Bounded by the characters of the paths kept, not their number: a path can be as long as a request line. A
    // site's paths repeat in every response, so a full map is simply started again.
    if (knownTagCharacters + docrootPath.length > MAX_KNOWN_TAG_CHARACTERS) {
      knownTags.clear();
      knownTagCharacters = 0;
    }
    tag = createHash('sha256').update(docrootPath, 'utf8').digest('hex').slice(0, TAG_LENGTH);
    knownTags.set(docrootPath, tag);
    knownTagCharacters += docrootPath.length + TAG_LENGTH;
  }
  return tag;
}

// Every uncached response hashes the path of each file it rests on: remember the tags of the paths seen lately.
// 256 Ki characters hold some 4,000 paths of a usual length, and never more than about 0.5 MiB of strings.
const MAX_KNOWN_TAG_CHARACTERS = 256 * 1024;
const knownTags = new Map<string, string>();
let knownTagCharacters = 0;

/**
 * The fallback tag of a folder: `tagOf` of its path with a trailing slash, e.g. `tagOf('/inc/')`. Sent in place of
 * file tags when those would not fit, so purging a fragment means purging its tag and its folder's tag.
 */
export function directoryTagOf(docrootPath: string): string {
  const slash = docrootPath.lastIndexOf('/');
  return tagOf(docrootPath.slice(0, slash + 1) || '/');
}

/**
 * Chooses the tags of a response resting on `paths` (the page or static file first, then every dependency,
 * missing ones included, since their appearance changes the page): one per file; if a header would exceed
 * `maxHeaderBytes`, the page's own tag plus one per folder; if even that does not fit, none (`level: 'none'`,
 * and the caller makes the response uncacheable by shared caches). Never truncates.
 *
 * @example purgeTagsFor(['/index.shtml', '/inc/header.html'], {}).headers
 * // [['Surrogate-Key', '<tag> <tag>'], ['Cache-Tag', '<tag>,<tag>']]
 */
export function purgeTagsFor(paths: readonly string[], options: PurgeTagOptions = {}): PurgeTagsResult {
  const limit = options.maxHeaderBytes ?? MAX_TAG_HEADER_BYTES;
  const names = headerNames(options);
  const fileTags = unique(paths.map(tagOf));
  if (fits(fileTags, limit)) return { level: 'file', tags: fileTags, headers: headersOf(fileTags, names) };
  const directoryTags = unique([...paths.slice(0, 1).map(tagOf), ...paths.map(directoryTagOf)]);
  if (fits(directoryTags, limit)) {
    return { level: 'directory', tags: directoryTags, headers: headersOf(directoryTags, names) };
  }
  return { level: 'none', tags: [], headers: [] };
}

/**
 * Checks a tag header name option when the middleware is created: a field-name token, or false for none.
 * Throws TypeError naming the option otherwise.
 */
export function validateTagHeaderName(value: unknown, optionName: string, fallback: string): string | false {
  if (value === undefined) return fallback;
  if (value === false) return false;
  // RFC 9110 §5.1: field-name = token.
  if (typeof value !== 'string' || !isToken(value)) {
    throw new TypeError(
      `ssi(): option '${optionName}' must be a header name such as '${fallback}', or false`,
    );
  }
  return value;
}

function headerNames(options: PurgeTagOptions): { spaced: string | false; commas: string | false } {
  return {
    spaced: options.surrogateKeyHeader ?? 'Surrogate-Key',
    commas: options.cacheTagHeader ?? 'Cache-Tag',
  };
}

// Both separators take one byte per tag, so one test covers both headers; tags are ASCII, so length = bytes.
function fits(tags: string[], limit: number): boolean {
  let bytes = -1;
  for (const tag of tags) {
    if (tag.length > MAX_TAG_BYTES) return false;
    bytes += tag.length + 1;
  }
  return bytes <= limit;
}

function headersOf(tags: string[], names: { spaced: string | false; commas: string | false }) {
  const headers: Array<readonly [string, string]> = [];
  if (names.spaced !== false) headers.push([names.spaced, tags.join(' ')]);
  if (names.commas !== false) headers.push([names.commas, tags.join(',')]);
  return headers;
}

function unique(tags: string[]): string[] {
  return [...new Set(tags)];
}
