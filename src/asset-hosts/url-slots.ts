// Which attribute values of a start tag hold subresource URLs, and where their bytes are: the element table
// (img/source src and srcset, link href for stylesheets, icons and preloads, script src, media src and poster, SVG
// href, style attributes), never a navigation (a, area, form, iframe, base). Pure: no I/O.

import { type ResolvedAssetHosts } from './asset-host-options';
import { cssUrls } from './css-urls';
import { srcsetUrls, type UrlRange } from './srcset-candidates';
import { type SaxStartTag } from './sax-parser';

/** Where an attribute value is in the page ([start, end) of its bytes, quotes excluded) and how it holds URLs. */
export type UrlSlot =
  | { readonly start: number; readonly end: number; readonly kind: 'url' }
  | {
      readonly start: number;
      readonly end: number;
      readonly kind: 'list';
      ranges(value: string): UrlRange[];
    };

/** The source ranges of a start tag's attributes, by name as written (lower case, `xlink:href`). */
interface AttributeLocations {
  readonly attrs?: Readonly<Record<string, { readonly startOffset: number; readonly endOffset: number }>>;
}

type ValueKind = 'url' | 'srcset' | 'css';

const SVG_HREF: Record<string, ValueKind> = { href: 'url', 'xlink:href': 'url' };

/** The URL attributes of each element that fetches a subresource. */
const ELEMENT_ATTRIBUTES: Record<string, Record<string, ValueKind>> = {
  img: { src: 'url', srcset: 'srcset' },
  source: { src: 'url', srcset: 'srcset' },
  link: { href: 'url', imagesrcset: 'srcset' },
  script: { src: 'url' },
  video: { src: 'url', poster: 'url' },
  audio: { src: 'url' },
  track: { src: 'url' },
  image: SVG_HREF,
  use: SVG_HREF,
  feimage: SVG_HREF,
};

/** Elements whose URLs are navigations or set the base: never rewritten, whatever the extra attributes say. */
const NAVIGATIONS = new Set(['a', 'area', 'form', 'iframe', 'frame', 'base', 'object', 'embed']);

/** `link` types that fetch a subresource the page uses (HTML §4.6.7). */
const SUBRESOURCE_LINK =
  /(?:^|\s)(?:stylesheet|icon|preload|modulepreload|apple-touch-icon(?:-precomposed)?|mask-icon)(?:\s|$)/i;

/**
 * The URL-holding attribute values of `tag` in `html` (the latin1 decoding of the page). Elements fetched with CORS
 * (`crossorigin`, `integrity`, `<script type=module>`) give none unless CORS mode is on: moved to another origin,
 * they would fail without its CORS fields.
 */
export function urlSlotsOf(
  tag: SaxStartTag,
  html: string,
  config: Pick<ResolvedAssetHosts, 'attributes' | 'cors'>,
): UrlSlot[] {
  // With source locations on, the tokenizer records each attribute's range (parse5's LocationWithAttributes).
  const locations = (tag.sourceCodeLocation as AttributeLocations | undefined)?.attrs;
  if (locations === undefined || tag.attrs.length === 0 || NAVIGATIONS.has(tag.tagName)) return [];
  if (!config.cors && isCorsFetch(tag)) return [];
  const own = ELEMENT_ATTRIBUTES[tag.tagName];
  const slots: UrlSlot[] = [];
  for (const attr of tag.attrs) {
    const name = attr.prefix ? `${attr.prefix}:${attr.name}` : attr.name;
    const kind = own?.[name] ?? config.attributes.get(name) ?? (name === 'style' ? 'css' : undefined);
    if (kind === undefined) continue;
    if (tag.tagName === 'link' && name === 'href' && !SUBRESOURCE_LINK.test(valueOf(tag, 'rel') ?? ''))
      continue;
    const location = locations[name];
    const value = location && valueRange(html, location.startOffset, location.endOffset);
    if (value === undefined) continue;
    if (kind === 'url') slots.push({ ...value, kind });
    else slots.push({ ...value, kind: 'list', ranges: kind === 'srcset' ? srcsetUrls : cssUrls });
  }
  return slots;
}

function valueOf(tag: SaxStartTag, name: string): string | undefined {
  return tag.attrs.find((attr) => attr.name === name && !attr.prefix)?.value;
}

/** Whether the element is fetched in CORS mode (or checked against a hash that a CORS fetch must deliver). */
function isCorsFetch(tag: SaxStartTag): boolean {
  if (tag.attrs.some((attr) => attr.name === 'crossorigin' || attr.name === 'integrity')) return true;
  return tag.tagName === 'script' && valueOf(tag, 'type')?.trim().toLowerCase() === 'module';
}

/**
 * The bytes of an attribute's value inside its source range `name = "value"` (quotes excluded); undefined for an
 * attribute without a value.
 */
export function valueRange(
  html: string,
  start: number,
  end: number,
): { start: number; end: number } | undefined {
  const raw = html.slice(start, end);
  const equals = /^[^\s=]+\s*=\s*/.exec(raw) ?? /^=[^\s=]*\s*=\s*/.exec(raw);
  if (equals === null) return undefined;
  const valueStart = start + equals[0].length;
  const quote = html[valueStart];
  if (quote === '"' || quote === "'")
    return { start: valueStart + 1, end: html[end - 1] === quote ? end - 1 : end };
  return { start: valueStart, end };
}
