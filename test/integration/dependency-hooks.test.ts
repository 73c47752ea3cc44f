// The middleware's hooks for watch mode: onPageBuilt feeds a DependencyGraph, invalidate drops stale responses.

import request from 'supertest';
import { DependencyGraph } from '../../src/engine/dependency-graph';
import { MemoryFileSource } from '../../src/engine/memory-file-source';
import { createApp } from '../../src/server/app';

function site(): MemoryFileSource {
  return new MemoryFileSource({
    '/index.shtml': { content: 'home <!--#include virtual="/inc/nav.html" -->', mtimeMs: 1_000_000 },
    '/about.shtml': {
      content: 'about <!--#include virtual="/inc/nav.html" --><!--#include virtual="/inc/banner.html" -->',
      mtimeMs: 1_000_000,
    },
    '/inc/nav.html': { content: 'nav', mtimeMs: 1_000_000 },
    '/style.css': { content: 'body{}', mtimeMs: 1_000_000 },
  });
}

describe('onPageBuilt and invalidate', () => {
  it('when pages are built › the graph learns what each URL rested on, missing includes and index candidates too', async () => {
    const graph = new DependencyGraph({ directoryIndex: ['index.html', 'index.shtml'] });
    const app = createApp({
      source: site(),
      directoryIndex: ['index.html', 'index.shtml'],
      onPageBuilt: ({ url, path, dependencies }) => graph.record(url, path, dependencies),
    });
    const server = app.callback();
    for (const url of ['/', '/about.shtml?x=1', '/style.css'])
      expect((await request(server).get(url)).status).toBe(200);
    expect(graph.affectedPages('/inc/nav.html')).toEqual(['/', '/about.shtml']);
    expect(graph.affectedPages('/inc/banner.html')).toEqual(['/about.shtml']);
    expect(graph.affectedPages('/index.html')).toEqual(['/']);
    expect(graph.affectedPages('/style.css')).toEqual(['/style.css']);
  });

  it('when a dependency is invalidated › the responses resting on it are dropped and rendered again', async () => {
    const files = site();
    let builds = 0;
    const app = createApp({ source: files, revalidateWindow: 60_000, onPageBuilt: () => void builds++ });
    // One listening server: the render cache's key includes the server's port.
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      await request(server).get('/');
      await request(server).get('/style.css');
      await request(server).get('/');
      expect(builds).toBe(2);
      expect(app.ssi.invalidate(['/inc/unrelated.html'])).toBe(0);
      expect(app.ssi.invalidate(['/inc/nav.html'])).toBe(1);
      await request(server).get('/');
      await request(server).get('/style.css');
      expect(builds).toBe(3);
      expect(app.ssi.invalidate(['/inc'])).toBe(1);
    } finally {
      server.close();
    }
  });
});
