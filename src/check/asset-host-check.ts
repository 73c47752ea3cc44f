// `check --asset-hosts`: fetches a page, lists the origins its subresources come from, probes each (DNS, TLS with
// ALPN), predicts the connections Chromium and Firefox open, and compares one asset per asset host with the same
// path on the page's host. The page is read by the rewriter's own parse5 reading (asset-hosts/page-urls.ts), or
// a lister passed in. Never prints.

import { compareAssetValidators, type ValidatorComparison } from './asset-validators';
import { predictConnections, type CoalescingPrediction, type OriginFacts } from './connection-coalescing';
import { probeOrigin, systemResolver, type HostResolver, type TlsHandshake } from './origin-probe';
import { fetchResponse, type ConnectionOptions } from './recorded-request';
import { listSubresourceUrls } from '../asset-hosts/page-urls';

/** Lists the subresource URLs a page references, resolved against its URL (and `<base href>`), in page order. */
export type SubresourceLister = (page: Buffer, pageUrl: URL) => URL[] | Promise<URL[]>;

/** How `checkAssetHosts` reads the page and reaches it and the hosts. */
export interface AssetHostCheckOptions extends ConnectionOptions {
  /** @default the rewriter's own parse5 reading of the page (src/asset-hosts/page-urls.ts) */
  listSubresources?: SubresourceLister;
  /** Header fields sent for the page and to the canonical host (Host is not sent to asset hosts). @default {} */
  headers?: Record<string, string>;
  /** Milliseconds each request or handshake may take. @default 10000 */
  timeoutMs?: number;
  /** @default the system resolver, with `resolve`'s names pinned */
  resolveHost?: HostResolver;
  /** @default a node:tls handshake offering h2 and http/1.1 */
  handshake?: TlsHandshake;
}

/** Stable codes of what the asset-host part of a check can report. */
export type AssetHostProblemCode =
  | 'page-not-html'
  | 'asset-host-unreachable'
  | 'asset-host-untrusted'
  | 'asset-host-not-coalesced'
  | 'asset-missing'
  | 'asset-validators-differ'
  | 'asset-not-on-canonical';

/** One finding: `error` fails the check, `warning` does not. */
export interface AssetHostProblem {
  code: AssetHostProblemCode;
  severity: 'error' | 'warning';
  /** The origin it concerns. */
  origin: string;
  message: string;
}

/** What the asset-host part found. */
export interface AssetHostReport {
  url: string;
  /** Every origin the page uses, its own first, then the others by first reference, with what was learned. */
  origins: OriginFacts[];
  /** The connections under Chromium's pooling rule and under Firefox's. */
  chromium: CoalescingPrediction;
  firefox: CoalescingPrediction;
  /** One asset per asset host, compared with the same path on the page's host. */
  validators: ValidatorComparison[];
  problems: AssetHostProblem[];
  /** No problem of severity `error`. */
  ok: boolean;
}

/**
 * Checks the asset hosts of the page at `url`: where its subresources come from, whether HTTP/2 clients
 * coalesce those origins, and whether each asset host serves the page host's files with the same validators.
 * Rejects with an ExchangeError when the page itself gets no response.
 * @example
 * const report = await checkAssetHosts(new URL('https://www.example/'), { ca: pem });
 * report.chromium.maxConnections; // 1 when every shard coalesces
 */
export async function checkAssetHosts(
  url: URL,
  options: AssetHostCheckOptions = {},
): Promise<AssetHostReport> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const headers = options.headers ?? {};
  // Accept-Encoding left out: the page is read as it is stored, not compressed.
  const pageHeaders = Object.fromEntries(
    Object.entries(headers).filter(([name]) => !/^accept-encoding$/i.test(name)),
  );
  const page = await fetchResponse(url, { step: 'get', method: 'GET' }, pageHeaders, timeoutMs, options);
  const contentType = page.headers['content-type'] ?? '';
  if (page.status !== 200 || !/^\s*(text\/html|application\/xhtml\+xml)\b/i.test(contentType)) {
    const type = contentType || 'without Content-Type';
    const message = `${url.href} answers ${page.status} ${type}: no HTML page to read`;
    return emptyReport(url, { code: 'page-not-html', severity: 'error', origin: url.origin, message });
  }
  const listSubresources = options.listSubresources ?? listSubresourceUrls;
  const byOrigin = groupByOrigin(url, await listSubresources(page.body, url));
  const resolveHost = options.resolveHost ?? systemResolver(options.resolve);
  const probe = { resolveHost, handshake: options.handshake, ca: options.ca, timeoutMs };
  const hinted = preconnectOrigins(page.headers.link, url);
  const origins = await Promise.all(
    [...byOrigin].map(async ([origin, urls]) => ({
      ...(await probeOrigin(new URL(origin), urls.length, probe)),
      ...(hinted.includes(origin) ? { preconnected: true } : {}),
    })),
  );
  const reachable = origins.slice(1).filter((origin) => origin.failure === undefined);
  const validators = await Promise.all(
    reachable.map((origin) =>
      compareAssetValidators(byOrigin.get(origin.origin)![0], url, headers, timeoutMs, options),
    ),
  );
  const chromium = predictConnections(origins, 'chromium');
  const firefox = predictConnections(origins, 'firefox');
  const problems = [...originProblems(origins, chromium), ...validators.flatMap(validatorProblem)];
  const ok = problems.every((problem) => problem.severity !== 'error');
  return { url: url.href, origins, chromium, firefox, validators, problems, ok };
}

