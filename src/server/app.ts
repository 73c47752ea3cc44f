// A complete Koa application serving one docroot: access log, a short 500 for faults, the ssi() middleware, and a
// plain 404.

import Koa, { type Context } from 'koa';
import { formatHttpDate } from '../fields/http-date';
import { LIVE_RELOAD_MARKUP, type LiveReload } from './live-reload';
import { escapeLogItem } from './log-escape';
import { ssi, type SsiMiddleware, type SsiOptions } from './ssi-middleware';

/** Options of createApp: the middleware's plus an access log and a receiver of unexpected errors. */
export interface AppOptions extends SsiOptions {
  /** Receives one line per request. @default ignore */
  accessLog?: (line: string) => void;
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
  if (log) app.use(accessLogMiddleware(log));
  app.use(faultBarrier(options.onError));
  if (options.liveReload) app.use(options.liveReload.middleware());
  const middleware = ssi(options.liveReload ? { ...options, htmlInjection: LIVE_RELOAD_MARKUP } : options);
  app.use(middleware);
  app.use(async (ctx) => {
    ctx.status = 404;
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'text/plain';
    ctx.body = '404 Not Found\n';
  });
  // The middleware's cache hooks, for a watcher that drops what a changed file made stale.
  return Object.assign(app, { ssi: middleware });
}

/**
 * Answers an error thrown below with a short 500 and hands the error to `onError`: inside the access log, so the
 * line shows the status the client got, and instead of Koa's own handler, which would log nothing here.
 */
function faultBarrier(onError: AppOptions['onError']): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
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

/** One Common-Log-Format-like line per request, with the validators that matter for caching. */
function accessLogMiddleware(log: (line: string) => void): Koa.Middleware {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const milliseconds = Number(process.hrtime.bigint() - started) / 1e6;
      const length = ctx.response.length ?? '-';
      const conditional = ctx.get('If-None-Match') || ctx.get('If-Modified-Since') ? ' conditional' : '';
      log(
        `${ctx.req.socket.remoteAddress ?? '-'} [${formatHttpDate(Date.now())}] "${requestLine(ctx)}" ` +
          `${ctx.status} ${length} ${milliseconds.toFixed(1)}ms etag=${ctx.response.get('ETag') || '-'}${conditional}`,
      );
    }
  };
}

/** The request line as received, escaped like Apache's `%r`. */
function requestLine(ctx: Context): string {
  return escapeLogItem(`${ctx.method} ${ctx.req.url ?? ''} HTTP/${ctx.req.httpVersion}`);
}
