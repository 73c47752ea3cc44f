// The redirect of a directory named without its trailing slash (mod_dir): the Location is the request's path
// re-encoded, plus '/', plus the query, so a `?` or `#` in a folder name cannot turn into a query or a fragment.

import request from 'supertest';
import { createApp } from '../../src/server/app';
import { TempSite } from '../support/temp-site';

let site: TempSite;
beforeAll(() => {
  site = new TempSite()
    .write('a?b/index.html', 'question')
    .write('c#d/index.html', 'hash')
    .write('e%f/index.html', 'percent')
    .write('sp ace/index.html', 'space')
    .write('caf\u00e9/index.html', 'utf-8')
    .write('sub-delims$&+,;=:@/index.html', 'kept')
    .write('plain/index.html', 'plain');
});
afterAll(() => site.remove());

describe('a directory requested without its trailing slash', () => {
  it.each([
    ['/a%3fb', '/a%3Fb/'],
    ['/a%3Fb?x=1', '/a%3Fb/?x=1'],
    ['/c%23d', '/c%23d/'],
    ['/e%25f', '/e%25f/'],
    ['/sp%20ace', '/sp%20ace/'],
    ['/caf%C3%A9', '/caf%C3%A9/'],
    ['/sub-delims$&+,;=:@', '/sub-delims$&+,;=:@/'],
    ['/plain?q=%22a%22&b', '/plain/?q=%22a%22&b'],
  ])('GET %s › 301 to %s', async (target, location) => {
    const res = await request(createApp({ root: site.root }).callback()).get(target);
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe(location);
  });

  it('the Location, followed › serves the folder index', async () => {
    const app = createApp({ root: site.root }).callback();
    const redirect = await request(app).get('/a%3fb');
    const res = await request(app).get(redirect.headers.location);
    expect(res.status).toBe(200);
    expect(res.text).toBe('question');
  });
});
