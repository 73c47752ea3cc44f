// Renders one SSI page as a plain GET at build time and writes it with its virtual Last-Modified as mtime.
// Knows nothing of staleness or of other pages; the manifest record it returns carries what the next build needs.

import { type ResolvedAssetHosts } from '../asset-hosts/asset-host-options';
import { pageWithAssetHosts } from '../asset-hosts/page-assets';
import { pageContentType } from '../engine/page-type';
import { renderPage } from '../engine/render';
import { type ResolvedRenderOptions, withSource } from '../engine/render-options';
import { floorToSecond, virtualLastModified } from '../engine/validators';
import { nextLastModified, type ValidatorRecord } from '../engine/validator-history';
import { type OutputFs } from './output-fs';
import { fileDigest } from './digest-manifest';
import { httpDate, type PageRecord } from './manifest';
import { ReadRecorder, recordedDependency } from './racy-digests';

/** A page rendered and written, or why not. */
export type PageWriteResult = { ok: true; record: PageRecord } | { ok: false; message: string };

/** The build options a page's render and write depend on (those of ResolvedBuildOptions): no lister, no manifest. */
export interface PageWriteOptions {
  render: ResolvedRenderOptions;
  output: OutputFs;
  now: number;
  stampTime: number;
  assetHosts: ResolvedAssetHosts | undefined;
}

/**
 * Renders and writes one page given its previous record: writePage in this thread, or a render worker's
 * (render-pool.ts). It resolves with a failure rather than rejecting for problems of the page itself.
 */
export type PageWriter = (path: string, previous: PageRecord | undefined) => Promise<PageWriteResult>;

/**
 * Renders the page at `path` (no query, no request headers, `time` = build start) and writes the bytes under
 * the same path, so links between pages keep working. The output's mtime is the page's Last-Modified: the newest
 * dependency mtime, or the build start when the bytes changed without any newer mtime (README "Caching semantics").
 *
 * @example
 * const result = await writePage('/index.shtml', manifest.pages['/index.shtml'], options);
 */
export async function writePage(
  path: string,
  previous: PageRecord | undefined,
  options: PageWriteOptions,
): Promise<PageWriteResult> {
  const reads = new ReadRecorder(options.render.source);
  const result = await renderPage({ path, time: options.now }, withSource(options.render, reads));
  if (result.status !== 'ok') return { ok: false, message: RENDER_FAILURES[result.status] };
  // Exactly as `serve` sends it (same bytes from both); the configuration's epoch dates the pages it rewrote.
  const page = await pageWithAssetHosts(result, path, pageContentType(path), options.assetHosts);
  const { body } = page;
  const { etag, sha256 } = fileDigest(body);
  const computed = virtualLastModified(page.dependencies, options.now);
  const stamped = nextLastModified(
    previousValidators(previous),
    etag,
    computed,
    floorToSecond(options.stampTime),
  );
  // Undefined: the bytes changed within the second of the previous Last-Modified. No later date is honest yet,
  // so the file keeps that date and the next build stamps it again.
  const lastModifiedMs = stamped ?? previous?.lastModifiedMs ?? computed;
  const output = await options.output.write(path, body, lastModifiedMs);
  const record: PageRecord = {
    etag,
    lastModified: httpDate(lastModifiedMs),
    lastModifiedMs,
    ...(stamped === undefined ? { lastModifiedPending: true } : {}),
    output,
    sha256,
    // The next build judges racy stamps against this build's start as its manifest states it: a whole second.
    dependencies: result.dependencies.map((dependency) =>
      recordedDependency(dependency, reads, floorToSecond(options.now)),
    ),
    requestDependence: result.requestDependence,
    diagnostics: page.diagnostic ? [...result.diagnostics, page.diagnostic] : result.diagnostics,
  };
  return { ok: true, record };
}

/**
 * The validators the previous build wrote. A pending record's bytes never got an honest date, so its tag is
 * withheld: then new bytes or not, the page is stamped with the build start as soon as that is later.
 */
function previousValidators(previous: PageRecord | undefined): ValidatorRecord | undefined {
  if (!previous) return undefined;
  return { etag: previous.lastModifiedPending ? '' : previous.etag, lastModified: previous.lastModifiedMs };
}

const RENDER_FAILURES = {
  missing: 'the page disappeared during the build',
  forbidden: 'the page may not be served (a symlink out of the docroot?)',
  directory: 'the page is a directory',
} as const;
