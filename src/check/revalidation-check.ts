// Runs the `check` command's requests against any origin with node:http / node:https, as a CDN edge would
// revalidate a cached page, and returns the recorded exchanges with their verdict. Never prints.

import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { sharedCacheBehaviour, type SharedCacheBehaviour } from './cdn-behaviour';
import {
  RECORDED_HEADERS,
  planRevalidation,
  stepLabel,
  type CheckStep,
  type PlannedRequest,
  type RecordedExchange,
  type RecordedHeaders,
  type SkippedStep,
} from './revalidation-exchange';
import { judgeRevalidation, type RevalidationVerdict } from './revalidation-verdict';
import { fieldValue } from '../fields/http-fields';

/** How `checkRevalidation` sends its requests. */
export interface RevalidationCheckOptions {
  /** Header fields added to every request, e.g. `Host` or `Accept-Encoding`. @default {} */
  headers?: Record<string, string>;
  /** Milliseconds each request may take, response body included. @default 10000 */
  timeoutMs?: number;
}

/** What a check found: every exchange in order, the steps it left out, the verdict, and what a CDN would do. */
export interface RevalidationCheckResult extends RevalidationVerdict {
  url: string;
  exchanges: RecordedExchange[];
  skipped: SkippedStep[];
  /** What a shared cache does with the first response (RFC 9111). */
  cdn: SharedCacheBehaviour;
}

/** A request of the check got no complete response (connection refused, reset, timeout, TLS failure). */
export class ExchangeError extends Error {
  override name = 'ExchangeError';

  constructor(
    readonly step: CheckStep,
    readonly url: string,
    reason: string,
  ) {
    super(`${stepLabel(step)} ${url}: ${reason}`);
  }
}

/** The timeout of each request when none is given, in milliseconds. */
export const DEFAULT_CHECK_TIMEOUT_MS = 10_000;

const FIRST_REQUEST: PlannedRequest = { step: 'get', method: 'GET', validator: {} };

/**
 * Checks whether the origin at `url` revalidates correctly: a GET, the same GET with If-Modified-Since and
 * then If-None-Match replaying its validators, a HEAD, and a GET with another Accept-Encoding (does the page
 * vary without saying so?), each on a fresh connection; and describes what a CDN does with the first response.
 * Rejects with an ExchangeError when a request gets no response; problems in the responses are in the result.
 * @example
 * const result = await checkRevalidation('http://localhost:8080/');
 * if (!result.ok) for (const problem of result.problems) log(problem.code, problem.message);
 */
export async function checkRevalidation(
  url: string | URL,
  options: RevalidationCheckOptions = {},
): Promise<RevalidationCheckResult> {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new TypeError(`checkRevalidation needs an http: or https: URL, not '${target.href}'`);
  }
  const send = (planned: PlannedRequest): Promise<RecordedExchange> =>
    sendRequest(target, planned, options.headers ?? {}, options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS);
  const first = await send(FIRST_REQUEST);
  const plan = planRevalidation(first, options.headers);
  const exchanges = [first];
  for (const planned of plan.requests) exchanges.push(await send(planned));
  const cdn = sharedCacheBehaviour(first.status, first.headers);
  return { url: target.href, exchanges, skipped: plan.skipped, ...judgeRevalidation(exchanges), cdn };
}

function sendRequest(
  url: URL,
  planned: PlannedRequest,
  extraHeaders: Record<string, string>,
  timeoutMs: number,
): Promise<RecordedExchange> {
  const transport = url.protocol === 'https:' ? https : http;
  // A conditional header of the user's would spoil the replay, so the step's own validator wins.
  const probed = Object.keys(planned.probe ?? {});
  const kept = withoutConditionals(extraHeaders);
  const own = Object.entries(kept).filter(([name]) => !probed.includes(name.toLowerCase()));
  const headers = { ...Object.fromEntries(own), ...planned.validator, ...planned.probe };
  return new Promise((resolve, reject) => {
    const fail = (reason: string): void => reject(new ExchangeError(planned.step, url.href, reason));
    // agent: false → a fresh connection per step, as different edge servers would open.
    const req = transport.request(url, { method: planned.method, headers, agent: false }, (res) => {
      const hash = createHash('sha256');
      let bodyLength = 0;
      res.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        bodyLength += chunk.length;
      });
      res.on('end', () => {
        clearTimeout(timer);
        const recorded = recordHeaders(res.headers);
        resolve({
          ...planned,
          status: res.statusCode ?? 0,
          headers: recorded,
          bodyLength,
          bodySha256: hash.digest('hex'),
        });
      });
      res.on('error', (err) => fail(err.message));
    });
    const timer = setTimeout(
      () => req.destroy(new Error(`no complete response within ${timeoutMs} ms`)),
      timeoutMs,
    );
    req.on('error', (err) => {
      clearTimeout(timer);
      fail(err.message === '' && 'code' in err ? String(err.code) : err.message);
    });
    req.end();
  });
}

function withoutConditionals(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !/^if-/i.test(name)));
}

function recordHeaders(headers: http.IncomingHttpHeaders): RecordedHeaders {
  const recorded: RecordedHeaders = {};
  for (const name of RECORDED_HEADERS) {
    const value = headers[name];
    if (value !== undefined) recorded[name] = fieldValue(value);
  }
  return recorded;
}
