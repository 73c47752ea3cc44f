// A complete Koa application serving one docroot: access log, the ssi() middleware, and a plain 404.

import Koa from 'koa';
import { formatHttpDate } from './http-date';
import { ssi, SsiMiddleware, SsiOptions } from './ssi-middleware';

/** Options of createApp: the middleware's plus an access log. */
export interface AppOptions extends SsiOptions {
  /** Receives one line per request. @default ignore */
  accessLog?: (line: string) => void;
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
  const middleware = ssi(options);
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
        `${ctx.req.socket.remoteAddress ?? '-'} [${formatHttpDate(Date.now())}] "${ctx.method} ${ctx.req.url} HTTP/${ctx.req.httpVersion}" ` +
          `${ctx.status} ${length} ${milliseconds.toFixed(1)}ms etag=${ctx.response.get('ETag') || '-'}${conditional}`,
      );
    }
  };
}
