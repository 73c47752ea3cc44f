// Nothing assigns into a representation the render cache holds: a Last-Modified that becomes strong with time is
// compared with each response's time (strongFrom), and a date promoted by the validator ledger puts a new set in
// the cache. Each test deep-freezes what was sent and checks it is sent again, or replaced, but never changed.

import Koa from 'koa';
import type { Server } from 'node:http';
import request from 'supertest';
import { MemoryFileSource } from '../../src/engine/memory-file-source';
import { formatHttpDate } from '../../src/fields/http-date';
import * as compression from '../../src/server/body-compression';
import * as representationModule from '../../src/server/representation';
import { type Representation } from '../../src/server/representation';
import { ssi, type SsiOptions } from '../../src/server/ssi-middleware';
import { fakeDateOnly } from '../support/fake-date';
import { at, TempSite } from '../support/temp-site';

/** Freezes `value` and everything it holds but byte buffers (which cannot be frozen), and returns it. */
function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return value;
  for (const member of Object.values(value)) deepFreeze(member);
  return Object.freeze(value);
}

/** A copy of what a representation sends, to compare before and after. */
function fieldsOf(representation: Representation) {
  const { body, streamed, ...fields } = representation;
  return { ...JSON.parse(JSON.stringify(fields)), strongFrom: fields.strongFrom, body: Buffer.from(body) };
}

let sent: jest.SpyInstance;
let server: Server | undefined;

/** A listening server: the render cache's key includes the local port, so every request must reach the same one. */
async function serve(options: SsiOptions): Promise<Server> {
  const listening = new Koa().use(ssi(options)).listen(0, '127.0.0.1');
  server = listening;
  await new Promise((resolve) => listening.once('listening', resolve));
  return listening;
}

beforeEach(() => {
  sent = jest.spyOn(representationModule, 'sendRepresentation');
});

afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
  jest.restoreAllMocks();
  jest.useRealTimers();
});

/** The representation the last request was answered from. */
const lastSent = (): Representation => sent.mock.calls[sent.mock.calls.length - 1][1];

describe('a cached page whose Last-Modified is weak at first (a folder it rests on changed just now)', () => {
  // A second and a half into a whole second: the missing fragment's folder changed 400 ms before.
  const NOW = Date.UTC(2026, 0, 1, 12, 0, 0, 600);

  function site(): MemoryFileSource {
    const files = new MemoryFileSource();
    files.write('/p.shtml', 'page <!--#include virtual="/inc/gone.html" -->', NOW - 100_000);
    files.write('/inc/gone.html', 'gone', NOW - 100_000);
    files.remove('/inc/gone.html', NOW - 400);
    return files;
  }

  it('If-Range by that date › 200 now, 206 two seconds later, from the same frozen representation', async () => {
    fakeDateOnly(NOW);
    const app = await serve({ source: site(), rememberValidators: false });
    const first = await request(app).get('/p.shtml').expect(200);
    const cached = deepFreeze(lastSent());
    const before = fieldsOf(cached);
    const lastModified = first.headers['last-modified'];
    expect(lastModified).toBe(formatHttpDate(NOW - 400));
    const ranged = () => request(app).get('/p.shtml').set('Range', 'bytes=0-3').set('If-Range', lastModified);
    // RFC 9110 §8.8.2.2: within a second of a change the date is weak, so If-Range by date fails: the whole page.
    await ranged().expect(200);
    expect(lastSent()).toBe(cached);
    jest.setSystemTime(NOW + 2000);
    const later = await ranged().expect(206);
    expect(later.text).toBe('page');
    expect(lastSent()).toBe(cached);
    expect(fieldsOf(cached)).toEqual(before);
    expect(Object.isFrozen(cached)).toBe(true);
  });
});

describe('a first contact whose date the validator ledger promotes', () => {
  let site: TempSite;

  beforeEach(() => {
    // Files copied with old mtimes just now (as `cp -p` does): the ledger doubts their date until it promotes it.
    site = new TempSite().write('index.shtml', `<p>${'compressible text '.repeat(200)}</p>`, at(100));
    // Two seconds on, so the files' stamps are settled and the render cache keeps the page.
    fakeDateOnly(Date.now() + 5000);
  });

  afterEach(() => site.remove());

  it('› the promoted date comes from a new set in the cache; what was sent before is unchanged', async () => {
    const app = await serve({ root: site.root, compression: true });
    const compress = jest.spyOn(compression, 'compressBody');
    const gzip = () => request(app).get('/index.shtml').set('Accept-Encoding', 'gzip');
    const first = await gzip().expect(200);
    expect(first.headers['content-encoding']).toBe('gzip');
    const gzipped = deepFreeze(lastSent());
    await request(app).get('/index.shtml').expect(200);
    const identity = deepFreeze(lastSent());
    const before = [fieldsOf(gzipped), fieldsOf(identity)];
    await gzip().expect(200);
    expect(lastSent()).toBe(gzipped);

    // A doubted revalidation: 200, then the ledger promotes the entry to the date that proves the bytes.
    const doubted = await request(app)
      .get('/index.shtml')
      .set('If-Modified-Since', first.headers['last-modified'])
      .expect(200);
    expect(doubted.headers.etag).toBe(identity.etag);
    let promoted = first;
    for (
      let attempt = 0;
      attempt < 50 && promoted.headers['last-modified'] === first.headers['last-modified'];
      attempt++
    )
      promoted = await gzip().expect(200);
    expect(Date.parse(promoted.headers['last-modified'])).toBeGreaterThan(
      Date.parse(first.headers['last-modified']),
    );

    const redated = lastSent();
    expect(redated).not.toBe(gzipped);
    expect(Object.isFrozen(redated)).toBe(true);
    // The compressed form came along: the same bytes, not compressed again.
    expect(redated.body).toBe(gzipped.body);
    expect(compress).toHaveBeenCalledTimes(1);
    expect([fieldsOf(gzipped), fieldsOf(identity)]).toEqual(before);
    await request(app)
      .get('/index.shtml')
      .set('If-Modified-Since', promoted.headers['last-modified'])
      .expect(304);
  });
});
