// The Koa middleware: serves a docroot, expanding SSI pages and serving other files, with exact conditional requests.

import type { Context, Middleware, Next } from 'koa';
import { Diagnostic } from '../engine/diagnostics';
import { FileSource } from '../engine/file-source';
import { NodeFileSource } from '../engine/node-file-source';
import { renderPage } from '../engine/render';
import { RenderRequest } from '../engine/render-request';
import { isSsiPath, RenderOptions, ResolvedRenderOptions, resolveRenderOptions } from '../engine/render-options';
import { ValidatorHistory } from '../engine/validator-history';
import { DEFAULT_CACHE_CONTROL, validateCacheControl } from './cache-headers';
import { pageRepresentation } from './page-representation';
import { Representation, sendRepresentation } from './representation';
import { locateResource } from './resource-locator';
import { staticRepresentation } from './static-representation';

/** Options of the `ssi()` middleware: the engine's RenderOptions plus where the files are and how to cache. */
export interface SsiOptions extends Omit<RenderOptions, 'source'> {
  /** The docroot folder. Either `root` or `source` is required. */
  root?: string;
  /** Where files are read from, instead of `root` (e.g. a MemoryFileSource in tests). */
  source?: FileSource;
  /** Cache-Control of SSI pages that depend only on files. @default 'public, max-age=0' */
  cacheControl?: string;
  /** Cache-Control of static files. @default 'public, max-age=0' */
  staticCacheControl?: string;
  /**
   * Remember each page's last ETag and Last-Modified, so Last-Modified moves forward when a fragment is replaced by
   * an older file. @default true
   */
  rememberValidators?: boolean;
  /** Called for every problem found inside a page (the page is still served). @default ignore */
  onDiagnostic?: (diagnostic: Diagnostic, ctx: Context) => void;
}

const ALLOWED_METHODS = 'GET, HEAD';

/**
 * Serves SSI pages and static files from a docroot; requests for files that do not exist go on to `next`.
 *
 * @example
 * import Koa from 'koa';
 * import { ssi } from 'cdn-include';
 * new Koa().use(ssi({ root: 'public' })).listen(8080);
 */
export function ssi(options: SsiOptions): Middleware {
  const { renderOptions, cacheControl, staticCacheControl, history, onDiagnostic } = resolveSsiOptions(options);
  return async function ssiMiddleware(ctx: Context, next: Next): Promise<void> {
    const located = await locateResource(renderOptions, ctx.req.url ?? '/');
    if (located.kind === 'refused') return refuse(ctx, located.status);
    if (located.kind === 'missing') return next();
    if (located.kind === 'redirect') {
      ctx.status = 301;
      ctx.set('Location', located.location);
      ctx.set('Cache-Control', cacheControl);
      return;
    }
    // SPEC B.3 [DECIDED]: pages are served for GET and HEAD only; preconditions are not evaluated for others.
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.set('Allow', ALLOWED_METHODS);
      return refuse(ctx, 405);
    }
    const now = Date.now();
    const representation = isSsiPath(renderOptions, located.path)
      ? await renderRepresentation(ctx, located.path, located.query, now)
      : await staticFile(located.path, now);
    if (!representation) return next();
    sendRepresentation(ctx, representation, now);
  };

  async function renderRepresentation(ctx: Context, path: string, query: string | undefined, now: number) {
    const request = renderRequestFor(ctx, path, query, now);
    const result = await renderPage(request, renderOptions);
    if (result.status !== 'ok') return undefined;
    if (onDiagnostic) for (const diagnostic of result.diagnostics) onDiagnostic(diagnostic, ctx);
    return pageRepresentation(request, result, { cacheControl, history }, now);
  }

  async function staticFile(path: string, now: number): Promise<Representation | undefined> {
    const content = await renderOptions.source.read(path);
    if (content.status !== 'found') return undefined;
    return staticRepresentation(path, content.bytes, content.info, staticCacheControl, now);
  }
}

function resolveSsiOptions(options: SsiOptions) {
  if (!options || (options.root === undefined && options.source === undefined)) {
    throw new TypeError("ssi(): option 'root' (a folder) or 'source' (a FileSource) is required");
  }
  if (options.root !== undefined && typeof options.root !== 'string') throw new TypeError("ssi(): option 'root' must be a string");
  const source = options.source ?? new NodeFileSource(options.root as string);
  const documentRoot = options.documentRoot ?? (source instanceof NodeFileSource ? source.root : '/');
  const renderOptions: ResolvedRenderOptions = resolveRenderOptions({ ...options, source, documentRoot });
  return {
    renderOptions,
    cacheControl: validateCacheControl(options.cacheControl ?? DEFAULT_CACHE_CONTROL, 'cacheControl'),
    staticCacheControl: validateCacheControl(options.staticCacheControl ?? DEFAULT_CACHE_CONTROL, 'staticCacheControl'),
    history: options.rememberValidators === false ? undefined : new ValidatorHistory(),
    onDiagnostic: options.onDiagnostic,
  };
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

const REASONS: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed' };

/** A short plain answer for a refused request: never a stack trace, never the file. */
function refuse(ctx: Context, status: number): void {
  ctx.status = status;
  ctx.set('Cache-Control', 'no-store');
  ctx.type = 'text/plain';
  ctx.body = `${status} ${REASONS[status] ?? ''}\n`;
}
