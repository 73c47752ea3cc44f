// Rewrites the asset URLs of a rendered HTML page to their asset hosts, byte-exact: page-urls.ts finds each URL by
// source location over a latin1 decoding (one byte, one offset), and only those bytes are spliced;
// no tag is re-serialised and every other byte stays. Once per render, never per request. No I/O besides loading
// parse5.

import { type ResolvedAssetHosts } from './asset-host-options';
import { baseFrom, movedReference, pageBaseOf } from './asset-url';
import { encodingProblemOf } from './page-encoding';
import { findPageUrls, type FoundUrl } from './page-urls';

/** What rewriting made of a page. */
export interface AssetRewriteResult {
  /** The page's bytes, the very buffer given when nothing changed. */
  readonly body: Buffer;
  /** The asset origins the page now references, in the order of their first reference. */
  readonly hosts: readonly string[];
  /** Why the page was left as it is without being read (an encoding where bytes are not offsets). */
  readonly skipped?: string;
}

/** One splice: the bytes [start, end) become `text`. */
interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/**
 * The page at `pagePath` (its URL path) with every subresource URL under the configured asset paths moved to its
 * asset host (see asset-url.ts), and the hosts it now references.
 * @example await rewriteAssetUrls(Buffer.from('<img src=/img/a.png>'), '/index.html', config)
 */
export async function rewriteAssetUrls(
  page: Buffer,
  pagePath: string,
  config: ResolvedAssetHosts,
): Promise<AssetRewriteResult> {
  const skipped = encodingProblemOf(page);
  if (skipped !== undefined) return { body: page, hosts: [], skipped };
  const html = page.toString('latin1');
  // A page with no asset path in it has nothing to move (path-relative references are the exception the cheap
  // test gives up on: any page with a src, href or url( is read).
  if (!/src|href|url\(|poster|\bdata-/i.test(html)) return { body: page, hosts: [] };
  const { urls, baseHref } = await findPageUrls(html, config);
  const pageBase = pageBaseOf(pagePath, config);
  const base = baseHref === undefined ? pageBase : baseFrom(baseHref, pageBase);
  return base === undefined
    ? { body: page, hosts: [] }
    : movedUrls(page, urls, base, pageBase.origin, config);
}

/**
 * `bytes` with each found URL (offsets into `bytes`, resolved against `base`) that names an asset of the site at
 * `siteOrigin` moved to its asset host, and the hosts referenced. Shared with the CSS rewriter.
 */
export function movedUrls(
  bytes: Buffer,
  found: readonly FoundUrl[],
  base: URL,
  siteOrigin: string,
  config: ResolvedAssetHosts,
): AssetRewriteResult {
  const edits: Edit[] = [];
  const hosts: string[] = [];
  for (const url of found) {
    const moved = movedReference(url.text, base, siteOrigin, config);
    if (moved === undefined) continue;
    edits.push({ start: url.start, end: url.end, text: moved.text });
    if (!hosts.includes(moved.host)) hosts.push(moved.host);
  }
  edits.sort((a, b) => a.start - b.start);
  return splice(bytes, edits, hosts);
}

/** The page with each edit's bytes replaced (replacements are ASCII URLs: latin1 is their UTF-8 too). */
function splice(page: Buffer, edits: readonly Edit[], hosts: readonly string[]): AssetRewriteResult {
  if (edits.length === 0) return { body: page, hosts: [] };
  const parts: Buffer[] = [];
  let at = 0;
  for (const edit of edits) {
    if (edit.start < at) continue;
    parts.push(page.subarray(at, edit.start), Buffer.from(edit.text, 'latin1'));
    at = edit.end;
  }
  parts.push(page.subarray(at));
  return { body: Buffer.concat(parts), hosts };
}
