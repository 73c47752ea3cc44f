// Compares one asset's validators on an asset host with the same path on the page's (canonical) host: the same
// file must carry the same ETag and Last-Modified wherever it is served, or caches keep and revalidate two copies.
// The judgement is pure; `compareAssetValidators` does the two GETs.

import type { ConnectionOptions } from './recorded-request';
import { ExchangeError, fetchResponse } from './recorded-request';
import { fieldValue } from '../fields/http-fields';

/** What one GET of the asset showed: its status and validators, or why there was no response. */
export interface AssetResponse {
  url: string;
  status?: number;
  etag?: string;
  lastModified?: string;
  /** Why no response arrived. */
  error?: string;
}

/**
 * `same`: both 200 with equal ETag and Last-Modified. `different`: both 200, a validator differs. `missing`: the
 * asset host does not serve it (not 200, or no response). `not-on-canonical`: only the asset host serves it, so it
 * is no copy of this origin's file (a third-party host, say).
 */
export type ValidatorVerdict = 'same' | 'different' | 'missing' | 'not-on-canonical';

/** The comparison for one asset host. */
export interface ValidatorComparison {
  /** The asset host's origin. */
  origin: string;
  onAssetHost: AssetResponse;
  onCanonical: AssetResponse;
  verdict: ValidatorVerdict;
  /** One sentence for people. */
  message: string;
}

/**
 * Judges two GETs of one asset: on the asset host and on the canonical host.
 * @example judgeValidators('https://a1.example', shard, canonical).verdict // 'same'
 */
export function judgeValidators(
  origin: string,
  onAssetHost: AssetResponse,
  onCanonical: AssetResponse,
): ValidatorComparison {
  const judged = (verdict: ValidatorVerdict, message: string): ValidatorComparison => ({
    origin,
    onAssetHost,
    onCanonical,
    verdict,
    message,
  });
  if (onAssetHost.status !== 200)
    return judged('missing', `${onAssetHost.url} answers ${describe(onAssetHost)}, not 200`);
  if (onCanonical.status !== 200)
    return judged(
      'not-on-canonical',
      `${onCanonical.url} answers ${describe(onCanonical)}: ${origin} serves other files than this origin`,
    );
  const differing = [
    onAssetHost.etag !== onCanonical.etag ? `ETag ${show(onAssetHost.etag)} ≠ ${show(onCanonical.etag)}` : '',
    onAssetHost.lastModified !== onCanonical.lastModified
      ? `Last-Modified ${show(onAssetHost.lastModified)} ≠ ${show(onCanonical.lastModified)}`
      : '',
  ].filter((text) => text !== '');
  if (differing.length > 0)
    return judged('different', `${onAssetHost.url} and ${onCanonical.url} differ: ${differing.join(', ')}`);
  return judged('same', `${onAssetHost.url}: the same ETag and Last-Modified as ${onCanonical.url}`);
}

/**
 * GETs `assetUrl` on its asset host and the same path and query on `canonical`, and judges the validators.
 * `headers` go to the canonical host as given and to the asset host without Host (it names the canonical host).
 */
export async function compareAssetValidators(
  assetUrl: URL,
  canonical: URL,
  headers: Record<string, string>,
  timeoutMs: number,
  connection: ConnectionOptions = {},
): Promise<ValidatorComparison> {
  const onCanonicalUrl = new URL(`${assetUrl.pathname}${assetUrl.search}`, canonical.origin);
  const withoutHost = Object.fromEntries(Object.entries(headers).filter(([name]) => !/^host$/i.test(name)));
  const [onAssetHost, onCanonical] = await Promise.all([
    getValidators(assetUrl, withoutHost, timeoutMs, connection),
    getValidators(onCanonicalUrl, headers, timeoutMs, connection),
  ]);
  return judgeValidators(assetUrl.origin, onAssetHost, onCanonical);
}

async function getValidators(
  url: URL,
  headers: Record<string, string>,
  timeoutMs: number,
  connection: ConnectionOptions,
): Promise<AssetResponse> {
  try {
    const response = await fetchResponse(url, { step: 'get', method: 'GET' }, headers, timeoutMs, connection);
    const etag = response.headers.etag;
    const lastModified = response.headers['last-modified'];
    return {
      url: url.href,
      status: response.status,
      ...(etag === undefined ? {} : { etag: fieldValue(etag) }),
      ...(lastModified === undefined ? {} : { lastModified: fieldValue(lastModified) }),
    };
  } catch (err) {
    if (!(err instanceof ExchangeError)) throw err;
    return { url: url.href, error: err.message };
  }
}

function describe(response: AssetResponse): string {
  return response.status === undefined ? `nothing (${response.error})` : String(response.status);
}

function show(value: string | undefined): string {
  return value ?? '(none)';
}
