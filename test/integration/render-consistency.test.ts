// A page is never served with file versions that did not exist on disk together: a render during which a file
// changes is done again from the current state.

import Koa from 'koa';
import request from 'supertest';
import { FileContent } from '../../src/engine/file-source';
import { MemoryFileSource } from '../../src/engine/memory-file-source';
import { ssi } from '../../src/http/ssi-middleware';

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
