// Bench-only Koa servers that bound what a Koa app can do: `constant` answers the pre-rendered pages from
// Buffers in memory (and an empty 304 to any conditional request), `static` serves the same files with
// koa-static, and `fields` answers like `constant` but with the very header fields cdn-include sends for each
// page (taken from a running cdn-include at start) and an access-log line per request, as cdn-include writes:
// the least a Koa app that sends what this design sends can cost. Run as its own process by the bench:
// node koa-baseline-server.js constant|static|fields PORT ROOT [CDN-INCLUDE-ORIGIN].

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import Koa from 'koa';
import serve from 'koa-static';
import { BENCH_PAGES } from './sites';

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

/** A page as cdn-include answers it: the bytes, the fields of its 200 and those of its 304. */
interface AnsweredPage {
  body: Buffer;
  fields200: Array<[string, string]>;
  fields304: Array<[string, string]>;
}

// Fields Node writes itself (Date, the connection's), or Koa from the body (Content-Length).
const NOT_COPIED = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

/** The answer of cdn-include at `origin` to a plain GET of `target` (no Accept-Encoding: identity bytes). */
function answerOf(
  origin: string,
  target: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Buffer; fields: Array<[string, string]> }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${origin}${target}`, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const fields: Array<[string, string]> = [];
          const raw = response.rawHeaders;
          for (let i = 0; i < raw.length; i += 2)
            if (!NOT_COPIED.has(raw[i]!.toLowerCase())) fields.push([raw[i]!, raw[i + 1]!]);
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks), fields });
        });
      })
      .on('error', reject);
  });
}

async function answeredPages(origin: string): Promise<Map<string, AnsweredPage>> {
  const pages = new Map<string, AnsweredPage>();
  for (const page of BENCH_PAGES) {
    const full = await answerOf(origin, page.ssiPath);
    const etag = full.fields.find(([name]) => name.toLowerCase() === 'etag')?.[1];
    if (full.status !== 200 || etag === undefined)
      throw new Error(`${origin}${page.ssiPath}: ${full.status}`);
    const revalidated = await answerOf(origin, page.ssiPath, { 'if-none-match': etag });
    pages.set(page.staticPath, { body: full.body, fields200: full.fields, fields304: revalidated.fields });
  }
  return pages;
}

/** Koa sending cdn-include's fields and bytes from memory, with a log line per request written in batches. */
function fieldsApp(pages: Map<string, AnsweredPage>): Koa {
  const app = new Koa();
  let lines: string[] = [];
  const flush = () => {
    process.stdout.write(lines.join(''));
    lines = [];
  };
  app.use((ctx, next) => {
    const started = performance.now();
    const time = new Date();
    ctx.res.on('close', () => {
      const duration = (performance.now() - started).toFixed(1);
      const line =
        `${ctx.ip} - - [${time.toUTCString()}] "${ctx.method} ${ctx.url} HTTP/${ctx.req.httpVersion}" ` +
        `${ctx.status} ${ctx.length ?? '-'} "${ctx.get('referer') || '-'}" "${ctx.get('user-agent') || '-'}" ` +
        `etag=${ctx.response.get('ETag') || '-'} time_ms=${duration} cache=hit end=complete\n`;
      if (lines.push(line) === 1) setImmediate(flush);
    });
    return next();
  });
  app.use((ctx) => {
    const page = pages.get(ctx.path);
    if (page === undefined) return;
    if (ctx.get('If-None-Match') || ctx.get('If-Modified-Since')) {
      for (const [name, value] of page.fields304) ctx.set(name, value);
      ctx.status = 304;
      return;
    }
    for (const [name, value] of page.fields200) ctx.set(name, value);
    ctx.body = page.body;
  });
  return app;
}

function staticApp(root: string): Koa {
  const app = new Koa();
  app.use(serve(root));
  return app;
}

async function main(): Promise<void> {
  const [mode, port, root, origin] = process.argv.slice(2);
  const modes = ['constant', 'static', 'fields'];
  if (
    !modes.includes(mode ?? '') ||
    port === undefined ||
    root === undefined ||
    (mode === 'fields') !== (origin !== undefined)
  ) {
    process.stderr.write(
      'usage: koa-baseline-server constant|static PORT ROOT | fields PORT ROOT CDN-INCLUDE-ORIGIN\n',
    );
    process.exit(2);
  }
  const app =
    mode === 'constant'
      ? constantApp(root)
      : mode === 'static'
        ? staticApp(root)
        : fieldsApp(await answeredPages(origin!));
  // wrk closes connections mid-response when a run ends; Koa would print each as an error.
  app.silent = true;
  const server = app.listen(Number(port), '127.0.0.1');
  process.once('SIGTERM', () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`koa-baseline-server: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
