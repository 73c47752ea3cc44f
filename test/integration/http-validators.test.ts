// Validators and conditional requests through the real server on a real docroot (README: Caching semantics).

import request from 'supertest';
import { createApp } from '../../src/server/app';
import { formatHttpDate } from '../../src/fields/http-date';
import { at, TempSite } from '../support/temp-site';

let site: TempSite;
let server: ReturnType<typeof request>;

beforeEach(() => {
  site = new TempSite();
  site
    .write('index.shtml', '<h1>home</h1><!--#include virtual="/inc/level1.shtml" -->', at(100))
    .write('inc/level1.shtml', 'L1[<!--#include file="level2.shtml" -->]', at(200))
    .write('inc/level2.shtml', 'L2[<!--#include virtual="/inc/deep/level3.html" -->]', at(300))
    .write('inc/deep/level3.html', 'L3', at(150));
  server = request(createApp({ root: site.root }).callback());
});

afterEach(() => site.remove());

const lastModified = (response: request.Response) => response.headers['last-modified'] as string | undefined;

describe('a page with three levels of nested includes', () => {
  it('Last-Modified › the newest mtime among page and fragments', async () => {
    const response = await server.get('/index.shtml').expect(200);
    expect(response.text).toBe('<h1>home</h1>L1[L2[L3]]');
    expect(lastModified(response)).toBe(formatHttpDate(at(300) * 1000));
  });

  it('touching the deepest fragment forward › Last-Modified moves to it, ETag stays', async () => {
    const before = await server.get('/index.shtml');
    site.touch('inc/deep/level3.html', at(5000));
    const after = await server.get('/index.shtml');
    expect(lastModified(after)).toBe(formatHttpDate(at(5000) * 1000));
    expect(after.headers.etag).toBe(before.headers.etag);
  });

  it("changing a fragment's bytes › the ETag changes", async () => {
    const before = await server.get('/index.shtml');
    site.write('inc/deep/level3.html', 'L3 changed', at(400));
    const after = await server.get('/index.shtml');
    expect(after.text).toBe('<h1>home</h1>L1[L2[L3 changed]]');
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });

  it('every response › Date, strong ETag, Content-Length of the body, explicit Cache-Control, text/html', async () => {
    const response = await server.get('/index.shtml');
    expect(response.headers.date).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    expect(response.headers.etag).toMatch(/^"[^"]+"$/);
    expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(response.text));
    expect(response.headers['cache-control']).toBe('public, max-age=0');
    expect(response.headers['content-type']).toBe('text/html');
  });
});

describe('replaying validators', () => {
  it.each([
    // The fixture's files were written just now with old mtimes, as `cp -p` does: only a date from after that
    // write proves the bytes to a first contact (see 'first contact' below), and the first response's Date is one.
    ['If-Modified-Since alone', (r: request.Response) => ({ 'If-Modified-Since': r.headers.date })],
    ['If-None-Match alone', (r: request.Response) => ({ 'If-None-Match': r.headers.etag })],
    [
      'both',
      (r: request.Response) => ({
        'If-None-Match': r.headers.etag,
        'If-Modified-Since': r.headers['last-modified'],
      }),
    ],
  ])('%s › 304 with no body, keeping ETag, Cache-Control, Date', async (_name, conditional) => {
    const first = await server.get('/index.shtml');
    const replay = await server.get('/index.shtml').set(conditional(first)).expect(304);
    expect(replay.text).toBe('');
    expect(replay.headers.etag).toBe(first.headers.etag);
    expect(replay.headers['cache-control']).toBe(first.headers['cache-control']);
    expect(replay.headers.date).toBeDefined();
    expect(replay.headers['content-length']).toBeUndefined();
    expect(replay.headers['content-type']).toBeUndefined();
  });

  it('If-Match with another tag › 412', async () => {
    await server.get('/index.shtml').set('If-Match', '"other"').expect(412);
  });

  it('If-Match with the current tag › 200', async () => {
    const first = await server.get('/index.shtml');
    await server.get('/index.shtml').set('If-Match', first.headers.etag).expect(200);
  });

  it('HEAD › exactly the headers of GET, Content-Length included, no body', async () => {
    const get = await server.get('/index.shtml');
    const head = await server.head('/index.shtml');
    const comparable = (headers: Record<string, string>) => {
      const { date: _date, connection: _connection, ...rest } = headers;
      return rest;
    };
    expect(comparable(head.headers)).toEqual(comparable(get.headers));
    expect(head.text).toBeUndefined();
  });

  it('a page that reads a request header › Vary on 200 and on the 304', async () => {
    site.write('lang.shtml', '<!--#echo var="HTTP_ACCEPT_LANGUAGE" -->', at(10));
    const first = await server.get('/lang.shtml').set('Accept-Language', 'de');
    expect(first.headers.vary).toBe('Accept-Language');
    const replay = await server
      .get('/lang.shtml')
      .set('Accept-Language', 'de')
      .set('If-None-Match', first.headers.etag)
      .expect(304);
    expect(replay.headers.vary).toBe('Accept-Language');
  });
});

