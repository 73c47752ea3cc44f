// The CDN-facing fields of one response (README "Behind a CDN"): purge tags for every file it rested on, and the
// fallback when they do not fit. Pure: returns new fields and a diagnostic for the caller to log; sets no header.

import { type Diagnostic } from '../engine/diagnostics';
import { sharedUncacheable } from './cache-headers';
import { MAX_TAG_HEADER_BYTES, type PurgeTagOptions, purgeTagsFor } from './purge-tags';

/** How responses are tagged for CDN purges; `tags` undefined sends no tag headers. */
export interface CdnSettings {
  tags: PurgeTagOptions | undefined;
}

/** The fields the tags are added to (and that a dropped tag set makes private). */
export interface CdnFields {
  readonly cacheControl: string;
  readonly cdnHeaders: ReadonlyArray<readonly [string, string]> | undefined;
}

/** What cdnFieldsFor returns: the fields with the tags, and what went wrong when they did not fit. */
export interface CdnFieldsResult extends CdnFields {
  readonly diagnostic: Diagnostic | undefined;
}

/**
 * `fields` with the tag headers of a response resting on `paths` (its own path first). When file tags would
 * exceed the header limit, folder tags are sent and a `purge-tags-coarsened` warning is returned; when even those
 * do not fit, no tag header is sent, Cache-Control is made `private` so no shared cache keeps a copy that could not
 * be purged, and a `purge-tags-dropped` error is returned. `fields` itself is left as it is.
 *
 * @example
 * const { cacheControl, cdnHeaders, diagnostic } = cdnFieldsFor(fields, ['/index.shtml', '/inc/nav.html'], settings);
 */
export function cdnFieldsFor(
  fields: CdnFields,
  paths: readonly string[],
  settings: CdnSettings,
): CdnFieldsResult {
  const { cacheControl } = fields;
  if (settings.tags === undefined)
    return { cacheControl, cdnHeaders: fields.cdnHeaders, diagnostic: undefined };
  const tagged = purgeTagsFor(paths, settings.tags);
  const cdnHeaders = [...(fields.cdnHeaders ?? []), ...tagged.headers];
  if (tagged.level === 'file') return { cacheControl, cdnHeaders, diagnostic: undefined };
  const limit = settings.tags.maxHeaderBytes ?? MAX_TAG_HEADER_BYTES;
  if (tagged.level === 'directory') {
    const diagnostic = diagnosticFor(
      'purge-tags-coarsened',
      'warning',
      paths,
      `${paths.length} file tags exceed ${limit} bytes; sent one tag per folder instead (purge a fragment's folder tag)`,
    );
    return { cacheControl, cdnHeaders, diagnostic };
  }
  return {
    cacheControl: sharedUncacheable(cacheControl),
    // Surrogate-Control and CDN-Cache-Control would override the private Cache-Control at the CDN: drop them too.
    cdnHeaders: [],
    diagnostic: diagnosticFor(
      'purge-tags-dropped',
      'error',
      paths,
      `even folder tags exceed ${limit} bytes; no tag header sent and the response made private (uncacheable by CDNs)`,
    ),
  };
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
