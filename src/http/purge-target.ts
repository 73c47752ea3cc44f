// Where and how a page is purged from a CDN: a request template with {tag} and {url} placeholders, checked once,
// expanded per page, and sent with node:http(s). Knows nothing of retries (purge-queue.ts does).

import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * A purge request template. `{tag}` becomes the page's purge tag (12 hex digits, see tagOf) and `{url}` its URL
 * path (`/news/`), in the URL, the header values and the body.
 */
export interface PurgeTarget {
  /** @default 'PURGE' */
  method?: string;
  /** http(s) URL, e.g. `http://127.0.0.1:6081/` or `https://api.example.com/purge/{tag}`. */
  url: string;
  /** @default {} */
  headers?: Record<string, string>;
  /** @default none */
  body?: string;
}

/** One purge: a page's own tag and its URL path. */
export interface PurgeJob {
  tag: string;
  url: string;
}

/** A template with its placeholders filled in, ready to send. */
export interface PurgeRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** The tag header of a `--purge-url` target without a template. */
export const DEFAULT_PURGE_TAG_HEADER = 'X-Purge-Tag';

/** Gives up on one attempt after this many ms without an answer. */
export const PURGE_TIMEOUT_MS = 10_000;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e]*$/;

/**
 * The target of `--purge-url URL --purge-method PURGE|BAN`: the tag in `tagHeader`, the URL path in X-Purge-URL.
 * @example
 * purgeTargetFromFlags('http://127.0.0.1:6081/', 'BAN', 'Surrogate-Key');
 * // → { method: 'BAN', url: 'http://127.0.0.1:6081/', headers: { 'Surrogate-Key': '{tag}', 'X-Purge-URL': '{url}' } }
 */
export function purgeTargetFromFlags(
  url: string,
  method = 'PURGE',
  tagHeader = DEFAULT_PURGE_TAG_HEADER,
): PurgeTarget {
  return checkPurgeTarget(
    { method, url, headers: { [tagHeader]: '{tag}', 'X-Purge-URL': '{url}' } },
    'purge',
  );
}

/** Checks a template (from a config file or an embedder); throws TypeError naming `name` and the bad field. */
export function checkPurgeTarget(value: unknown, name: string): PurgeTarget {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new TypeError(`${name} must be an object { method, url, headers, body }`);
  const { method = 'PURGE', url, headers = {}, body, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined)
    throw new TypeError(`${name}.${unknown} is not a purge setting (known: method, url, headers, body)`);
  if (typeof method !== 'string' || !TOKEN.test(method))
    throw new TypeError(`${name}.method must be an HTTP method such as PURGE or BAN`);
  if (typeof url !== 'string' || !/^https?:\/\/[^/\s]/.test(url))
    throw new TypeError(`${name}.url must be an http:// or https:// URL`);
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers))
    throw new TypeError(`${name}.headers must be an object of header values`);
  for (const [header, text] of Object.entries(headers)) {
    // RFC 9110 §5.1, §5.5: a token name; a value of visible characters, so no CR/LF can split the request.
    if (!TOKEN.test(header) || typeof text !== 'string' || !FIELD_VALUE.test(text))
      throw new TypeError(`${name}.headers['${header}'] must be a header name with a one-line string value`);
  }
  if (body !== undefined && typeof body !== 'string') throw new TypeError(`${name}.body must be a string`);
  return { method: method.toUpperCase(), url, headers: headers as Record<string, string>, body };
}

/**
 * Fills `{tag}` and `{url}` in. Tags are hex and URL paths come percent-encoded, so neither can break a header,
 * a URL or a JSON string.
 */
export function expandPurgeTarget(target: PurgeTarget, job: PurgeJob): PurgeRequest {
  const fill = (text: string) => text.replace(/\{(tag|url)\}/g, (_match, name: 'tag' | 'url') => job[name]);
  return {
    method: target.method ?? 'PURGE',
    url: fill(target.url),
    headers: Object.fromEntries(
      Object.entries(target.headers ?? {}).map(([name, text]) => [name, fill(text)]),
    ),
    body: target.body === undefined ? undefined : fill(target.body),
  };
}

/** Sends one purge request; resolves with the status code, rejects on a network error or a timeout. */
export function sendPurgeRequest(purge: PurgeRequest, timeoutMs = PURGE_TIMEOUT_MS): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = new URL(purge.url);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers: Record<string, string | number> = { ...purge.headers };
    if (purge.body !== undefined) headers['Content-Length'] = Buffer.byteLength(purge.body);
    const req = send(url, { method: purge.method, headers, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(purge.body);
  });
}
