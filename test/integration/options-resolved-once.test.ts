// The render options are checked and resolved once, when the middleware is made: a request, with or without the
// render cache, never resolves them again (each render would otherwise check and copy them).

import Koa from 'koa';
import request from 'supertest';
import { MemoryFileSource } from '../../src/engine/memory-file-source';
import * as renderOptions from '../../src/engine/render-options';
import { ssi } from '../../src/server/ssi-middleware';

afterEach(() => jest.restoreAllMocks());

describe('render options', () => {
  it.each([
    ['with the render cache', {}],
    ['without the render cache', { cache: false }],
  ])('%s › resolved when the middleware is made, never per request', async (_name, options) => {
    const source = new MemoryFileSource({
      '/p.shtml': { content: 'a<!--#include virtual="/inc/b.html" -->' },
      '/inc/b.html': { content: 'b' },
    });
    const app = new Koa().use(ssi({ source, ...options }));
    const resolve = jest.spyOn(renderOptions, 'resolveRenderOptions');
    for (let i = 0; i < 3; i++) {
      const response = await request(app.callback()).get('/p.shtml').expect(200);
      expect(response.text).toBe('ab');
    }
    expect(resolve).not.toHaveBeenCalled();
  });
});
