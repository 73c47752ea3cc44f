// Live reload, a development mode: serves the reload client and a Server-Sent Events feed off the public path, and
// tells every open page to reload when the site changes. What goes into the pages is html-injection.ts's job.

import type { ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import type { Middleware } from 'koa';

/** The event feed (Server-Sent Events, HTML Living Standard §9.2), off the site's own paths. */
export const LIVE_RELOAD_EVENTS_PATH = '/_cdn-include/live-reload';

/** The reload client's script. */
export const LIVE_RELOAD_SCRIPT_PATH = '/_cdn-include/live-reload.js';

/** The markup put into HTML responses: the client, loaded from its own path (a page's CSP may allow 'self' only). */
export const LIVE_RELOAD_MARKUP = `<script src="${LIVE_RELOAD_SCRIPT_PATH}"></script>`;

// EventSource reconnects by itself after a restart of the server (`retry` sets its delay); an event named `reload`
// reloads the page.
const CLIENT_SCRIPT = `// cdn-include live reload: reloads this page when the site changes.
(() => {
  const events = new EventSource(${JSON.stringify(LIVE_RELOAD_EVENTS_PATH)});
  events.addEventListener('reload', () => location.reload());
})();
`;

/** A comment line every so often keeps idle proxies and load balancers from closing the feed. */
const KEEP_ALIVE_MS = 25_000;

/** Options of LiveReload. */
export interface LiveReloadOptions {
  /** Milliseconds between keep-alive comments on an idle feed. @default 25000 */
  keepAliveMs?: number;
}

/**
 * The live-reload endpoints and the pages listening to them. One per process: a new app after a SIGHUP keeps the
 * open pages.
 *
 * @example
 * const liveReload = new LiveReload();
 * app.use(liveReload.middleware());
 * watcher.on('change', (paths) => liveReload.notify(paths));
 */
export class LiveReload {
  private readonly clients = new Set<PassThrough>();
  private readonly keepAlive: NodeJS.Timeout;

  constructor(options: LiveReloadOptions = {}) {
    this.keepAlive = setInterval(() => this.send(': keep-alive\n\n'), options.keepAliveMs ?? KEEP_ALIVE_MS);
    this.keepAlive.unref();
  }

  /** How many pages listen now. */
  get clientCount(): number {
    return this.clients.size;
  }

  /** Tells every open page to reload; `paths` (the changed files) go along as the event's data. */
  notify(paths: readonly string[]): void {
    // An event's data is one line per `data:` field: a newline in a file name must not end it.
    const data = paths.map((path) => `data: ${path.replace(/[\r\n]/g, ' ')}\n`).join('');
    this.send(`event: reload\n${data || 'data:\n'}\n`);
  }

  /** Ends every feed (the server is stopping): pages stop listening until a server answers again. */
  close(): void {
    clearInterval(this.keepAlive);
    for (const client of this.clients) client.end();
    this.clients.clear();
  }

  /** Answers GET and HEAD for the client script and the event feed; every other request goes on. */
  middleware(): Middleware {
    return async (ctx, next) => {
      if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
      if (ctx.path === LIVE_RELOAD_SCRIPT_PATH) {
        ctx.set('Cache-Control', 'no-store');
        ctx.type = 'text/javascript; charset=utf-8';
        ctx.body = CLIENT_SCRIPT;
        return;
      }
      if (ctx.path !== LIVE_RELOAD_EVENTS_PATH) return next();
      ctx.set('Cache-Control', 'no-store');
      ctx.type = 'text/event-stream; charset=utf-8';
      if (ctx.method === 'HEAD') return void (ctx.body = '');
      ctx.body = this.open(ctx.res);
    };
  }

  private open(res: ServerResponse): PassThrough {
    const client = new PassThrough();
    this.clients.add(client);
    res.once('close', () => {
      this.clients.delete(client);
      client.end();
    });
    // Written at once so the headers go out: the page's EventSource is open from here on.
    client.write('retry: 1000\n\n');
    return client;
  }

  private send(text: string): void {
    for (const client of this.clients) client.write(text);
  }
}
