// Builds the response for one located file, SSI page or static file, together with what a cache needs to
// reuse it: the stamps of every file it rested on and the request headers it read.

import type { Context } from 'koa';
import { type ResolvedAssetHosts } from '../asset-hosts/asset-host-options';
import { pageWithAssetHosts } from '../asset-hosts/page-assets';
import { cssFileWithAssetHosts, isCssType } from '../asset-hosts/css-rewriter';
import { RecordingFileSource } from '../engine/caching-file-source';
import { bodyHashes } from '../engine/body-digests';
import { type Diagnostic } from '../engine/diagnostics';
import { type GraphDependency } from '../engine/dependency-graph';
import { type FileSource } from '../engine/file-source';
import { renderPage } from '../engine/render';
import { headerValue, type RenderRequest } from '../engine/render-request';
import { isSsiPath, type ResolvedRenderOptions, withSource } from '../engine/render-options';
import { type ValidatorLedger } from '../engine/validator-ledger';
import {
  type CachingFields,
  cachingFieldsFor,
  type CachingSettings,
  contentTypeOf,
  unsettledFields,
} from './caching-fields';
import { type CdnSettings } from './cdn-headers';
import { injectedFields, injectIntoHtml, isHtmlType } from './html-injection';
import { type CachedVariant } from './page-cache';
import { type Representation, representationOf } from './representation';
import { changedAtOf, dateRepresentation, variantOf } from './representation-dating';
import { RepresentationSet } from './representation-set';

/** What building needs besides the request. */
export interface ResponseBuilderSettings {
  renderOptions: ResolvedRenderOptions;
  /** What the caching fields follow (see cachingFieldsFor). */
  caching: CachingSettings;
  /** Dates every representation so a Last-Modified never vouches for other bytes; undefined to date by files only. */
  ledger: ValidatorLedger | undefined;
  cdn: CdnSettings;
  onDiagnostic: ((diagnostic: Diagnostic, ctx: Context) => void) | undefined;
  /** Markup put into every HTML response built in memory (see withInjection); undefined for none. @default undefined */
  htmlInjection?: Buffer;
  /** Asset hosts the URLs of HTML pages move to, at render time; undefined for none. @default undefined */
  assetHosts?: ResolvedAssetHosts;
}

/** A built response; `cacheable` is false when it read the client or the clock, or a file changed mid-build. */
export interface BuiltResponse {
  variant: CachedVariant;
  cacheable: boolean;
  /**
   * Whether the bytes were made for this request: they read the client or the clock, or the request-target
   * (REQUEST_URI, QUERY_STRING and the like). Request headers a page read are not counted: they make variants.
   */
  requestDependent: boolean;
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
  // withSource keeps the options resolved: a spread copy would be checked and resolved again by every render.
  const options = source === renderOptions.source ? renderOptions : withSource(renderOptions, source);
  const recording = source instanceof RecordingFileSource ? source : undefined;
  let built: Built | undefined;
  let readConsistently: boolean;
  for (let attempt = 1; ; attempt++) {
    built = isSsiPath(renderOptions, located.path)
      ? await buildPage(ctx, located.path, located.query, options, settings, now)
      : await buildStatic(located.path, source, settings, now);
    // A file that changed while the page was read could pair its new bytes with older ones of another file:
    // render again from the current state (a few times at most; a page under constant change is not cached).
    readConsistently = !built || !recording || (await recording.isConsistent());
    if (readConsistently || attempt >= MAX_RENDER_ATTEMPTS) break;
    recording?.renew();
  }
  if (!built) return undefined;
  if (settings.htmlInjection) built = withInjection(built, settings.htmlInjection);
  // In the first second after a docroot switch responses go without Last-Modified: none of them is kept.
  const settled = now >= (settings.caching.lastModifiedFloor ?? 0);
  const headers = built.headers.map(
    (name) => [name.toLowerCase(), headerValue(ctx.req.headers, name)] as const,
  );
  // Only bytes that go out as they are get dated: the ledger must not remember a render that is not sent.
  const { representation: identity, recorded } = readConsistently
    ? await dateRepresentation(
        built.identity,
        settings.ledger,
        {
          page: located.path,
          variant: variantOf(headers, built.readTarget ? (located.query ?? '') : undefined),
          changedAt: changedAtOf(recording, built.dependencyTimes, now),
        },
        now,
      )
    : { representation: built.identity, recorded: true };
  // New bytes within the second of the newest date sent go without Last-Modified: not kept, so the next request,
  // a second later, gets one.
  const dated = built.identity.lastModified === undefined || identity.lastModified !== undefined;
  // A dating made without the ledger's store (Redis down) serves this request only: the next one asks again.
  const cacheable =
    settled &&
    dated &&
    recorded &&
    built.cacheable &&
    readConsistently &&
    recording !== undefined &&
    recording.isCacheable;
  const requestDependent = !built.cacheable || built.readTarget;
  const variant: CachedVariant = {
    headers,
    path: located.path,
    sameForEveryRequest: !requestDependent && headers.length === 0,
    stamps: recording ? [...recording.stamps] : [],
    representations: readConsistently
      ? new RepresentationSet(identity, built.fields.compressible)
      : unsettled(built.identity, built.fields),
    checkedAt: now,
    ...(built.preconnect.length > 0 ? { preconnect: built.preconnect } : {}),
  };
  return { variant, cacheable, requestDependent, dependencies: built.dependencies };
}