/**
 * The page's origin first (the page itself is one request there), then each other origin by first reference, each
 * with its distinct URLs (a browser fetches a URL the page names twice once).
 */
function groupByOrigin(page: URL, subresources: URL[]): Map<string, URL[]> {
  const byOrigin = new Map<string, URL[]>([[page.origin, [page]]]);
  const seen = new Set<string>([page.href]);
  for (const subresource of subresources) {
    if (subresource.protocol !== 'https:' && subresource.protocol !== 'http:') continue;
    const url = new URL(subresource.href.replace(/#.*$/, ''));
    if (seen.has(url.href)) continue;
    seen.add(url.href);
    const urls = byOrigin.get(url.origin);
    if (urls === undefined) byOrigin.set(url.origin, [url]);
    else urls.push(url);
  }
  return byOrigin;
}

/** The origins a response's Link field asks to preconnect to (`<https://a1.example>; rel=preconnect`). */
export function preconnectOrigins(link: string | string[] | undefined, base: URL): string[] {
  const origins: string[] = [];
  const text = Array.isArray(link) ? link.join(', ') : (link ?? '');
  // RFC 8288 §3: link-value = "<" URI-Reference ">" *( OWS ";" OWS link-param ); rel may list several types.
  for (const [, target, params] of text.matchAll(/<([^>]*)>((?:\s*;[^,;]*)*)/g)) {
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params);
    const types = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (types.includes('preconnect') && URL.canParse(target, base.href))
      origins.push(new URL(target, base).origin);
  }
  return origins;
}

function originProblems(origins: OriginFacts[], chromium: CoalescingPrediction): AssetHostProblem[] {
  return origins.flatMap((origin, index): AssetHostProblem[] => {
    const at = { origin: origin.origin };
    if (origin.failure !== undefined)
      return [{ code: 'asset-host-unreachable', severity: 'error', ...at, message: origin.failure }];
    if (origin.tls !== undefined && !origin.tls.trusted) {
      const message = `browsers refuse ${origin.origin}: ${origin.tls.trustError ?? 'untrusted certificate'}`;
      return [{ code: 'asset-host-untrusted', severity: 'error', ...at, message }];
    }
    const connections = chromium.origins[index];
    if (connections.protocol !== 'h2' || connections.verdict !== 'own') return [];
    // The first HTTP/2 connection of the page is no extra one; a later one could have been pooled.
    if (connections.notPooledBecause === undefined) return [];
    const message = `${origin.origin} costs an extra HTTP/2 connection: ${connections.notPooledBecause.join('; ')}`;
    return [{ code: 'asset-host-not-coalesced', severity: 'warning', ...at, message }];
  });
}

function validatorProblem(comparison: ValidatorComparison): AssetHostProblem[] {
  const at = { origin: comparison.origin, message: comparison.message };
  switch (comparison.verdict) {
    case 'same':
      return [];
    case 'missing':
      return [{ code: 'asset-missing', severity: 'error', ...at }];
    case 'different':
      return [{ code: 'asset-validators-differ', severity: 'error', ...at }];
    case 'not-on-canonical':
      return [{ code: 'asset-not-on-canonical', severity: 'warning', ...at }];
  }
}

function emptyReport(url: URL, problem: AssetHostProblem): AssetHostReport {
  const none = (rule: 'chromium' | 'firefox') => predictConnections([], rule);
  return {
    url: url.href,
    origins: [],
    chromium: none('chromium'),
    firefox: none('firefox'),
    validators: [],
    problems: [problem],
    ok: false,
  };
}
