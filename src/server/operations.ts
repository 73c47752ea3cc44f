// The operations endpoints, off the public path under /_cdn-include/ and mounted with @koa/router: a health
// check for load balancers (503 while the server drains) and the Prometheus metrics. Each can be turned off;
// when on, it wins over a docroot file of the same path (serve warns about such a file at start).

import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { LoadStatus } from './load-monitor';
import type { OffloadTally } from './offload-notes';
import type { ServerMetrics } from './server-metrics';

/** The path prefix of the operations endpoints. */
export const OPERATIONS_PATH = '/_cdn-include';

/** Options of operationsMiddleware. */
export interface OperationsOptions {
  /** Answer `GET /_cdn-include/health`. @default true */
  health?: boolean;
  /** Answer `GET /_cdn-include/metrics` from these metrics, and count every other response in them. @default none */
  metrics?: ServerMetrics;
  /** True once the server stops: health answers 503 so a load balancer sends no more. @default never */
  isDraining?: () => boolean;
  /** The docroot's file-watch state, as the health check reports it. @default none */
  watcherState?: () => string | undefined;
  /** The load signal's state, as the health check reports it; undefined while there is none. @default none */
  loadStatus?: () => LoadStatus | undefined;
  /**
   * Counts every other response's offload decision, which the health check reports as `offload` (README "Under
   * load"); give it only when offload is configured. @default none
   */
  offload?: OffloadTally;
}

/**
 * The operations endpoints, answered before any other middleware (so neither logged nor counted), and the metrics'
 * count of every other response: one middleware, to `app.use` first.
 * @example app.use(operationsMiddleware({ metrics }));
 */
export function operationsMiddleware(options: OperationsOptions) {
  const router = new Router({ prefix: OPERATIONS_PATH });
  if (options.health ?? true)
    router.get('/health', (ctx) => {
      const draining = options.isDraining?.() ?? false;
      ctx.status = draining ? 503 : 200;
      ctx.set('Cache-Control', 'no-store');
      ctx.body = {
        status: draining ? 'draining' : 'ok',
        watcher: options.watcherState?.(),
        load: healthOfLoad(options.loadStatus?.()),
        offload: options.offload?.counts(),
      };
    });
  const { metrics, offload } = options;
  if (metrics)
    router.get('/metrics', async (ctx) => {
      ctx.set('Cache-Control', 'no-store');
      try {
        const { text, contentType } = await metrics.exposition();
        ctx.type = contentType;
        ctx.body = text;
      } catch (err) {
        // Under --workers the primary gathers them; a scraper retries at its next interval.
        ctx.status = 503;
        ctx.body = `metrics unavailable: ${(err as Error).message}\n`;
      }
    });
  const counting: Middleware = (ctx, next) => {
    metrics?.observe(ctx.req, ctx.res);
    if (offload) ctx.res.once('close', () => offload.count(ctx.req));
    return next();
  };
  // Only paths under the prefix reach the router: every other request skips its matching. A path the router does
  // not answer (an endpoint turned off) goes on to the docroot, counted. The counting is called, not `app.use`d: a
  // step of Koa's chain costs every warm response a dispatch and a promise.
  // The router types its ctx with the `params` and `router` it adds itself on the way in; as Koa middleware it takes
  // any ctx.
  const routes = router.routes() as Middleware;
  const endpoints: Middleware = (ctx, next) =>
    ctx.path.startsWith(`${OPERATIONS_PATH}/`) ? routes(ctx, () => counting(ctx, next)) : counting(ctx, next);
  return endpoints;
}

/** The load signal as the health check shows it: the level, the shed share and the last window's raw measures. */
function healthOfLoad(status: LoadStatus | undefined) {
  if (status === undefined) return undefined;
  const { measures } = status;
  return {
    level: status.level,
    shedShare: round(status.shedShare),
    eventLoopUtilization: round(measures.eventLoopUtilization),
    eventLoopDelayP99Ms: round(measures.eventLoopDelayMs),
    requestsInFlight: measures.requestsInFlight,
    egressBytesPerSecond: Math.round(measures.egressBytesPerSecond),
    egressBudget: status.egressBudget,
  };
}

/** Three decimals: enough for a share or a millisecond figure, short in JSON. */
function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
