// The `check` command's output: the text report (one line per exchange, what a CDN would do, the problems and
// the verdict) and the JSON document of `--json`. Pure formatting; the command prints what these return.

import type { AssetHostReport } from '../check/asset-host-check';
import type { SharedCacheBehaviour } from '../check/cdn-behaviour';
import { formatAssetHostReport } from './asset-host-report';
import type { RevalidationCheckResult } from '../check/revalidation-check';
import {
  RECORDED_HEADERS,
  fieldName,
  stepLabel,
  type RecordedExchange,
} from '../check/revalidation-exchange';

/** The version of the `--json` document's shape; raised when a field changes meaning or goes away. */
export const CHECK_JSON_VERSION = 1;

const SOURCES: Record<SharedCacheBehaviour['freshnessSource'], string> = {
  's-maxage': 'Cache-Control s-maxage',
  'max-age': 'Cache-Control max-age',
  expires: 'Expires − Date',
  heuristic: 'a heuristic: 10% of Date − Last-Modified (RFC 9111 §4.2.2)',
  none: 'nothing: no explicit lifetime and no Last-Modified for a heuristic',
};

/** One report line for an exchange: the request, the status and the recorded fields. */
export function formatExchange(exchange: RecordedExchange): string {
  const validator = exchange.validator['if-modified-since'] ?? exchange.validator['if-none-match'];
  const sent = validator ?? exchange.probe?.['accept-encoding'];
  const request = sent === undefined ? stepLabel(exchange.step) : `${stepLabel(exchange.step)}: ${sent}`;
  const fields = RECORDED_HEADERS.filter((name) => exchange.headers[name] !== undefined).map(
    (name) => `${fieldName(name)}: ${exchange.headers[name]}`,
  );
  const body =
    exchange.bodyLength === 0
      ? 'no body'
      : `body ${exchange.bodyLength} bytes sha256:${exchange.bodySha256.slice(0, 16)}`;
  return `${request} -> ${exchange.status} | ${[...fields, body].join(' | ')}`;
}

/**
 * What a shared cache does with the response, one `cdn …` line per question: stored? fresh for how long?
 * revalidated with which field? served stale when? keyed on which request fields?
 * @example
 * formatCdnBehaviour(sharedCacheBehaviour(200, { 'cache-control': 'public, max-age=60' }))[1];
 * // 'cdn fresh: 60 s, from Cache-Control max-age'
 */
export function formatCdnBehaviour(cdn: SharedCacheBehaviour): string[] {
  const stored = cdn.storable ? 'yes' : `no: ${cdn.notStorableBecause}`;
  const validators = cdn.validators.map((validator) => `${validator.field}: ${validator.value}`);
  const revalidates =
    validators.length === 0 ? 'nothing, so it fetches the whole page again' : validators.join(', ');
  return [
    `cdn stored by shared caches: ${stored}`,
    `cdn fresh: ${formatFreshness(cdn)}`,
    `cdn revalidates with: ${revalidates}`,
    `cdn serves stale: ${formatStale(cdn)}`,
    `cdn varies on: ${cdn.varyAny ? '* (no cached copy is ever reused, RFC 9111 §4.1)' : cdn.varyOn.join(', ') || 'nothing'}`,
  ];
}

function formatFreshness(cdn: SharedCacheBehaviour): string {
  if (cdn.revalidatesEveryUse)
    return 'never: no-cache makes it revalidate before every reuse (RFC 9111 §5.2.2.4)';
  const lifetime = `${cdn.freshnessLifetime} s, from ${SOURCES[cdn.freshnessSource]}`;
  if (cdn.age === 0) return lifetime;
  const left = Math.max(0, cdn.freshnessLifetime - cdn.age);
  return `${lifetime}; it arrived with Age: ${cdn.age}, so ${left} s are left (RFC 9111 §4.2.3)`;
}

function formatStale(cdn: SharedCacheBehaviour): string {
  const windows = [
    cdn.staleWhileRevalidate > 0 ? `${cdn.staleWhileRevalidate} s while revalidating` : '',
    cdn.staleIfError > 0 ? `${cdn.staleIfError} s when the origin fails` : '',
  ].filter((text) => text !== '');
  if (cdn.staleForbiddenBy !== undefined) {
    const forbidden = `never without revalidation (${cdn.staleForbiddenBy}, RFC 9111 §4.2.4)`;
    return windows.length === 0 ? forbidden : `${forbidden}, though RFC 5861 asks for ${windows.join(', ')}`;
  }
  return windows.length === 0
    ? 'only if the CDN is set to (no stale-while-revalidate, stale-if-error)'
    : windows.join(', ');
}

/**
 * The whole report printed by `check`: exchanges, skipped steps, the CDN's behaviour, problems, the asset hosts
 * (with `--asset-hosts`), the verdict.
 */
export function formatCheckReport(result: RevalidationCheckResult, assetHosts?: AssetHostReport): string {
  const lines = [
    `check ${result.url}`,
    ...result.exchanges.map(formatExchange),
    ...result.skipped.map((skipped) => `skipped ${stepLabel(skipped.step)}: ${skipped.reason}`),
    ...formatCdnBehaviour(result.cdn),
    ...result.problems.map((problem) => `${problem.severity} ${problem.code}: ${problem.message}`),
    ...(assetHosts === undefined ? [] : formatAssetHostReport(assetHosts)),
    result.ok ? 'verdict: origin revalidates correctly' : 'verdict: origin does NOT revalidate correctly',
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * The `--json` document of a finished check; absent optional values are `null`, so every key is always there
 * (`assetHosts` is null without `--asset-hosts`; `ok` is the revalidation's, `assetHosts.ok` the asset hosts').
 */
export function formatCheckJson(result: RevalidationCheckResult, assetHosts?: AssetHostReport): string {
  const document = {
    version: CHECK_JSON_VERSION,
    url: result.url,
    ok: result.ok,
    cdn: {
      ...result.cdn,
      notStorableBecause: result.cdn.notStorableBecause ?? null,
      staleForbiddenBy: result.cdn.staleForbiddenBy ?? null,
    },
    exchanges: result.exchanges.map((exchange) => ({ ...exchange, probe: exchange.probe ?? {} })),
    skipped: result.skipped,
    problems: result.problems,
    assetHosts: assetHosts ?? null,
    error: null,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** The `--json` document when a request got no response: `ok: false` and the error, nothing else known. */
export function formatCheckErrorJson(url: string, step: string, message: string): string {
  const document = {
    version: CHECK_JSON_VERSION,
    url,
    ok: false,
    cdn: null,
    exchanges: [],
    skipped: [],
    problems: [],
    assetHosts: null,
    error: { step, message },
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
