// What asset hosts make of one rendered page, for the server and the build alike: its rewritten bytes, the
// dependency that dates it (the configuration's epoch), and the preconnect links for the hosts it references.
// Pure besides loading parse5; the Last-Modified never passes the response date (virtualLastModified clamps it).

import { type Diagnostic } from '../engine/diagnostics';
import { type ResolvedAssetHosts } from './asset-host-options';
import { rewriteAssetUrls } from './asset-rewriter';

/**
 * The path under which the asset-hosts configuration is a dependency of every page it rewrote: the name that dates
 * the page by the configuration's epoch, its purge tag (`cdn-include tag /.well-known/cdn-include/asset-hosts`),
 * and the dependency-graph entry a configuration change purges. Beside the build's published manifests, where no
 * docroot file of that name is expected.
 */
export const ASSET_HOSTS_DEPENDENCY = '/.well-known/cdn-include/asset-hosts';

/** A page after asset hosts: the same buffer and nothing else when no URL moved. */
export interface PageAssetsResult {
  readonly body: Buffer;
  /** The configuration as a dependency (epoch as its mtime); undefined when no URL moved. */
  readonly dependency?: { readonly path: string; readonly mtimeMs: number; readonly exists: true };
  /** One `Link` field line per asset host the page references: `<https://a1.example>; rel=preconnect`. */
  readonly preconnect: readonly string[];
  /** Why the page was not read (its encoding), for a diagnostic. */
  readonly skipped?: string;
}

/**
 * The page at `pagePath` with its asset URLs on their hosts; pages of other types than HTML are left alone.
 * @example await pageAssets(body, '/index.shtml', 'text/html; charset=utf-8', config)
 */
async function pageAssets(
  body: Buffer,
  pagePath: string,
  contentType: string | undefined,
  config: ResolvedAssetHosts,
): Promise<PageAssetsResult> {
  if (contentType === undefined || !/^text\/html\s*(;|$)/i.test(contentType)) return { body, preconnect: [] };
  let result: Awaited<ReturnType<typeof rewriteAssetUrls>>;
  try {
    result = await rewriteAssetUrls(body, pagePath, config);
  } catch (err) {
    // Never a failed response for a page the rewrite could not read: its bytes go out as rendered, with a warning.
    return { body, preconnect: [], skipped: `unreadable: ${(err as Error).message}` };
  }
  if (result.hosts.length === 0) return { body, preconnect: [], skipped: result.skipped };
  // HTML §4.6.7.16 / Resource Hints: preconnect names an origin; `crossorigin` is needed for CORS fetches only.
  const crossOrigin = config.cors ? '; crossorigin' : '';
  return {
    body: result.body,
    dependency: { path: ASSET_HOSTS_DEPENDENCY, mtimeMs: config.epochMs, exists: true },
    preconnect: result.hosts.map((host) => `<${host}>; rel=preconnect${crossOrigin}`),
  };
}

/** A rendered page after asset hosts, as `serve` sends it and `build` writes it. */
export interface PageWithAssetHosts<D> {
  readonly body: Buffer;
  /** The page's dependencies, plus the configuration (dated by its epoch) when a URL moved. */
  readonly dependencies: readonly (D | NonNullable<PageAssetsResult['dependency']>)[];
  /** One `Link` field line per asset host the page references. */
  readonly preconnect: readonly string[];
  /** The warning of a page that could not be read (its encoding); undefined when read. */
  readonly diagnostic?: Diagnostic;
}

/**
 * `page` (rendered at `pagePath`, sent as `contentType`) after asset hosts: after SSI expansion, before the
 * validators, so the ETag, digests and purge tags describe the bytes sent; unchanged without `config`.
 * @example const { body, dependencies } = await pageWithAssetHosts(result, '/index.shtml', 'text/html', config)
 */
export async function pageWithAssetHosts<D>(
  page: { readonly body: Buffer; readonly dependencies: readonly D[] },
  pagePath: string,
  contentType: string | undefined,
  config: ResolvedAssetHosts | undefined,
): Promise<PageWithAssetHosts<D>> {
  if (config === undefined) return { body: page.body, dependencies: page.dependencies, preconnect: [] };
  const assets = await pageAssets(page.body, pagePath, contentType, config);
  return {
    body: assets.body,
    dependencies: assets.dependency ? [...page.dependencies, assets.dependency] : page.dependencies,
    preconnect: assets.preconnect,
    diagnostic: assets.skipped === undefined ? undefined : assetHostsSkipped(pagePath, assets.skipped),
  };
}

/** The warning of a page asset hosts could not read (`skipped` of its result): its bytes go out as rendered. */
function assetHostsSkipped(path: string, reason: string): Diagnostic {
  return {
    code: 'asset-hosts-skipped',
    severity: 'warning',
    message: `asset URLs not rewritten (${reason}): the page is sent as rendered`,
    file: path,
    line: 1,
    includeChain: [path],
  };
}
