// Rewrites the asset URLs of a rendered HTML page to their asset hosts, byte-exact: parse5's SAX tokenizer finds
// each URL by source location over a latin1 decoding (one byte, one offset), and only those bytes are spliced;
// no tag is re-serialised and every other byte stays. Once per render, never per request. No I/O besides loading
// parse5.

import { type ResolvedAssetHosts } from './asset-host-options';
import { baseFrom, movedReference, pageBaseOf } from './asset-url';
import { cssUrls } from './css-urls';
import { type UrlRange } from './srcset-candidates';
import { urlSlotsOf, type UrlSlot } from './url-slots';
import { encodingProblemOf } from './page-encoding';
import { loadSaxParser, type SaxStartTag } from './sax-parser';

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

/** A URL found in the page, resolved once the page's `<base href>` is known. */
export interface FoundUrl extends UrlRange {
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
  const found: FoundUrl[] = [];
  let baseHref: string | undefined;
  const { SAXParser } = await loadSaxParser();
  const parser = new SAXParser({ sourceCodeLocationInfo: true });
  let inStyle = false;
  parser.on('startTag', (tag: SaxStartTag) => {
    if (tag.tagName === 'base' && baseHref === undefined) {
      const href = tag.attrs.find((attr) => attr.name === 'href');
      if (href) baseHref = href.value;
    }
    for (const slot of urlSlotsOf(tag, html, config)) collect(html, slot, found);
    inStyle = tag.tagName === 'style' && !tag.selfClosing;
  });
  parser.on('endTag', () => {
    inStyle = false;
  });
  parser.on('text', ({ text, sourceCodeLocation }) => {
    if (!inStyle || !sourceCodeLocation || !/url\(/i.test(text)) return;
    const offset = sourceCodeLocation.startOffset;
    const raw = html.slice(offset, sourceCodeLocation.endOffset);
    for (const range of cssUrls(raw))
      found.push({
        start: offset + range.start,
        end: offset + range.end,
        text: raw.slice(range.start, range.end),
      });
  });
  await new Promise<void>((resolve, reject) => {
    parser.once('finish', resolve);
    parser.once('error', reject);
    parser.end(html);
  });
  const pageBase = pageBaseOf(pagePath, config);
  const base = baseHref === undefined ? pageBase : baseFrom(baseHref, pageBase);
  return base === undefined
    ? { body: page, hosts: [] }
    : movedUrls(page, found, base, pageBase.origin, config);
}

/** Adds the URLs of one attribute value (its slot) to `found`. */
function collect(html: string, slot: UrlSlot, found: FoundUrl[]): void {
  const value = html.slice(slot.start, slot.end);
  const ranges = slot.kind === 'url' ? [trimmed(value)] : slot.ranges(value);
  for (const range of ranges)
    if (range.end > range.start)
      found.push({
        start: slot.start + range.start,
        end: slot.start + range.end,
        text: value.slice(range.start, range.end),
      });
}

/** The value without the leading and trailing ASCII whitespace a URL attribute's parser strips. */
function trimmed(value: string): UrlRange {
  const start = value.length - value.trimStart().length;
  return { start, end: start + value.trim().length };
}

/**
 * `bytes` with each found URL (offsets into `bytes`, resolved against `base`) that names an asset of the site at
 * `siteOrigin` moved to its asset host, and the hosts referenced.
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
