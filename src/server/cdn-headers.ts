// The CDN-facing fields of one response (README "Behind a CDN"): purge tags for every file it rested on, and the
// fallback when they do not fit. Pure: returns a diagnostic for the caller to log; sets no header itself.

import { Diagnostic } from '../engine/diagnostics';
import { sharedUncacheable } from './cache-headers';
import { MAX_TAG_HEADER_BYTES, PurgeTagOptions, purgeTagsFor } from './purge-tags';
import { Representation } from './representation';

/** How responses are tagged for CDN purges; `tags` undefined sends no tag headers. */
export interface CdnSettings {
  tags: PurgeTagOptions | undefined;
}

/**
 * Adds the tag headers of a response resting on `paths` (its own path first) to `representation`. When file tags
 * would exceed the header limit, folder tags are sent and a `purge-tags-coarsened` warning is returned; when even
 * those do not fit, no tag header is sent, Cache-Control is made `private` so no shared cache keeps a copy that
 * could not be purged, and a `purge-tags-dropped` error is returned.
 *
 * @example
 * const diagnostic = applyCdnHeaders(representation, ['/index.shtml', '/inc/nav.html'], settings);
 */
export function applyCdnHeaders(
  representation: Representation,
  paths: readonly string[],
  settings: CdnSettings,
): Diagnostic | undefined {
  if (settings.tags === undefined) return undefined;
  const tagged = purgeTagsFor(paths, settings.tags);
  representation.cdnHeaders = [...(representation.cdnHeaders ?? []), ...tagged.headers];
  if (tagged.level === 'file') return undefined;
  const limit = settings.tags.maxHeaderBytes ?? MAX_TAG_HEADER_BYTES;
  if (tagged.level === 'directory') {
    return diagnosticFor(
      'purge-tags-coarsened',
      'warning',
      paths,
      `${paths.length} file tags exceed ${limit} bytes; sent one tag per folder instead (purge a fragment's folder tag)`,
    );
  }
  representation.cacheControl = sharedUncacheable(representation.cacheControl);
  // Surrogate-Control and CDN-Cache-Control would override the private Cache-Control at the CDN: drop them too.
  representation.cdnHeaders = [];
  return diagnosticFor(
    'purge-tags-dropped',
    'error',
    paths,
    `even folder tags exceed ${limit} bytes; no tag header sent and the response made private (uncacheable by CDNs)`,
  );
}

function diagnosticFor(
  code: 'purge-tags-coarsened' | 'purge-tags-dropped',
  severity: 'warning' | 'error',
  paths: readonly string[],
  message: string,
): Diagnostic {
  // Line 0: the problem is the response's dependency set, not a directive.
  return { code, severity, message, file: paths[0] ?? '/', line: 0, includeChain: paths.slice(0, 1) };
}
