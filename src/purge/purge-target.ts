// Where and how pages are purged from a CDN: a request template with {tag}, {url} or {tags} placeholders, checked
// once, expanded per purge (or per batch of tags), and sent with node:http(s). Knows nothing of retries or
// concurrency (purge-queue.ts does).

import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { parseHttpDate } from '../fields/http-date';
import { isSendableFieldValue, isToken } from '../fields/http-fields';
import { describeWholeNumber, isWholeNumber, type WholeNumberRange } from '../fields/whole-number';

/** How many tags one purge request may name (CDN purge APIs cap the keys of one request). */
const MAX_TAGS_RANGE: WholeNumberRange = { min: 1, max: 1000 };

/**
 * A purge request template, filled in the URL, the header values and the body:
 * - `{tag}`: one purge tag (12 hex digits, see tagOf) per request;
 * - `{url}`: one page URL path (`/news/`) per request, `{tag}` then being that page's own tag;
 * - `{tags}` (space-separated) or `{tags:json}` (a JSON array of strings): up to `maxTags` tags in one request,
 *   for APIs that purge several at once (Fastly's batch purge by surrogate key, Cloudflare's purge by tags).
 * `{tags}` cannot be mixed with `{tag}` or `{url}`.
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
  /** Most tags in one request of a `{tags}` template. @default 30 (Cloudflare's limit; Fastly takes 256) */
  maxTags?: number;
}

/**
 * One purge: a tag, and the URL path it stands for: a page's own tag and its URL, or a changed file's tag and
 * its docroot path (which is its URL too).
 */
export interface PurgeJob {
  tag: string;
  url: string;
}

/** How a target takes its purges: one URL per request, one tag per request, or batches of tags. */
export type PurgeTargetKind = 'url' | 'tag' | 'batch';

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

/** The batch size of a `{tags}` template without `maxTags`. */
export const DEFAULT_MAX_TAGS_PER_PURGE = 30;

/** What a purge request got back: its status and, for a 429 or 503, how long the target asked to wait. */
export interface PurgeAnswer {
  status: number;
  /** `Retry-After` in ms from now (RFC 9110 §10.2.3), or undefined when absent or unreadable. */
  retryAfterMs?: number;
}

const BATCH = /\{tags(?::json)?\}/;

/**
 * The target of `--purge-url URL --purge-method PURGE|BAN`: the tag in `tagHeader`, the URL path in X-Purge-URL;
 * with `{tags}` in URL, batches of tags, space-separated in URL and `tagHeader`, without X-Purge-URL.
 * @example
 * purgeTargetFromFlags('http://127.0.0.1:6081/', 'BAN', 'Surrogate-Key');
 * // → { method: 'BAN', url: 'http://127.0.0.1:6081/', headers: { 'Surrogate-Key': '{tag}', 'X-Purge-URL': '{url}' } }
 */
export function purgeTargetFromFlags(
  url: string,
  method = 'PURGE',
  tagHeader = DEFAULT_PURGE_TAG_HEADER,
): PurgeTarget {
  const headers = BATCH.test(url)
    ? { [tagHeader]: '{tags}' }
    : { [tagHeader]: '{tag}', 'X-Purge-URL': '{url}' };
  return checkPurgeTarget({ method, url, headers }, 'purge');
}

/** `batch` with `{tags}`, `url` with `{url}` (the flags' X-Purge-URL), else `tag`. */
export function purgeTargetKind(target: PurgeTarget): PurgeTargetKind {
  const text = JSON.stringify([target.url, target.headers ?? {}, target.body ?? '']);
  if (BATCH.test(text)) return 'batch';
  return text.includes('{url}') ? 'url' : 'tag';
}

