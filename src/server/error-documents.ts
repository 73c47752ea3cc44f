// Error documents (Apache's ErrorDocument with a local URL-path): a docroot page sent as the body of an error
// answer, rendered by the SSI engine with the REDIRECT_* variables, keeping the error's status and never a validator.

import type { Context } from 'koa';
import { type Diagnostic } from '../engine/diagnostics';
import { renderPage } from '../engine/render';
import { isSsiPath, type ResolvedRenderOptions } from '../engine/render-options';
import { type RedirectedRequest } from '../engine/render-request';
import { contentTypeOf } from './caching-fields';
import { parseRequestPath } from './request-path';
import { injectIntoHtml, isHtmlType } from './html-injection';
import { locateResource } from './resource-locator';
import { type ErrorDocumentSettings } from './error-document-settings';
import { renderRequestFor } from './response-builder';

/**
 * Cache-Control of an error answer no cache rule names: a 404 kept by a CDN would hide a page published after it
 * (and is sent without purge tags), so nothing stores it unless a rule says so.
 */
export const DEFAULT_ERROR_CACHE_CONTROL = 'no-store';

/** Fields that describe a file's representation, never an error document's. */
const REPRESENTATION_FIELDS = [
  'ETag',
  'Last-Modified',
  'Content-Encoding',
  'Content-Range',
  'Accept-Ranges',
] as const;

/**
 * Answers `ctx` with `status` and the error document configured for it; false (nothing sent) when there is none,
 * or when it cannot be sent, which `onProblem` is told: the caller then sends its plain answer. The document is
 * read directly, never dispatched as a request, so an error document that is itself missing cannot loop.
 */
export async function sendErrorDocument(
  ctx: Context,
  status: number,
  settings: ErrorDocumentSettings,
  renderOptions: ResolvedRenderOptions,
  onProblem: (diagnostic: Diagnostic) => void,
  htmlInjection?: Buffer,
): Promise<boolean> {
  const documentPath = settings.documents.get(status);
  if (documentPath === undefined) return false;
  const located = await locateResource(renderOptions, documentPath);
  const body =
    located.kind === 'file'
      ? await documentBody(ctx, located.path, redirectedRequest(ctx, status), renderOptions, onProblem)
      : undefined;
  if (body === undefined) {
    onProblem(unavailable(documentPath, status));
    return false;
  }
  const path = located.kind === 'file' ? located.path : documentPath;
  const contentType = contentTypeOf(isSsiPath(renderOptions, path) ? 'page' : 'static', path);
  // Nothing set for the response that failed (an ETag, a Last-Modified) may describe the error document: Apache
  // sets no_local_copy, so no precondition can ever answer 304 or 412 for an error.
  // Fields the app set before (security headers, Vary: Origin) stay.
  for (const name of REPRESENTATION_FIELDS) ctx.remove(name);
  ctx.status = status;
  // A development mode's markup (the live-reload client) goes into an HTML error page as into any page: bytes no
  // cache may keep and no CDN take orders for (html-injection.ts, injectedFields).
  const injected = htmlInjection !== undefined && isHtmlType(contentType);
  const directives = injected ? undefined : settings.policy?.select(documentPath, contentType);
  ctx.set('Cache-Control', directives?.cacheControl ?? DEFAULT_ERROR_CACHE_CONTROL);
  for (const [name, value] of directives?.cdnHeaders ?? []) ctx.set(name, value);
  // Set as it is, as for pages (Koa's ctx.type would add a charset the page never declared).
  if (contentType) ctx.set('Content-Type', contentType);
  ctx.body = injected ? injectIntoHtml(body, htmlInjection) : body;
  return true;
}

/** The rendered page, or the file's bytes; undefined when it is not there. */
async function documentBody(
  ctx: Context,
  path: string,
  redirect: RedirectedRequest,
  options: ResolvedRenderOptions,
  onProblem: (diagnostic: Diagnostic) => void,
): Promise<Buffer | undefined> {
  if (!isSsiPath(options, path)) {
    const content = await options.source.read(path);
    return content.status === 'found' ? content.bytes : undefined;
  }
  // Apache redirects internally with GET and no query: QUERY_STRING is empty, REQUEST_URI stays the original.
  const request = { ...renderRequestFor(ctx, path, undefined, Date.now()), method: 'GET', redirect };
  const result = await renderPage(request, options);
  if (result.status !== 'ok') return undefined;
  for (const diagnostic of result.diagnostics) onProblem(diagnostic);
  return result.body;
}

function redirectedRequest(ctx: Context, status: number): RedirectedRequest {
  const target = ctx.req.url ?? '/';
  const parsed = parseRequestPath(target);
  const query = target.indexOf('?');
  return {
    status,
    url: parsed.ok ? parsed.path : query < 0 ? target : target.slice(0, query),
    query: query < 0 ? undefined : target.slice(query + 1),
    method: ctx.method,
  };
}

function unavailable(documentPath: string, status: number): Diagnostic {
  return {
    code: 'error-document-unavailable',
    severity: 'error',
    message: `the error document for ${status} cannot be sent (missing, forbidden or a folder): the plain answer went out`,
    file: documentPath,
    // Not a problem at a line of a page: the document could not be read at all.
    line: 0,
    includeChain: [documentPath],
  };
}
