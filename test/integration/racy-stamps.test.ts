// A file rewritten to the same size within one timestamp tick keeps its stamp (size, mtime, ctime, inode) on file
// systems with coarse timestamps; the server must still serve the new bytes. The clock is faked (Date only).

import Koa from 'koa';
import request from 'supertest';
import { TIMESTAMP_GRANULARITY_MS } from '../../src/engine/racy-stamp';
import { ssi } from '../../src/server/ssi-middleware';
import { CoarseFileSource } from '../support/coarse-file-source';
import { fakeDateOnly } from '../support/fake-date';

const START = Date.UTC(2026, 0, 1, 12, 0, 0, 250);

function site(): CoarseFileSource {
  const files = new CoarseFileSource(() => Date.now());
  files.put('/p.shtml', '<p><!--#include virtual="/inc/frag.html" --></p>');
  files.put('/inc/frag.html', 'old');
  files.put('/plain.txt', 'old');
  return files;
}

beforeEach(() => fakeDateOnly(START));

afterEach(() => jest.useRealTimers());

describe.each([
  ['the default settings', {}],
  ['--revalidate-window 0 and no render cache', { revalidateWindow: 0, cache: false }],
])('with %s, a same-size rewrite within the tick of the last read', (_name, options) => {
  it.each(['/p.shtml', '/plain.txt'])(
    '%s › the new bytes and a new ETag; the old ETag gets 200',
    async (path) => {
      const files = site();
      const app = new Koa().use(ssi({ source: files, ...options }));
      const old = await request(app.callback()).get(path).expect(200);
      expect(old.text).toContain('old');
      jest.setSystemTime(START + 400);
      const target = path === '/p.shtml' ? '/inc/frag.html' : path;
      const stamp = files.stampSync(target);
      files.put(target, 'new');
      expect(files.stampSync(target)).toEqual(stamp);
      const fresh = await request(app.callback())
        .get(path)
        .set('If-None-Match', old.headers.etag)
        .expect(200);
      expect(fresh.text).toContain('new');
      expect(fresh.headers.etag).not.toBe(old.headers.etag);
    },
  );
});

describe('a page whose files settled a whole tick before it was read', () => {
  it('› kept in the render cache: revalidated by its stamps alone, files not read again', async () => {
    const files = site();
    const app = new Koa().use(ssi({ source: files }));
    jest.setSystemTime(START + TIMESTAMP_GRANULARITY_MS + 1000);
    const first = await request(app.callback()).get('/p.shtml').expect(200);
    const read = jest.spyOn(files, 'read');
    await request(app.callback()).get('/p.shtml').set('If-None-Match', first.headers.etag).expect(304);
    expect(read).not.toHaveBeenCalled();
  });

  it('while racy › not kept in the render cache: each request reads the racy fragment again', async () => {
    const files = site();
    const app = new Koa().use(ssi({ source: files }));
    await request(app.callback()).get('/p.shtml').expect(200);
    const read = jest.spyOn(files, 'read');
    await request(app.callback()).get('/p.shtml').expect(200);
    expect(read.mock.calls.map(([path]) => path)).toContain('/inc/frag.html');
  });
});
