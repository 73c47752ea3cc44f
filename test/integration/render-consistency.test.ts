// A page is never served with file versions that did not exist on disk together: a render during which a file
// changes is done again from the current state.

import Koa from 'koa';
import request from 'supertest';
import { type FileContent } from '../../src/engine/file-source';
import { MemoryFileSource } from '../../src/engine/memory-file-source';
import { ssi } from '../../src/server/ssi-middleware';
import { CoarseFileSource } from '../support/coarse-file-source';
import { fakeDateOnly } from '../support/fake-date';

/** A docroot where reading `/inc/a.html` the first time rewrites `/inc/b.html`, which the page has already read. */
class ChangingWhileRead extends MemoryFileSource {
  private changed = false;

  override async read(path: string): Promise<FileContent> {
    const content = await super.read(path);
    if (path === '/inc/a.html' && !this.changed) {
      this.changed = true;
      this.write('/inc/b.html', 'b2', 2_000_000);
    }
    return content;
  }
}

function source(): ChangingWhileRead {
  const files = new ChangingWhileRead();
  files.write(
    '/p.shtml',
    '<!--#include virtual="/inc/b.html" -->+<!--#include virtual="/inc/a.html" -->',
    1_000_000,
  );
  files.write('/inc/a.html', 'a1', 1_000_000);
  files.write('/inc/b.html', 'b1', 1_000_000);
  return files;
}

describe('a file changing during a render', () => {
  it.each([
    ['with the render cache', {}],
    ['without the render cache', { cache: false }],
  ])('%s › rendered again, served with the versions on disk together', async (_name, options) => {
    const files = source();
    const app = new Koa().use(ssi({ source: files, ...options }));
    const response = await request(app.callback()).get('/p.shtml').expect(200);
    // The first render read b1, then a1 while b became b2: 'b1+a1' is not what the disk held once a1 was read.
    expect(response.text).toBe('b2+a1');
  });
});

/** A docroot where every read of `/inc/live.html` rewrites it: no two reads ever see the same version. */
class RewrittenOnEveryRead extends MemoryFileSource {
  private version = 0;

  override async read(path: string): Promise<FileContent> {
    const content = await super.read(path);
    if (path === '/inc/live.html') {
      this.version++;
      this.write(path, `v${String(this.version).padStart(4, '0')}`, 2_000_000 + this.version * 1000);
    }
    return content;
  }
}

function liveSource(): RewrittenOnEveryRead {
  const files = new RewrittenOnEveryRead();
  files.write(
    '/twice.shtml',
    '<!--#include virtual="/inc/live.html" -->|<!--#include virtual="/inc/live.html" -->',
    1_000_000,
  );
  files.write('/inc/live.html', 'v0000', 1_000_000);
  return files;
}

describe('a page including one fragment twice while the fragment is rewritten on every read', () => {
  it.each([
    ['with the render cache', {}],
    ['without the render cache', { cache: false }],
    ['without the fragment cache', { cache: false, fileCacheSize: 0 }],
  ])('%s › both copies are the same version, in every response', async (_name, options) => {
    const app = new Koa().use(ssi({ source: liveSource(), ...options }));
    const mixed: string[] = [];
    for (let i = 0; i < 20; i++) {
      const { text } = await request(app.callback()).get('/twice.shtml').expect(200);
      const [first, second] = text.split('|');
      if (first !== second) mixed.push(text);
    }
    expect(mixed).toEqual([]);
  });

  it('never read consistently › no-store, no ETag, no Last-Modified, no CDN caching orders', async () => {
    const app = new Koa().use(
      ssi({
        source: liveSource(),
        cacheRules: [{ path: '/**', maxAge: 60, surrogateControl: 'max-age=86400' }],
        compression: true,
        compressionThreshold: 1,
      }),
    );
    const response = await request(app.callback())
      .get('/twice.shtml')
      .set('Accept-Encoding', 'gzip')
      .expect(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers.etag).toBeUndefined();
    expect(response.headers['last-modified']).toBeUndefined();
    expect(response.headers['surrogate-control']).toBeUndefined();
    expect(response.headers['surrogate-key']).toBeDefined();
  });

  it('never read consistently › not kept: the next request renders again; a revalidation gets 200', async () => {
    const app = new Koa().use(ssi({ source: liveSource() }));
    const first = await request(app.callback()).get('/twice.shtml').expect(200);
    const second = await request(app.callback())
      .get('/twice.shtml')
      .set('If-Modified-Since', new Date().toUTCString())
      .set('If-None-Match', '"x"')
      .expect(200);
    expect(second.text).not.toBe(first.text);
  });
});

/** A one-second file system where reading `/inc/a.html` rewrites `/inc/b.html` to the same size in the same tick. */
class CoarseChangingWhileRead extends CoarseFileSource {
  private changed = false;

  override async read(path: string): Promise<FileContent> {
    const content = await super.read(path);
    if (path === '/inc/a.html' && !this.changed) {
      this.changed = true;
      this.put('/inc/b.html', 'b2');
    }
    return content;
  }
}

describe('a same-size rewrite within the tick, during a render, on a file system with coarse timestamps', () => {
  beforeEach(() => fakeDateOnly(Date.UTC(2026, 0, 1, 12, 0, 0, 100)));
  afterEach(() => jest.useRealTimers());

  it.each([
    ['with the render cache', {}],
    ['without the render cache', { cache: false }],
  ])('%s › seen by the bytes though the stamp did not move: rendered again', async (_name, options) => {
    const files = new CoarseChangingWhileRead(() => Date.now());
    files.put('/p.shtml', '<!--#include virtual="/inc/b.html" -->+<!--#include virtual="/inc/a.html" -->');
    files.put('/inc/a.html', 'a1');
    files.put('/inc/b.html', 'b1');
    const app = new Koa().use(ssi({ source: files, ...options }));
    const response = await request(app.callback()).get('/p.shtml').expect(200);
    expect(response.text).toBe('b2+a1');
  });
});
