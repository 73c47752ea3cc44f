// Requests that arrive on an asset host (their Host is a configured asset origin's): pages are not served there
// (a 301 to the canonical origin, as the classic mod_rewrite recipe does), assets are, with CORS fields for the
// canonical origin in CORS mode. A site without asset hosts never gets here.

import type { Context } from 'koa';
import { type ResolvedAssetHosts } from '../asset-hosts/asset-host-options';
import { isSsiPath, type ResolvedRenderOptions } from '../engine/render-options';

/** What the middleware asks of asset hosts for one request. */
export interface AssetHostRequests {
  /** Whether the request arrived on an asset host. */
  isOnAssetHost(ctx: Context): boolean;
  /**
   * Answers a page request on an asset host (301 to the canonical origin, or 404 without one) and returns true;
   * for an asset, sets the CORS fields (in CORS mode) and returns false, to be served as on the canonical host.
   */
  answer(ctx: Context, renderOptions: ResolvedRenderOptions): boolean;
}

/** A page by its URL: a folder (its index page), an SSI page, or HTML. */
function isPageTarget(path: string, renderOptions: ResolvedRenderOptions): boolean {
  return path.endsWith('/') || /\.html?$/i.test(path) || isSsiPath(renderOptions, path);
}

/** The request's host as an origin's host: lower case, without the scheme's default port. */
function requestHostOf(ctx: Context): string {
  return ctx.host.toLowerCase().replace(/:(80|443)$/, '');
}

/**
 * The asset-host rules for `config`.
 * @example const requests = assetHostRequestsOf(config); if (requests.isOnAssetHost(ctx)) requests.answer(ctx, o);
 */
export function assetHostRequestsOf(config: ResolvedAssetHosts): AssetHostRequests {
  const hosts = new Set(config.hosts.map((host) => new URL(host.origin).host));
  const { origin, cors } = config;
  return {
    isOnAssetHost: (ctx) => hosts.has(requestHostOf(ctx)),
    answer(ctx, renderOptions) {
      if (isPageTarget(ctx.path, renderOptions)) {
        if (origin === undefined) {
          ctx.status = 404;
          ctx.body = 'Not Found';
          return true;
        }
        // RFC 9110 §15.4.2: moved for good; the canonical origin is configured, never taken from the request.
        ctx.status = 301;
        ctx.set('Location', origin + ctx.originalUrl);
        ctx.set('Cache-Control', 'public, max-age=3600');
        ctx.body = `Moved to ${origin}${ctx.originalUrl}\n`;
        return true;
      }
      if (cors && origin !== undefined) {
        // Fetch §3.2.5 and Resource Timing §4.5: one fixed origin, not echoed, so no Vary: Origin is needed.
        ctx.set('Access-Control-Allow-Origin', origin);
        ctx.set('Timing-Allow-Origin', origin);
      }
      return false;
    },
  };
}
