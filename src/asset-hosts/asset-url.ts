// What one URL reference in a page becomes: resolved against the page's base URL, and if it names one of the
// site's assets, the same reference on its asset host. Pure: no I/O.

import { assetHostFor } from './asset-assignment';
import { isAssetPath, type ResolvedAssetHosts } from './asset-host-options';

/** The origin a page's URLs are resolved against when the configuration names none. */
const PLACEHOLDER_ORIGIN = 'http://origin.invalid';

const NON_ASCII = /[\x80-\xff]/g;

/** A URL reference moved to an asset host: its new text and the host. */
export interface MovedReference {
  readonly text: string;
  readonly host: string;
}

/** The base URL of a page at `pagePath` before any `<base href>`: the page's own URL on the site's origin. */
export function pageBaseOf(pagePath: string, config: ResolvedAssetHosts): URL {
  return new URL(pagePath, config.origin ?? PLACEHOLDER_ORIGIN);
}

/** The base a `<base href>` value sets (HTML §4.2.3: resolved against the page's URL); undefined when invalid. */
export function baseFrom(href: string, pageBase: URL): URL | undefined {
  try {
    return new URL(href.trim(), pageBase);
  } catch {
    return undefined;
  }
}

/**
 * The reference `text` moved to its asset host, or undefined to leave it: it is not the site's own (another origin,
 * `data:`, a fragment), not under the asset paths, or holds a character reference (its bytes are not its value). A
 * path-absolute reference keeps its bytes behind the inserted origin; another keeps its query and fragment bytes.
 */
export function movedReference(
  text: string,
  base: URL,
  siteOrigin: string,
  config: ResolvedAssetHosts,
): MovedReference | undefined {
  if (text === '' || text.includes('&') || text.startsWith('#')) return undefined;
  let resolved: URL;
  try {
    // Bytes above 0x7F (one character each in the latin1 decoding) are percent-encoded as themselves: the path a
    // browser requests for a UTF-8 page, so the assignment key is the same for every tool.
    resolved = new URL(
      text.replace(NON_ASCII, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`),
      base,
    );
  } catch {
    return undefined;
  }
  if (resolved.origin !== siteOrigin || !isAssetPath(resolved.pathname, config)) return undefined;
  const host = assetHostFor(resolved.pathname, config.hosts);
  if (host === undefined) return undefined;
  if (text.startsWith('/') && !text.startsWith('//')) return { text: host.origin + text, host: host.origin };
  const tail = text.search(/[?#]/);
  return { text: host.origin + resolved.pathname + (tail < 0 ? '' : text.slice(tail)), host: host.origin };
}
