// Renders one SSI page: reads it, expands it, and returns the bytes with everything they depended on.

import { addRequestVariables } from './cgi-variables';
import { type Dependency } from './dependency-set';
import { type Diagnostic } from './diagnostics';
import { createFrame } from './document-frame';
import { expandDocument } from './expander';
import { type RenderRequest } from './render-request';
import {
  isResolvedRenderOptions,
  type RenderOptions,
  type ResolvedRenderOptions,
  resolveRenderOptions,
  syntaxForPath,
} from './render-options';
import { RenderState } from './render-state';
import { type RequestDependence } from './request-dependence';
import { recordMissing } from './target-lookup';

/** The outcome of rendering a page. */
export type RenderResult =
  | {
      status: 'ok';
      body: Buffer;
      /** Every file the body depended on, the page first, missing targets included. */
      dependencies: Dependency[];
      diagnostics: Diagnostic[];
      requestDependence: RequestDependence;
    }
  | { status: 'missing' | 'forbidden' | 'directory'; dependencies: Dependency[] };

/**
 * Renders the SSI page at `request.path`.
 *
 * @example
 * const result = await renderPage({ path: '/index.shtml' }, { source: new NodeFileSource('site') });
 * if (result.status === 'ok') process.stdout.write(result.body);
 */
export async function renderPage(
  request: RenderRequest,
  options: RenderOptions | ResolvedRenderOptions,
): Promise<RenderResult> {
  const resolved = isResolvedRenderOptions(options) ? options : resolveRenderOptions(options);
  const time = request.time ?? Date.now();
  const render: RenderState = new RenderState(resolved, request, time, (frame, bytes) =>
    expandDocument(render, frame, bytes),
  );
  const page = await resolved.source.read(request.path);
  if (page.status !== 'found') {
    if (page.status === 'missing') await recordMissing(render, request.path, 'page');
    return { status: page.status, dependencies: render.dependencies.list() };
  }
  render.dependencies.add({
    path: request.path,
    role: 'page',
    exists: true,
    mtimeMs: page.info.mtimeMs,
    size: page.info.size,
  });
  const { info } = page;
  render.variables.fillOnFirstUse((table) =>
    addRequestVariables(table, request, info, serverIdentity(resolved), time),
  );
  const frame = createFrame(
    request.path,
    undefined,
    page.info,
    syntaxForPath(resolved, request.path),
    resolved,
  );
  await expandDocument(render, frame, page.bytes);
  return {
    status: 'ok',
    body: render.output.toBuffer(),
    dependencies: render.dependencies.list(),
    diagnostics: render.diagnostics,
    requestDependence: render.recorder.result(),
  };
}

function serverIdentity(options: ResolvedRenderOptions) {
  return { software: options.serverSoftware, documentRoot: options.documentRoot, admin: options.serverAdmin };
}
