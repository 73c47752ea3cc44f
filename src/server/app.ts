// A complete Koa application serving one docroot: the client behind trusted proxies, the access log, a short 500
// for faults, the ssi() middleware, and a plain 404.

import Koa, { type Context } from 'koa';
import { accessLogMiddleware, type LogFormat } from './access-log';
import { forwardedClientMiddleware } from './forwarded-client';
import { LIVE_RELOAD_MARKUP, type LiveReload } from './live-reload';
import { trustedProxies } from './proxy-trust';
import { operationsMiddleware, type OperationsOptions } from './operations';
import { ssi, type SsiMiddleware, type SsiOptions } from './ssi-middleware';

/** Options of createApp: the middleware's plus an access log and a receiver of unexpected errors. */
export interface AppOptions extends SsiOptions {
  /** Receives one line per request, when its response has ended. @default ignore */
  accessLog?: (line: string) => void;
  /** The access log's format (README "Running in production", "Logs"). @default 'combined' */
  logFormat?: LogFormat;
  /**
   * Proxies (addresses, CIDR blocks) whose X-Forwarded-For names the client: turns on Koa's `app.proxy` and
   * sets `ctx.ip` to the visitor's address. @default none: the client is the peer
   */
  trustProxy?: readonly string[];
  /** The health and metrics endpoints under /_cdn-include/ (README "Running in production"). @default none */
  operations?: OperationsOptions;
  /**
   * Receives each unexpected error (a fault of the server, not of the request) once, after the client was
   * answered a short 500 without it; the access log then shows 500 as well. @default ignore
   */
  onError?: (err: unknown, ctx: Context) => void;
  /** Live reload (a development mode): its endpoints are served and its client put into HTML pages. @default off */
  liveReload?: LiveReload;
}

/**
 * A Koa app that serves `root` (or `source`) and nothing else.
 *
 * @example
 * createApp({ root: 'site', accessLog: console.log }).listen(8080, '127.0.0.1');
 */
export function createApp(options: AppOptions): Koa & { ssi: SsiMiddleware } {
  const app = new Koa();
  // Koa's own error log would print stack traces; failures are answered without one and logged as one line.
  app.silent = true;
  const log = options.accessLog;
  if (options.operations) app.use(operationsMiddleware(options.operations));
  if (options.trustProxy?.length) {
    app.proxy = true;
    app.use(forwardedClientMiddleware(trustedProxies(options.trustProxy)));
  }
  if (log)
    app.use(
      accessLogMiddleware(app, {
        write: log,
        format: options.logFormat,
        offload: options.offload !== undefined,
      }),
    );
  app.use(lastResort(options.onError));
  if (options.liveReload) app.use(options.liveReload.middleware());
  // A server of its own answers what it cannot serve as Apache does: 405 for a POST to a file. Nothing after the
  // middleware changes what it answered (lastResort reads the status alone), so it may write answers directly.
  const middleware = ssi({
    ...options,
    methodNotAllowed: options.methodNotAllowed ?? true,
    respondDirectly: options.respondDirectly ?? true,
    htmlInjection: options.liveReload ? LIVE_RELOAD_MARKUP : options.htmlInjection,
  });
  app.use(middleware);
  // The middleware's cache hooks, for a watcher that drops what a changed file made stale.
  return Object.assign(app, { ssi: middleware });
}

/**
 * The app's own answers where the steps below give none: a plain 404 for what nothing answered (after the
 * middleware's 404 error document, which answers first), and a short 500 for an error thrown below, handed to
 * `onError`. Inside the access log, so the line shows the status the client got, and instead of Koa's own error
 * handler, which would log nothing here. One step for both: each step of Koa's chain costs every response.
 */
function lastResort(onError: AppOptions['onError']): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body == null) answerNotFound(ctx);
    } catch (err) {
      onError?.(err, ctx);
      if (ctx.headerSent) return void ctx.res.destroy();
      // Nothing set for the failed response (ETag, Last-Modified, tags) may describe the error text.
      for (const name of ctx.res.getHeaderNames()) ctx.res.removeHeader(name);
      ctx.status = 500;
      ctx.set('Cache-Control', 'no-store');
      ctx.type = 'text/plain';
      ctx.body = '500 Internal Server Error\n';
    }
  };
}

function answerNotFound(ctx: Context): void {
  ctx.status = 404;
  ctx.set('Cache-Control', 'no-store');
  ctx.type = 'text/plain';
  ctx.body = '404 Not Found\n';
}
