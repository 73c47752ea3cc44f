// A test-only CPU burn for load tests (README "Under load"): with CDN_INCLUDE_TEST_BURN=1 in serve's environment, a
// request carrying `X-Cdn-Include-Test-Burn: MS` holds the event loop for MS ms before it is served, as a heavy
// page would. serve wraps its listener with it only when the variable says so: a production server has no trace of it.

import type { RequestListener } from 'node:http';
import { wholeNumberFromText } from '../fields/whole-number';

/** The environment variable that turns the burn on, read once when serve starts; only `1` does. */
export const TEST_BURN_VARIABLE = 'CDN_INCLUDE_TEST_BURN';

/** The request field naming the milliseconds to burn. */
export const TEST_BURN_FIELD = 'x-cdn-include-test-burn';

/** The response field saying how many milliseconds were burnt: a test sees that the burn is on, or is not. */
export const TEST_BURNED_FIELD = 'X-Cdn-Include-Test-Burned';

/** The most one request may burn: a test drives load with many requests, never one that stalls everything. */
const MAX_BURN_MS = 1000;

/**
 * `listener`, with each request carrying the burn field holding the event loop for that many ms (up to 1000)
 * first; any other value of the field is ignored.
 * @example createServer(withTestBurn(app.callback()));
 */
export function withTestBurn(listener: RequestListener): RequestListener {
  return (req, res) => {
    const asked = req.headers[TEST_BURN_FIELD];
    const ms = typeof asked === 'string' ? wholeNumberFromText(asked) : Number.NaN;
    if (ms > 0) {
      const burnt = Math.min(ms, MAX_BURN_MS);
      const end = performance.now() + burnt;
      while (performance.now() < end);
      res.setHeader(TEST_BURNED_FIELD, String(burnt));
    }
    listener(req, res);
  };
}