/** Checks a template (from a config file or an embedder); throws TypeError naming `name` and the bad field. */
export function checkPurgeTarget(value: unknown, name: string): PurgeTarget {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new TypeError(`${name} must be an object { method, url, headers, body }`);
  const { method = 'PURGE', url, headers = {}, body, maxTags, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined)
    throw new TypeError(
      `${name}.${unknown} is not a purge setting (known: method, url, headers, body, maxTags)`,
    );
  if (typeof method !== 'string' || !isToken(method))
    throw new TypeError(`${name}.method must be an HTTP method such as PURGE or BAN`);
  if (typeof url !== 'string' || !/^https?:\/\/[^/\s]/.test(url))
    throw new TypeError(`${name}.url must be an http:// or https:// URL`);
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers))
    throw new TypeError(`${name}.headers must be an object of header values`);
  for (const [header, text] of Object.entries(headers)) {
    // RFC 9110 §5.1, §5.5: a token name; a value of visible characters, so no CR/LF can split the request.
    if (!isToken(header) || typeof text !== 'string' || !isSendableFieldValue(text))
      throw new TypeError(`${name}.headers['${header}'] must be a header name with a one-line string value`);
  }
  if (body !== undefined && typeof body !== 'string') throw new TypeError(`${name}.body must be a string`);
  if (maxTags !== undefined && !isWholeNumber(maxTags, MAX_TAGS_RANGE))
    throw new TypeError(`${name}.maxTags must be ${describeWholeNumber(MAX_TAGS_RANGE)}`);
  const target: PurgeTarget = {
    method: method.toUpperCase(),
    url,
    headers: headers as Record<string, string>,
    body,
  };
  if (purgeTargetKind(target) === 'batch' && /\{(tag|url)\}/.test(JSON.stringify([url, headers, body ?? ''])))
    throw new TypeError(
      `${name}: {tags} sends several tags per request and cannot be mixed with {tag} or {url}`,
    );
  if (maxTags !== undefined) target.maxTags = maxTags as number;
  return target;
}

/**
 * Fills the placeholders in: `{tag}` and `{url}` from the first job, `{tags}` and `{tags:json}` from all of them.
 * Tags are hex and URL paths come percent-encoded, so neither can break a header, a URL or a JSON string.
 */
export function expandPurgeTarget(target: PurgeTarget, jobs: PurgeJob | readonly PurgeJob[]): PurgeRequest {
  const all = Array.isArray(jobs) ? (jobs as readonly PurgeJob[]) : [jobs as PurgeJob];
  const tags = all.map((job) => job.tag);
  const values: Record<string, string> = {
    tag: all[0]?.tag ?? '',
    url: all[0]?.url ?? '',
    tags: tags.join(' '),
    'tags:json': JSON.stringify(tags),
  };
  const fill = (text: string) =>
    text.replace(/\{(tag|url|tags|tags:json)\}/g, (_match, name: string) => values[name]);
  return {
    method: target.method ?? 'PURGE',
    url: fill(target.url),
    headers: Object.fromEntries(
      Object.entries(target.headers ?? {}).map(([name, text]) => [name, fill(text)]),
    ),
    body: target.body === undefined ? undefined : fill(target.body),
  };
}

/** The connection pools of one purge queue: at most `maxSockets` connections to the target at once. */
export interface PurgeAgents {
  http: HttpAgent;
  https: HttpsAgent;
}

/** Connection pools holding at most `maxSockets` connections each, kept alive between purges. */
export function createPurgeAgents(maxSockets: number): PurgeAgents {
  return {
    http: new HttpAgent({ keepAlive: true, maxSockets }),
    https: new HttpsAgent({ keepAlive: true, maxSockets }),
  };
}

/**
 * Sends one purge request; resolves with its status and Retry-After, rejects on a network error or a timeout.
 * Through `agents` when given (the queue's capped pools), else Node's global agents.
 */
export function sendPurgeRequest(
  purge: PurgeRequest,
  timeoutMs = PURGE_TIMEOUT_MS,
  agents?: PurgeAgents,
): Promise<PurgeAnswer> {
  return new Promise((resolve, reject) => {
    const url = new URL(purge.url);
    const secure = url.protocol === 'https:';
    const send = secure ? httpsRequest : httpRequest;
    const agent = agents === undefined ? undefined : secure ? agents.https : agents.http;
    const headers: Record<string, string | number> = { ...purge.headers };
    if (purge.body !== undefined) headers['Content-Length'] = Buffer.byteLength(purge.body);
    const req = send(url, { method: purge.method, headers, timeout: timeoutMs, agent }, (res) => {
      res.resume();
      const retryAfterMs = parseRetryAfter(res.headers['retry-after']);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfterMs }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(purge.body);
  });
}

/**
 * RFC 9110 §10.2.3: `Retry-After` is delay-seconds or an HTTP-date; returns the wait in ms from `now`, never
 * negative, or undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = parseHttpDate(text, now);
  return date === undefined ? undefined : Math.max(0, date - now);
}
