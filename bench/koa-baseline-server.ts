// Bench-only Koa servers that bound what a Koa app can do: `constant` answers the pre-rendered pages from
// Buffers in memory (and an empty 304 to any conditional request), `static` serves the same files with
// koa-static. Run as its own process by the bench: node koa-baseline-server.js constant|static PORT ROOT.

import fs from 'node:fs';
import path from 'node:path';
import Koa from 'koa';
import serve from 'koa-static';

const LAST_MODIFIED = new Date(0).toUTCString();

/** Loads every file of ROOT/static into memory, keyed by its URL path. */
function loadPages(root: string): Map<string, Buffer> {
  const pages = new Map<string, Buffer>();
  for (const name of fs.readdirSync(path.join(root, 'static'))) {
    pages.set(`/static/${name}`, fs.readFileSync(path.join(root, 'static', name)));
  }
  return pages;
}

/** The framework's ceiling: no file system, no rendering, no validator comparison. */
function constantApp(root: string): Koa {
  const pages = loadPages(root);
  const app = new Koa();
  app.use((ctx) => {
    const body = pages.get(ctx.path);
    if (body === undefined) return;
    ctx.set('ETag', `"bench-${body.length}"`);
    ctx.set('Last-Modified', LAST_MODIFIED);
    ctx.set('Cache-Control', 'public, max-age=0');
    if (ctx.get('If-None-Match') || ctx.get('If-Modified-Since')) {
      ctx.status = 304;
      return;
    }
    ctx.type = 'text/html';
    ctx.body = body;
  });
  return app;
}

function staticApp(root: string): Koa {
  const app = new Koa();
  app.use(serve(root));
  return app;
}

function main(): void {
  const [mode, port, root] = process.argv.slice(2);
  if ((mode !== 'constant' && mode !== 'static') || port === undefined || root === undefined) {
    process.stderr.write('usage: koa-baseline-server constant|static PORT ROOT\n');
    process.exit(2);
  }
  const app = mode === 'constant' ? constantApp(root) : staticApp(root);
  // wrk closes connections mid-response when a run ends; Koa would print each as an error.
  app.silent = true;
  const server = app.listen(Number(port), '127.0.0.1');
  process.once('SIGTERM', () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}

main();
