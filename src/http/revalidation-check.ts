// Runs the `check` command's requests against any origin with node:http / node:https, as a CDN edge would
// revalidate a cached page, and returns the recorded exchanges with their verdict. Never prints.

import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
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

/** How `checkRevalidation` sends its requests. */
export interface RevalidationCheckOptions {
  /** Header fields added to every request, e.g. `Host` or `Accept-Encoding`. @default {} */
  headers?: Record<string, string>;
  /** Milliseconds each request may take, response body included. @default 10000 */
  timeoutMs?: number;
}

/** What a check found: every exchange in order, the steps it left out, and the verdict. */
export interface RevalidationCheckResult extends RevalidationVerdict {
  url: string;
  exchanges: RecordedExchange[];
  skipped: SkippedStep[];
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
 * then If-None-Match replaying its validators, and a HEAD, each on a fresh connection. Rejects with an
 * ExchangeError when a request gets no response; problems in the responses are in the result.
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
  const plan = planRevalidation(first);
  const exchanges = [first];
  for (const planned of plan.requests) exchanges.push(await send(planned));
  return { url: target.href, exchanges, skipped: plan.skipped, ...judgeRevalidation(exchanges) };
}

function sendRequest(
  url: URL,
  planned: PlannedRequest,
  extraHeaders: Record<string, string>,
  timeoutMs: number,
): Promise<RecordedExchange> {
  const transport = url.protocol === 'https:' ? https : http;
  // A conditional header of the user's would spoil the replay, so the step's own validator wins.
  const headers = { ...withoutConditionals(extraHeaders), ...planned.validator };
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
    if (value !== undefined) recorded[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return recorded;
}