describe('first contact: the ledger has no record of the page', () => {
  it('files copied with old mtimes just now › If-Modified-Since with their date: 200, since a client may hold other bytes of that date', async () => {
    const first = await server.get('/index.shtml').expect(200);
    expect(lastModified(first)).toBe(formatHttpDate(at(300) * 1000));
    await server
      .get('/index.shtml')
      .set('If-Modified-Since', lastModified(first) as string)
      .expect(200);
  });

  it('that 200 › promotes the page to the date that proves it: the same client revalidates with 304 next', async () => {
    const first = await server.get('/index.shtml').expect(200);
    const doubted = await server
      .get('/index.shtml')
      .set('If-Modified-Since', lastModified(first) as string)
      .expect(200);
    expect(doubted.headers.etag).toBe(first.headers.etag);
    // The promotion is written to the ledger after that answer: wait for the next response to carry it.
    let promoted = lastModified(first);
    for (let attempt = 0; attempt < 50 && promoted === lastModified(first); attempt++)
      promoted = lastModified(await server.get('/index.shtml'));
    expect(Date.parse(promoted as string)).toBeGreaterThan(Date.parse(lastModified(first) as string));
    expect(Date.parse(promoted as string)).toBeLessThanOrEqual(Date.parse(first.headers.date));
    await server
      .get('/index.shtml')
      .set('If-Modified-Since', promoted as string)
      .expect(304);
  });

  it('a date after the files last changed (their ctime) › 304', async () => {
    const first = await server.get('/index.shtml').expect(200);
    await server.get('/index.shtml').set('If-Modified-Since', first.headers.date).expect(304);
  });
});

/** Waits until the clock enters the next second: a change there can be dated later than anything sent before. */
async function nextSecond(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
}

describe('changes that an If-Modified-Since-only cache must see', () => {
  it('a fragment replaced by different bytes with an OLDER mtime › 200 with the new bytes', async () => {
    const first = await server.get('/index.shtml');
    await nextSecond();
    site.write('inc/deep/level3.html', 'L3 restored from backup', at(50));
    const replay = await server
      .get('/index.shtml')
      .set('If-Modified-Since', lastModified(first) as string)
      .expect(200);
    expect(replay.text).toBe('<h1>home</h1>L1[L2[L3 restored from backup]]');
    expect(Date.parse(lastModified(replay) as string)).toBeGreaterThan(
      Date.parse(lastModified(first) as string),
    );
  });

  it('a missing include that later appears › 200 with the new bytes', async () => {
    site.write('late.shtml', 'a<!--#include virtual="/later/frag.html" -->b', at(100));
    site.write('later/other.html', 'x', at(100)).touch('later', at(100));
    const first = await server.get('/late.shtml');
    expect(first.text).toBe('a[an error occurred while processing this directive]b');
    site.write('later/frag.html', 'FRAG', at(60));
    const replay = await server
      .get('/late.shtml')
      .set('If-Modified-Since', lastModified(first) as string)
      .expect(200);
    expect(replay.text).toBe('aFRAGb');
  });

  it.each([
    ['flastmod', '<!--#flastmod file="target.html" -->'],
    ['fsize', '<!--#fsize file="target.html" -->'],
  ])('a %s target newer than everything else › it sets Last-Modified', async (_name, directive) => {
    site.write('info.shtml', directive, at(100)).write('target.html', 'target', at(900));
    const response = await server.get('/info.shtml');
    expect(lastModified(response)).toBe(formatHttpDate(at(900) * 1000));
    await nextSecond();
    // New bytes (the date or size printed changed) are dated after everything sent before, the target included.
    site.touch('target.html', at(1900));
    const after = Date.parse(lastModified(await server.get('/info.shtml')) as string);
    expect(after).toBeGreaterThanOrEqual(at(1900) * 1000);
    expect(after).toBeGreaterThan(Date.parse(lastModified(response) as string));
  });
});

describe('request-dependent pages', () => {
  it('reading a cookie › Cache-Control private', async () => {
    site.write('c.shtml', '<!--#echo var="HTTP_COOKIE" -->', at(10));
    const response = await server.get('/c.shtml').set('Cookie', 'a=1');
    expect(response.headers['cache-control']).toContain('private');
  });

  it('echoing DATE_LOCAL › no Last-Modified', async () => {
    site.write('t.shtml', '<!--#echo var="DATE_LOCAL" -->', at(10));
    const response = await server.get('/t.shtml');
    expect(lastModified(response)).toBeUndefined();
    expect(response.headers.etag).toBeDefined();
  });

  it.each([
    ['printenv', '<!--#printenv -->'],
    ['REMOTE_ADDR', '<!--#echo var="REMOTE_ADDR" -->'],
  ])('using %s › private, no-cache and no Last-Modified', async (_name, page) => {
    site.write('r.shtml', page, at(10));
    const response = await server.get('/r.shtml');
    expect(response.headers['cache-control']).toBe('private, no-cache');
    expect(lastModified(response)).toBeUndefined();
  });
});

describe('bytes', () => {
  it('0xE9 and 0xFF in a page and a fragment › unchanged on the wire', async () => {
    site.write(
      'bytes.shtml',
      Buffer.from([0xe9, 0xff, ...Buffer.from('<!--#include file="b.html" -->')]),
      at(10),
    );
    site.write('b.html', Buffer.from([0xff, 0xe9]), at(10));
    const response = await server
      .get('/bytes.shtml')
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(response.body).toEqual(Buffer.from([0xe9, 0xff, 0xff, 0xe9]));
  });
});