/** Renders of one response before giving up on a consistent read of a page whose files keep changing. */
const MAX_RENDER_ATTEMPTS = 4;

/**
 * The form of a response whose files changed during every attempt: each file appears in one version only (the
 * recording view reads a path once per render), but versions of different files may never have coexisted on disk.
 * It is sent, since the page exists and any of its versions is as good as Apache's single read, but as a
 * one-off (see unsettledFields): neither a browser nor a CDN keeps it, no ETag and no Last-Modified so no 304 can
 * ever confirm it (RFC 9110 §13.1), identity only. A 503 was weighed and refused: a page with a live fragment would
 * then be unavailable for as long as it is written to, and CDNs cache 5xx answers (CloudFront for 10 s by default).
 */
function unsettled(identity: Representation, fields: CachingFields): RepresentationSet {
  const content = {
    body: identity.body,
    contentType: identity.contentType,
    etag: undefined,
    digests: identity.digests,
  };
  return new RepresentationSet(representationOf(content, unsettledFields(fields)), false);
}

/**
 * A built HTML response with `markup` in its bytes (see injectIntoHtml): its ETag is of the bytes sent, so a 304
 * confirms exactly them, and its caching fields are a development mode's (see injectedFields). Other types are
 * returned as they are.
 */
function withInjection(built: Built, markup: Buffer): Built {
  const { contentType } = built.identity;
  if (!isHtmlType(contentType)) return built;
  const body = injectIntoHtml(built.identity.body, markup);
  const fields = injectedFields(built.fields);
  return {
    ...built,
    identity: representationOf({ body, contentType, ...bodyHashes(body) }, fields),
    fields,
  };
}

