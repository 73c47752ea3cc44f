// Builds the response for one located file, SSI page or static file, together with what a cache needs to
// reuse it: the stamps of every file it rested on and the request headers it read.

import type { Context } from 'koa';
import { RecordingFileSource } from '../engine/caching-file-source';
import { Diagnostic } from '../engine/diagnostics';
import { GraphDependency } from '../engine/dependency-graph';
import { FileSource } from '../engine/file-source';
import { renderPage } from '../engine/render';
import { headerValue, RenderRequest } from '../engine/render-request';
import { isSsiPath, ResolvedRenderOptions } from '../engine/render-options';
import { applyCdnHeaders, CdnSettings } from './cdn-headers';
import { isCompressible } from './content-coding';
import { CachedVariant } from './page-cache';
import { PageCachePolicy, pageRepresentation } from './page-representation';
import { Representation } from './representation';
import { changedAtOf, dateRepresentation, variantOf } from './representation-dating';
import { RepresentationSet } from './representation-set';
import { staticRepresentation } from './static-representation';

/** What building needs besides the request. */
export interface ResponseBuilderSettings {
  renderOptions: ResolvedRenderOptions;
  policy: PageCachePolicy;
  staticCacheControl: string;
  cdn: CdnSettings;
  onDiagnostic: ((diagnostic: Diagnostic, ctx: Context) => void) | undefined;
}

/** A built response; `cacheable` is false when it read the client or the clock, or a file changed mid-build. */
export interface BuiltResponse {
  variant: CachedVariant;
  cacheable: boolean;
  /** Every file the response rested on, missing ones included, for the dependency graph. */
  dependencies: GraphDependency[];
}

/**
 * Renders the SSI page (or reads the static file) at `path` through `source` (a recording view when caching);
 * undefined when the file turned out not to be there.
 */
export async function buildResponse(
  ctx: Context,
  located: { path: string; query: string | undefined },
  source: FileSource,
  settings: ResponseBuilderSettings,
  now: number,
): Promise<BuiltResponse | undefined> {
  const { renderOptions } = settings;
  const options = source === renderOptions.source ? renderOptions : { ...renderOptions, source };
  const recording = source instanceof RecordingFileSource ? source : undefined;
  let built: Built | undefined;
  let readConsistently = true;
  for (let attempt = 1; ; attempt++) {
    built = isSsiPath(renderOptions, located.path)
      ? await buildPage(ctx, located.path, located.query, options, settings, now)
      : await buildStatic(located.path, source, settings, now);
    // A file that changed while the page was read could pair its new bytes with older ones of another file:
    // render again from the current state (a few times at most; a page under constant change is not cached).
    readConsistently = !built || !recording || (await recording.isUnchangedNow());
    if (readConsistently || attempt >= MAX_RENDER_ATTEMPTS) break;
    recording?.renew();
  }
  if (!built) return undefined;
  // In the first second after a docroot switch responses go without Last-Modified: none of them is kept.
  const settled = now >= (settings.policy.lastModifiedFloor ?? 0);
  const headers = built.headers.map(
    (name) => [name.toLowerCase(), headerValue(ctx.req.headers, name)] as const,
  );
  const computed = built.identity.lastModified;
  // Only bytes that go out as they are get dated: the ledger must not remember a render that is not sent.
  const recorded =
    !readConsistently ||
    (await dateRepresentation(
      built.identity,
      settings.policy.ledger,
      {
        page: located.path,
        variant: variantOf(headers, built.readTarget ? (located.query ?? '') : undefined),
        changedAt: changedAtOf(recording, built.dependencyTimes, now),
      },
      now,
    ));
  // New bytes within the second of the newest date sent go without Last-Modified: not kept, so the next request,
  // a second later, gets one.
  const dated = computed === undefined || built.identity.lastModified !== undefined;
  // A dating made without the ledger's store (Redis down) serves this request only: the next one asks again.
  const cacheable =
    settled &&
    dated &&
    recorded &&
    built.cacheable &&
    readConsistently &&
    recording !== undefined &&
    recording.isCacheable;
  const representations = new RepresentationSet(
    built.identity,
    built.compressible,
    strongAfter(built.newestChange, built.identity),
  );
  const variant: CachedVariant = {
    headers,
    stamps: recording ? [...recording.stamps] : [],
    representations: readConsistently ? representations : unsettled(representations),
    checkedAt: now,
  };
  return { variant, cacheable, dependencies: built.dependencies };
}

/** Renders of one response before giving up on a consistent read of a page whose files keep changing. */
const MAX_RENDER_ATTEMPTS = 4;

/**
 * The form of a response whose files changed during every attempt: each file appears in one version only (the
 * recording view reads a path once per render), but versions of different files may never have coexisted on disk.
 * It is sent, since the page exists and any of its versions is as good as Apache's single read, but as a
 * one-off: `no-store` (RFC 9111 §5.2.2.5) so neither a browser nor a CDN keeps it, no ETag and no Last-Modified so
 * no 304 can ever confirm it (RFC 9110 §13.1), identity only, and without Surrogate-Control or CDN-Cache-Control,
 * which a CDN would obey over Cache-Control. A 503 was weighed and refused: a page with a live fragment would then
 * be unavailable for as long as it is written to, and CDNs cache 5xx answers (CloudFront for 10 s by default).
 */
