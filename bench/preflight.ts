// Checks each row with one real request before it is loaded: the status is the one measured, the body is
// the whole page, and the validators a 304 row replays are captured. A row that fails is marked, not loaded.

import http from 'node:http';
import type { Scenario } from './scenarios';

/** A row ready for the load generator. */
export interface PreparedScenario extends Scenario {
  url: string;
  /** Headers every request of the run carries (the captured validator, Accept-Encoding). */
  headers: Record<string, string>;
  /** Something measured but worth knowing (a body of an unexpected size). */
  note?: string;
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

// node:http, not fetch: fetch adds Cache-Control: no-cache next to If-None-Match.
function get(url: string, headers: Record<string, string>): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`timeout on ${url}`)));
    req.on('error', reject);
  });
}

function header(reply: Reply, name: string): string | undefined {
  const value = reply.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function conditionalHeaders(
  url: string,
  plain: Reply,
  kind: '304 IMS' | '304 INM',
): Promise<Record<string, string> | string> {
  const [validator, requestHeader] =
    kind === '304 IMS'
      ? [header(plain, 'last-modified'), 'If-Modified-Since']
      : [header(plain, 'etag'), 'If-None-Match'];
  if (validator === undefined) return `n/a (no ${kind === '304 IMS' ? 'Last-Modified' : 'ETag'} sent)`;
  const headers = { [requestHeader]: validator };
  const reply = await get(url, headers);
  return reply.status === 304 ? headers : `n/a (conditional GET answered ${reply.status})`;
}

/** Sends the row's request once; `expectedBytes` is the pre-rendered page. */
export async function prepareScenario(
  scenario: Scenario,
  port: number,
  expectedBytes: number,
): Promise<PreparedScenario> {
  const url = `http://127.0.0.1:${port}${scenario.path}`;
  const prepared: PreparedScenario = { ...scenario, url, headers: {} };
  if (scenario.unavailable !== undefined) return prepared;
  const plain = await get(url, {});
  if (plain.status !== 200) return { ...prepared, unavailable: `n/a (GET answered ${plain.status})` };
  if (plain.body.includes('an error occurred while processing')) {
    return { ...prepared, unavailable: 'invalid (SSI error text in the page)' };
  }
  const note =
    plain.body.length === expectedBytes
      ? undefined
      : `body ${plain.body.length} B, expected ${expectedBytes} B`;
  if (scenario.kind === '304 IMS' || scenario.kind === '304 INM') {
    const headers = await conditionalHeaders(url, plain, scenario.kind);
    return typeof headers === 'string'
      ? { ...prepared, unavailable: headers }
      : { ...prepared, headers, note };
  }
  if (scenario.kind === 'gzip 200') {
    const headers = { 'Accept-Encoding': 'gzip' };
    const zipped = await get(url, headers);
    if (header(zipped, 'content-encoding') !== 'gzip')
      return { ...prepared, unavailable: 'n/a (no gzip in this build)' };
    return { ...prepared, headers, note: `${zipped.body.length} B gzipped` };
  }
  return { ...prepared, note };
}
