// Live reload through the app: the client goes into HTML only, before </body>, with no-store and an ETag of the bytes
// sent (304, HEAD and gzip consistent with them); nothing changes with live reload off; the event feed announces
// changes. The browser test is live-reload-browser.test.ts.

import { get as httpGet, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { MemoryFileSource } from '../../src/engine/memory-file-source';
import { entityTagOf } from '../../src/engine/validators';
import { createApp, type AppOptions } from '../../src/server/app';
import {
  LIVE_RELOAD_EVENTS_PATH,
  LIVE_RELOAD_MARKUP,
  LIVE_RELOAD_SCRIPT_PATH,
  LiveReload,
} from '../../src/server/live-reload';
import { runCliOnce } from '../support/running-cli';
import { at, TempSite } from '../support/temp-site';
import { closeServer, listenOnFreePort } from '../support/listening-server';
import { rawRequest } from '../support/raw-request';
import { waitFor } from '../support/wait-for';

const PAGE = `<html><body><p>${'words '.repeat(300)}</p><!--#include virtual="/inc/f.html" --></BODY></html>`;
const EXPANDED = PAGE.replace('<!--#include virtual="/inc/f.html" -->', 'fragment');
const FILES = {
  '/page.shtml': { content: PAGE, mtimeMs: 1000 },
  '/inc/f.html': { content: 'fragment', mtimeMs: 2000 },
  '/plain.html': { content: '<h1>no body tag</h1>', mtimeMs: 1000 },
  '/style.css': { content: 'body { color: red; }\n'.repeat(100), mtimeMs: 1000 },
  '/data.json': { content: '{"a": "</body>"}', mtimeMs: 1000 },
};

let liveReload: LiveReload;
let withReload: Server;
let without: Server;

async function appServer(options: Partial<AppOptions>): Promise<Server> {
  const source = new MemoryFileSource(FILES);
  return listenOnFreePort(createApp({ source, ...options }).callback());
}

beforeEach(async () => {
  liveReload = new LiveReload();
  withReload = await appServer({ liveReload, compression: true });
  without = await appServer({ compression: true });
});

afterEach(async () => {
  liveReload.close();
  await Promise.all([closeServer(withReload), closeServer(without)]);
});

describe('an HTML response with live reload on', () => {
  it('GET › the client before </BODY>, byte-exact elsewhere; no-store, no purge tags, ETag of the bytes sent', async () => {
    const reply = await rawRequest(withReload, '/page.shtml');
    const expected = EXPANDED.replace('</BODY>', `${LIVE_RELOAD_MARKUP}</BODY>`);
    expect(reply.body.toString()).toBe(expected);
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(reply.headers['surrogate-key']).toBeUndefined();
    expect(reply.headers['cache-tag']).toBeUndefined();
    expect(reply.headers.etag).toBe(entityTagOf(Buffer.from(expected)));
    expect(Number(reply.headers['content-length'])).toBe(Buffer.byteLength(expected));
  });

  it('a page without </body> › the client at the end', async () => {
    const reply = await rawRequest(withReload, '/plain.html');
    expect(reply.body.toString()).toBe(`<h1>no body tag</h1>${LIVE_RELOAD_MARKUP}`);
  });

  it('HEAD › the headers of GET (its length and ETag), no body', async () => {
    const get = await rawRequest(withReload, '/page.shtml');
    const head = await rawRequest(withReload, '/page.shtml', {}, 'HEAD');
    const { date: _getDate, ...getHeaders } = get.headers;
    const { date: _headDate, ...headHeaders } = head.headers;
    expect(headHeaders).toEqual(getHeaders);
    expect(head.body.length).toBe(0);
  });

  it('If-None-Match › 304 for the ETag of the injected bytes, 200 for the plain page’s', async () => {
    const injected = await rawRequest(withReload, '/page.shtml');
    const plain = await rawRequest(without, '/page.shtml');
    expect(plain.headers.etag).not.toBe(injected.headers.etag);
    const replay = await rawRequest(withReload, '/page.shtml', {
      'If-None-Match': injected.headers.etag as string,
    });
    expect(replay.status).toBe(304);
    expect(replay.headers.etag).toBe(injected.headers.etag);
    expect(replay.body.length).toBe(0);
    const stale = await rawRequest(withReload, '/page.shtml', {
      'If-None-Match': plain.headers.etag as string,
    });
    expect(stale.status).toBe(200);
    expect(stale.body.toString()).toContain(LIVE_RELOAD_MARKUP);
  });

  it('gzip › the injected bytes compressed, with their own ETag, still no-store', async () => {
    const reply = await rawRequest(withReload, '/page.shtml', { 'Accept-Encoding': 'gzip' });
    expect(reply.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(reply.body).toString()).toBe(
      EXPANDED.replace('</BODY>', `${LIVE_RELOAD_MARKUP}</BODY>`),
    );
    expect(reply.headers['cache-control']).toBe('no-store');
  });
});

describe('what live reload leaves alone', () => {
  it.each(['/style.css', '/data.json'])(
    '%s (not HTML) › the same response as with live reload off',
    async (path) => {
      const on = await rawRequest(withReload, path);
      const off = await rawRequest(without, path);
      expect(on.body).toEqual(off.body);
      expect(on.headers.etag).toBe(off.headers.etag);
      expect(on.headers['cache-control']).toBe(off.headers['cache-control']);
      expect(on.headers['surrogate-key']).toBe(off.headers['surrogate-key']);
    },
  );

  it('live reload off › the page as it is, no client, no endpoints', async () => {
    const page = await rawRequest(without, '/page.shtml');
    expect(page.body.toString()).toBe(EXPANDED);
    expect(page.headers['cache-control']).toBe('public, max-age=0');
    expect((await rawRequest(without, LIVE_RELOAD_SCRIPT_PATH)).status).toBe(404);
    expect((await rawRequest(without, LIVE_RELOAD_EVENTS_PATH)).status).toBe(404);
  });

  it('an HTML error document (404) › the client in it too, no-store, its status kept; off › as it is', async () => {
    const files = {
      ...FILES,
      '/errors/404.shtml': { content: '<body>gone: <!--#echo var="REDIRECT_URL" --></body>', mtimeMs: 1 },
    };
    const errorDocuments = { 404: '/errors/404.shtml' };
    const cacheRules = [{ path: '/errors/**', maxAge: 60 }];
    const on = await listenOnFreePort(
      createApp({ source: new MemoryFileSource(files), liveReload, errorDocuments, cacheRules }).callback(),
    );
    const off = await listenOnFreePort(
      createApp({ source: new MemoryFileSource(files), errorDocuments, cacheRules }).callback(),
    );
    try {
      const injected = await rawRequest(on, '/missing.html');
      expect(injected.status).toBe(404);
      expect(injected.body.toString()).toBe(`<body>gone: /missing.html${LIVE_RELOAD_MARKUP}</body>`);
      expect(injected.headers['cache-control']).toBe('no-store');
      const plain = await rawRequest(off, '/missing.html');
      expect(plain.status).toBe(404);
      expect(plain.body.toString()).toBe('<body>gone: /missing.html</body>');
      expect(plain.headers['cache-control']).toBe('public, max-age=60');
    } finally {
      await Promise.all([closeServer(on), closeServer(off)]);
    }
  });

  it('a static HTML file sent from disk as it is read (over streamThreshold) › untouched', async () => {
    const site = new TempSite().write('big.html', `<body>${'x'.repeat(2000)}</body>`, at(1));
    const streaming = await listenOnFreePort(
      createApp({ root: site.root, liveReload, streamThreshold: 1024, watchFiles: false }).callback(),
    );
    try {
      const reply = await rawRequest(streaming, '/big.html');
      expect(reply.body.toString()).toBe(`<body>${'x'.repeat(2000)}</body>`);
    } finally {
      await closeServer(streaming);
      site.remove();
    }
  });
});

describe('the live reload endpoints', () => {
  it('the client script › JavaScript listening to the event feed, not stored', async () => {
    const reply = await rawRequest(withReload, LIVE_RELOAD_SCRIPT_PATH);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(reply.body.toString()).toContain(`new EventSource("${LIVE_RELOAD_EVENTS_PATH}")`);
  });

  it('the event feed › text/event-stream; a change › a reload event naming the changed files', async () => {
    const { port } = withReload.address() as AddressInfo;
    const response = await new Promise<IncomingMessage>((resolve, reject) =>
      httpGet({ host: '127.0.0.1', port, path: LIVE_RELOAD_EVENTS_PATH, agent: false }, resolve).on(
        'error',
        reject,
      ),
    );
    try {
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      expect(response.headers['cache-control']).toBe('no-store');
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      await waitFor(() => liveReload.clientCount === 1 && text.includes('retry:'), 'the feed to open');
      liveReload.notify(['/inc/f.html', '/page.shtml']);
      await waitFor(() => text.includes('event:') && text.endsWith('\n\n'), 'a reload event');
      expect(text).toBe('retry: 1000\n\nevent: reload\ndata: /inc/f.html\ndata: /page.shtml\n\n');
    } finally {
      response.destroy();
    }
    await waitFor(() => liveReload.clientCount === 0, 'the page to be forgotten once it hangs up');
  });
});

describe('serve --live-reload', () => {
  it('without --watch › a usage error (nothing would tell the pages)', async () => {
    const site = new TempSite().write('index.shtml', 'hi');
    try {
      const outcome = await runCliOnce(['serve', site.root, '--port', '0', '--live-reload']);
      expect(outcome.code).toBe(2);
      expect(outcome.stderr).toContain("'--live-reload' needs '--watch'");
    } finally {
      site.remove();
    }
  });
});
