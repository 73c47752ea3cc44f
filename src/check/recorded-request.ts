// Sends one request of a check with node:http / node:https on a fresh connection and records the response's
// fields, body length and SHA-256; trusts an extra CA and pins host names to addresses when asked. Never prints.

import { createHash } from 'node:crypto';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { rootCertificates } from 'node:tls';
import {
  RECORDED_HEADERS,
  stepLabel,
  type CheckStep,
  type PlannedRequest,
  type RecordedExchange,
  type RecordedHeaders,
} from './revalidation-exchange';
import { fieldValue } from '../fields/http-fields';

/** How the check reaches servers: whom it trusts and where names point. */
export interface ConnectionOptions {
  /** PEM certificates trusted besides Node's own roots (a private CA). @default none */
  ca?: string;
  /** Addresses to use for host names instead of asking DNS (lower-case name → addresses). @default {} */
  resolve?: Record<string, string[]>;
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

/** The CA list for node:tls: Node's roots plus `ca`, or undefined (Node's default) when there is none. */
export function trustedCertificates(ca: string | undefined): string[] | undefined {
  return ca === undefined ? undefined : [...rootCertificates, ca];
}

/** A node:net lookup that answers names in `resolve` with their fixed addresses and asks DNS for the others. */
export function fixedLookup(resolve: Record<string, string[]>): LookupFunction {
  return (hostname, options, callback) => {
    const fixed = resolve[hostname.toLowerCase()];
    if (fixed === undefined || fixed.length === 0) {
      dns.lookup(hostname, options, callback);
      return;
    }
    const entries = fixed.map((address) => ({ address, family: isIP(address) }));
    if (options.all === true) (callback as (err: null, all: typeof entries) => void)(null, entries);
    else callback(null, entries[0].address, entries[0].family);
  };
}

/** A response read whole: status, header fields and body. */
export interface FetchedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * Sends `planned` to `url` on a fresh connection with `extraHeaders` (the user's; a conditional field of theirs
 * never replaces the step's own validator) and resolves with the recorded exchange; rejects with an ExchangeError
 * when no complete response arrives within `timeoutMs`.
 */
export async function sendRecordedRequest(
  url: URL,
  planned: PlannedRequest,
  extraHeaders: Record<string, string>,
  timeoutMs: number,
  connection: ConnectionOptions = {},
): Promise<RecordedExchange> {
  // A conditional header of the user's would spoil the replay, so the step's own validator wins.
  const probed = Object.keys(planned.probe ?? {});
  const kept = withoutConditionals(extraHeaders);
  const own = Object.entries(kept).filter(([name]) => !probed.includes(name.toLowerCase()));
  const headers = { ...Object.fromEntries(own), ...planned.validator, ...planned.probe };
  const response = await fetchResponse(url, planned, headers, timeoutMs, connection);
  return {
    ...planned,
    status: response.status,
    headers: recordHeaders(response.headers),
    bodyLength: response.body.length,
    bodySha256: createHash('sha256').update(response.body).digest('hex'),
  };
}

/**
 * Sends `planned` with exactly `headers` on a fresh connection and reads the whole response; rejects with an
 * ExchangeError when none arrives within `timeoutMs`.
 */
export function fetchResponse(
  url: URL,
  planned: Pick<PlannedRequest, 'step' | 'method'>,
  headers: Record<string, string>,
  timeoutMs: number,
  connection: ConnectionOptions = {},
): Promise<FetchedResponse> {
  const transport = url.protocol === 'https:' ? https : http;
  const reach = {
    ...(connection.ca === undefined ? {} : { ca: trustedCertificates(connection.ca) }),
    ...(connection.resolve === undefined ? {} : { lookup: fixedLookup(connection.resolve) }),
  };
  return new Promise((resolve, reject) => {
    const fail = (reason: string): void => reject(new ExchangeError(planned.step, url.href, reason));
    // agent: false → a fresh connection per step, as different edge servers would open.
    const options = { method: planned.method, headers, agent: false, ...reach };
    const req = transport.request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => void chunks.push(chunk));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
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
