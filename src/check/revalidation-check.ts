// Runs the `check` command's requests against any origin, as a CDN edge would revalidate a cached page, and
// returns the recorded exchanges with their verdict. Never prints.

import { sharedCacheBehaviour, type SharedCacheBehaviour } from './cdn-behaviour';
import {
  planRevalidation,
  type PlannedRequest,
  type RecordedExchange,
  type SkippedStep,
} from './revalidation-exchange';
import { judgeRevalidation, type RevalidationVerdict } from './revalidation-verdict';
import { sendRecordedRequest, type ConnectionOptions } from './recorded-request';

export { ExchangeError } from './recorded-request';

/** How `checkRevalidation` sends its requests. */
export interface RevalidationCheckOptions extends ConnectionOptions {
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
    sendRecordedRequest(
      target,
      planned,
      options.headers ?? {},
      options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS,
      options,
    );
  const first = await send(FIRST_REQUEST);
  const plan = planRevalidation(first, options.headers);
  const exchanges = [first];
  for (const planned of plan.requests) exchanges.push(await send(planned));
  const cdn = sharedCacheBehaviour(first.status, first.headers);
  return { url: target.href, exchanges, skipped: plan.skipped, ...judgeRevalidation(exchanges), cdn };
}