interface Built {
  /** The uncompressed representation, dated by its files until the ledger dates it. */
  identity: Representation;
  /** Its caching fields, dated by its files. */
  fields: CachingFields;
  /** The mtimes of what it rests on, a missing file's folder included (see changedAtOf). */
  dependencyTimes: number[];
  /** Whether the bytes depend on the query string. */
  readTarget: boolean;
  headers: string[];
  cacheable: boolean;
  dependencies: GraphDependency[];
  /** `Link` field lines preconnecting to the asset hosts the page references. */
  preconnect: readonly string[];
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
  const contentType = contentTypeOf('page', path);
  // The configuration dates the pages it rewrote: its epoch enters their Last-Modified, its tag their purge tags.
  const page = await pageWithAssetHosts(result, path, contentType, settings.assetHosts);
  if (page.diagnostic && settings.onDiagnostic) settings.onDiagnostic(page.diagnostic, ctx);
  const { body, dependencies } = page;
  const fields = cachingFieldsFor({
    kind: 'page',
    path,
    contentType,
    length: body.length,
    dependence: result.requestDependence,
    dependencies,
    settings: settings.caching,
    tags: settings.cdn.tags,
    now,
  });
  if (fields.tagProblem && settings.onDiagnostic) settings.onDiagnostic(fields.tagProblem, ctx);
  const dependencyTimes = dependencies.map((dependency) => dependency.mtimeMs);
  const { requestDependence } = result;
  return {
    identity: representationOf({ body, contentType, ...bodyHashes(body) }, fields),
    fields,
    dependencyTimes,
    readTarget: requestDependence.target,
    headers: requestDependence.headers,
    // Output that read the client or the clock differs from one request to the next: never reuse it.
    cacheable: !requestDependence.client && !requestDependence.time,
    // The configuration is in the graph too: a reload that changes it purges exactly these pages.
    dependencies: dependencies.map(({ path: file, exists }) => ({ path: file, exists })),
    preconnect: page.preconnect,
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
  // CSS gets the pages' assignment for its url()s; its date is then no older than the configuration's epoch.
  const { assetHosts } = settings;
  const file = { bytes: content.bytes, mtimeMs: content.info.mtimeMs };
  const { body, mtimeMs: datedAt } =
    assetHosts && isCssType(contentTypeOf('static', path))
      ? cssFileWithAssetHosts(file, path, assetHosts)
      : { body: file.bytes, mtimeMs: file.mtimeMs };
  const { contentType, fields } = staticFieldsFor(path, body.length, datedAt, false, settings, now);
  return {
    identity: representationOf({ body, contentType, ...bodyHashes(body) }, fields),
    fields,
    dependencyTimes: [datedAt],
    readTarget: false,
    headers: [],
    cacheable: true,
    dependencies: [{ path, exists: true }],
    preconnect: [],
  };
}

/**
 * The Content-Type and caching fields of the static file at `path` (held in memory, or `streamed` from disk). The
 * docroot's switch to this release is a dependency too: a rolled-back file is dated no earlier than it. The purge
 * tag problem of a static file is not reported: onDiagnostic reports the problems of pages.
 */
export function staticFieldsFor(
  path: string,
  length: number,
  mtimeMs: number,
  streamed: boolean,
  settings: ResponseBuilderSettings,
  now: number,
): { contentType: string | undefined; fields: CachingFields } {
  const contentType = contentTypeOf('static', path);
  const fields = cachingFieldsFor({
    kind: 'static',
    path,
    contentType,
    length,
    streamed,
    dependencies: [{ path, mtimeMs }],
    settings: settings.caching,
    tags: settings.cdn.tags,
    now,
  });
  return { contentType, fields };
}

/** What a page rendered for `ctx` sees of the request (its CGI variables). */
export function renderRequestFor(
  ctx: Context,
  path: string,
  query: string | undefined,
  now: number,
): RenderRequest {
  const socket = ctx.req.socket;
  return {
    path,
    query,
    method: ctx.method,
    headers: ctx.req.headers,
    target: ctx.req.url,
    // Koa's ctx.ip: the peer, or the visitor trusted proxies forwarded (app.proxy, the CLI's --trust-proxy).
    remoteAddress: ctx.request.ip || socket.remoteAddress,
    connectionAddress: socket.remoteAddress,
    remotePort: socket.remotePort,
    serverAddress: socket.localAddress,
    serverPort: socket.localPort,
    scheme: ctx.protocol,
    protocol: `HTTP/${ctx.req.httpVersion}`,
    time: now,
  };
}
