// Rewrites the `url()`s of a CSS file served or built by cdn-include to their asset hosts, with the same assignment
// as pages, so an image referenced from HTML and from CSS is fetched from one host. Byte-exact like the page
// rewrite (latin1 offsets, only URL bytes spliced). Pure: no I/O.

import { type ResolvedAssetHosts } from './asset-host-options';
import { movedUrls, type AssetRewriteResult } from './asset-rewriter';
import { pageBaseOf } from './asset-url';
import { cssUrls } from './css-urls';

/**
 * The CSS file at `cssPath` (its URL path: relative URLs resolve against it, CSS Values §4.5.1) with every asset
 * URL on its host; the very buffer given when nothing moved.
 * @example rewriteCssUrls(Buffer.from('a{b:url(../img/a.png)}'), '/css/site.css', config)
 */
export function rewriteCssUrls(css: Buffer, cssPath: string, config: ResolvedAssetHosts): AssetRewriteResult {
  const text = css.toString('latin1');
  if (!/url\(/i.test(text)) return { body: css, hosts: [] };
  const found = cssUrls(text).map((range) => ({ ...range, text: text.slice(range.start, range.end) }));
  const base = pageBaseOf(cssPath, config);
  return movedUrls(css, found, base, base.origin, config);
}

/**
 * The CSS file at `cssPath` as `serve` sends it and `build` writes it: its url()s on their hosts and, when one
 * moved, its date no older than the configuration's epoch (the bytes now rest on the configuration too).
 * @example cssFileWithAssetHosts({ bytes, mtimeMs }, '/css/site.css', config) // { body, mtimeMs }
 */
export function cssFileWithAssetHosts(
  file: { readonly bytes: Buffer; readonly mtimeMs: number },
  cssPath: string,
  config: ResolvedAssetHosts,
): { body: Buffer; mtimeMs: number } {
  const { body, hosts } = rewriteCssUrls(file.bytes, cssPath, config);
  return { body, mtimeMs: hosts.length > 0 ? Math.max(file.mtimeMs, config.epochMs) : file.mtimeMs };
}

/** Whether a response of this type is CSS (`text/css`, any parameters). */
export function isCssType(contentType: string | undefined): boolean {
  return contentType !== undefined && /^text\/css\s*(;|$)/i.test(contentType);
}