function unsettled(set: RepresentationSet): RepresentationSet {
  const identity: Representation = {
    ...set.identity,
    etag: undefined,
    lastModified: undefined,
    lastModifiedIsStrong: false,
    cacheControl: 'no-store',
    vary: undefined,
    cdnHeaders: set.identity.cdnHeaders?.filter(([name]) => !CDN_CACHE_FIELDS.has(name.toLowerCase())),
  };
  return new RepresentationSet(identity, false, Infinity);
}

/** Fields through which a CDN takes its caching orders instead of Cache-Control. */
const CDN_CACHE_FIELDS = new Set(['surrogate-control', 'cdn-cache-control']);

interface Built {
  /** The uncompressed representation, dated by its files until the ledger dates it. */
  identity: Representation;
  compressible: boolean;
  /** The newest mtime it rests on (a docroot switch included): its Last-Modified is strong a second after. */
  newestChange: number;
  /** The mtimes of what it rests on, a missing file's folder included (see changedAtOf). */
  dependencyTimes: number[];
  /** Whether the bytes depend on the query string. */
  readTarget: boolean;
  headers: string[];
  cacheable: boolean;
  dependencies: GraphDependency[];
}

async function buildPage(
  ctx: Context,
  path: string,
  query: string | undefined,
  options: ResolvedRenderOptions,
  settings: ResponseBuilderSettings,
  now: number,
): Promise<Built | undefined> {
  const request = renderRequestFor(ctx, path, query, now);
  const result = await renderPage(request, options);
  if (result.status !== 'ok') return undefined;
  if (settings.onDiagnostic)
    for (const diagnostic of result.diagnostics) settings.onDiagnostic(diagnostic, ctx);
  const representation = pageRepresentation(request, result, settings.policy, now);
  // README "Behind a CDN": a tag per dependency, missing ones included (their appearance changes the page).
  const tagProblem = applyCdnHeaders(
    representation,
    [path, ...result.dependencies.map((d) => d.path)],
    settings.cdn,
  );
  if (tagProblem && settings.onDiagnostic) settings.onDiagnostic(tagProblem, ctx);
  const dependencyTimes = result.dependencies.map((dependency) => dependency.mtimeMs);
  const { requestDependence } = result;
  return {
    identity: representation,
    compressible: compressible(representation.body, representation.contentType, settings),
    newestChange: dependencyTimes.reduce((newest, time) => Math.max(newest, time), 0),
    dependencyTimes,
    readTarget: requestDependence.target,
    headers: requestDependence.headers,
    // Output that read the client or the clock differs from one request to the next: never reuse it.
    cacheable: !requestDependence.client && !requestDependence.time,
    dependencies: result.dependencies.map(({ path: file, exists }) => ({ path: file, exists })),
  };
}

async function buildStatic(
  path: string,
  source: FileSource,
  settings: ResponseBuilderSettings,
  now: number,
): Promise<Built | undefined> {
  const content = await source.read(path);
  if (content.status !== 'found') return undefined;
  // The docroot's switch to this release is a dependency too: a rolled-back file is dated no earlier than it.
  const floor = settings.policy.lastModifiedFloor ?? 0;
  const representation = staticRepresentation(
    path,
    content.bytes,
    content.info,
    settings.staticCacheControl,
    now,
    floor,
  );
  applyStaticPolicy(representation, path, settings);
  const isCoded = compressible(content.bytes, representation.contentType, settings);
  // RFC 9110 §12.5.5: Vary names Accept-Encoding on every form, identity included.
  if (isCoded) representation.vary = 'Accept-Encoding';
  return {
    identity: representation,
    compressible: isCoded,
    newestChange: Math.max(content.info.mtimeMs, floor),
    dependencyTimes: [content.info.mtimeMs],
    readTarget: false,
    headers: [],
    cacheable: true,
    dependencies: [{ path, exists: true }],
  };
}

/** The cache rule matching a static file (else `staticCacheControl`), and its purge tag. */
export function applyStaticPolicy(
  representation: Representation,
  path: string,
  settings: ResponseBuilderSettings,
): void {
  const rule = settings.policy.rules?.select(path, representation.contentType);
  if (rule) Object.assign(representation, { cacheControl: rule.cacheControl, cdnHeaders: rule.cdnHeaders });
  applyCdnHeaders(representation, [path], settings.cdn);
}

function compressible(
  body: Buffer,
  contentType: string | undefined,
  settings: ResponseBuilderSettings,
): boolean {
  const { compressionThreshold: threshold, maxCompressBytes } = settings.policy;
  return threshold !== undefined && isCompressible(contentType, body.length, threshold, maxCompressBytes);
}

/**
 * RFC 9110 §8.8.2.2: a Last-Modified is strong once a second has passed since it and since every change it covers;
 * never while some earlier date could still stand for other bytes (see dateRepresentation).
 */
function strongAfter(newestMtimeMs: number, representation: Representation): number {
  const { lastModified, notModifiedSince } = representation;
  if (lastModified !== undefined && notModifiedSince !== undefined && notModifiedSince > lastModified)
    return Infinity;
  return Math.max(newestMtimeMs, lastModified ?? 0) + 1000;
}

function renderRequestFor(ctx: Context, path: string, query: string | undefined, now: number): RenderRequest {
  const socket = ctx.req.socket;
  return {
    path,
    query,
    method: ctx.method,
    headers: ctx.req.headers,
    target: ctx.req.url,
    remoteAddress: socket.remoteAddress,
    remotePort: socket.remotePort,
    serverAddress: socket.localAddress,
    serverPort: socket.localPort,
    scheme: ctx.protocol,
    protocol: `HTTP/${ctx.req.httpVersion}`,
    time: now,
  };
}
