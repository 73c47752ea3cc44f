// Finds the subresource URLs of an HTML page with parse5's SAX tokenizer and source locations, over a latin1
// decoding (one byte, one offset): each URL's range and text, and the first `<base href>`. Shared by the rewriter,
// which splices those bytes, and `check --asset-hosts`, which lists their origins. Pure besides loading parse5.

import { type ResolvedAssetHosts } from './asset-host-options';
import { baseFrom } from './asset-url';
import { cssUrls } from './css-urls';
import { encodingProblemOf } from './page-encoding';
import { loadStyleTextParser, type SaxStartTag } from './sax-parser';
import { type UrlRange } from './srcset-candidates';
import { urlSlotsOf, type UrlSlot } from './url-slots';

/** What decides which URLs count: extra URL attributes, and whether CORS-fetched elements do. */
export type UrlFindingOptions = Pick<ResolvedAssetHosts, 'attributes' | 'cors'>;

/** A URL found in the page: its range in the latin1 text (= its bytes) and the text there. */
export interface FoundUrl extends UrlRange {
  readonly text: string;
}

/** Every subresource URL of a page, in page order, and the value of its first `<base href>`. */
export interface PageUrls {
  readonly urls: readonly FoundUrl[];
  readonly baseHref?: string;
}

/** `check` lists every fetch the page makes: CORS-fetched elements included, no extra attributes. */
const EVERY_FETCH: UrlFindingOptions = { attributes: new Map(), cors: true };

/**
 * The subresource URLs of `html` (a page decoded as latin1): URL attributes of the elements that fetch them (see
 * url-slots.ts), srcset candidates and CSS `url()`s in `style` attributes and `<style>` elements.
 * @example (await findPageUrls('<img src=/a.png>', options)).urls // [{ start: 9, end: 15, text: '/a.png' }]
 */
export async function findPageUrls(html: string, options: UrlFindingOptions): Promise<PageUrls> {
  const urls: FoundUrl[] = [];
  let baseHref: string | undefined;
  const SAXParser = await loadStyleTextParser();
  const parser = new SAXParser({ sourceCodeLocationInfo: true });
  let inStyle = false;
  parser.on('startTag', (tag: SaxStartTag) => {
    if (tag.tagName === 'base' && baseHref === undefined) {
      const href = tag.attrs.find((attr) => attr.name === 'href');
      if (href) baseHref = href.value;
    }
    for (const slot of urlSlotsOf(tag, html, options)) collect(html, slot, urls);
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
      urls.push({
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
  return { urls, ...(baseHref === undefined ? {} : { baseHref }) };
}

/**
 * The absolute URLs of every subresource the page at `pageUrl` fetches, resolved against its `<base href>`, in page
 * order; none for a page in an encoding where bytes are not offsets (UTF-16, ISO-2022-JP).
 * @example await listSubresourceUrls(Buffer.from('<img src=/a.png>'), new URL('https://www.example/')) // [URL …/a.png]
 */
export async function listSubresourceUrls(page: Buffer, pageUrl: URL): Promise<URL[]> {
  if (encodingProblemOf(page) !== undefined) return [];
  const { urls, baseHref } = await findPageUrls(page.toString('latin1'), EVERY_FETCH);
  const base = baseHref === undefined ? pageUrl : (baseFrom(baseHref, pageUrl) ?? pageUrl);
  return urls.flatMap((url) =>
    URL.canParse(url.text.trim(), base.href) ? [new URL(url.text.trim(), base)] : [],
  );
}

/** Adds the URLs of one attribute value (its slot) to `urls`. */
function collect(html: string, slot: UrlSlot, urls: FoundUrl[]): void {
  const value = html.slice(slot.start, slot.end);
  const ranges = slot.kind === 'url' ? [trimmed(value)] : slot.ranges(value);
  for (const range of ranges)
    if (range.end > range.start)
      urls.push({
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
