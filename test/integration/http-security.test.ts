// The docroot boundary and bad requests through the real server (README, *Security*).

import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../../src/server/app';
import { rawGet } from '../support/raw-request';
import { at, TempSite } from '../support/temp-site';

const ERR = '[an error occurred while processing this directive]';
let site: TempSite;
let outside: TempSite;
let server: ReturnType<typeof request>;

beforeEach(() => {
  outside = new TempSite().write('secret.txt', 'TOP SECRET');
  site = new TempSite()
    .write('index.shtml', 'home')
    .write('page.html', 'plain')
    .write('.htpasswd', 'user:hash')
    .write('.git/config', '[core]')
    .write('.well-known/security.txt', 'Contact: x');
  symlinkSync(outside.path('secret.txt'), site.path('link-out.txt'));
  symlinkSync(outside.root, site.path('dir-out'));
  symlinkSync(site.path('page.html'), site.path('link-in.html'));
  server = request(createApp({ root: site.root }).callback());
});

afterEach(() => {
  site.remove();
  outside.remove();
});

describe('request paths that try to leave the docroot', () => {
  it.each([
    ['/../secret.txt', [400, 403, 404]],
    ['/%2e%2e/secret.txt', [403]],
    ['/%2E%2e/%2e%2E/etc/passwd', [403]],
    ['/.%2e/secret.txt', [403]],
    ['/a/%2e%2e%2f%2e%2e%2fetc/passwd', [400, 403, 404]],
    ['/page.html%00.shtml', [400]],
    ['/..%5c..%5cetc/passwd', [400]],
    ['/%c0%ae%c0%ae/etc/passwd', [400]],
    ['/.htpasswd', [404]],
    ['/.git/config', [404]],
    ['/link-out.txt', [403]],
    ['/dir-out/secret.txt', [403]],
    ['/%zz', [400]],
  ])('%s › refused with a status in %j, never the file', async (target, statuses) => {
    const listening = createApp({ root: site.root }).listen(0, '127.0.0.1');
    try {
      await new Promise((resolve) => listening.once('listening', resolve));
      const response = await rawGet(listening, target);
      const body = response.body.toString('latin1');
      expect(statuses).toContain(response.status);
      expect(body).not.toContain('TOP SECRET');
      expect(body).not.toContain('user:hash');
      expect(body).not.toContain('[core]');
    } finally {
      listening.close();
    }
  });

  it('a symlink that stays inside the docroot › served', async () => {
    await server.get('/link-in.html').expect(200, 'plain');
  });

  it('/.well-known/ › served', async () => {
    await server.get('/.well-known/security.txt').expect(200, 'Contact: x');
  });
});

describe('include targets that try to leave the docroot', () => {
  it.each([
    ['file="../x"', '<!--#include file="../secret.txt" -->'],
    ['file="/abs"', `<!--#include file="${'/etc/passwd'}" -->`],
    ['virtual="/../"', '<!--#include virtual="/../../../../etc/passwd" -->'],
    ['virtual="%2e%2e"', '<!--#include virtual="/%2e%2e/%2e%2e/etc/passwd" -->'],
    ['virtual with NUL', '<!--#include virtual="/page.html%00" -->'],
    ['virtual with backslash', '<!--#include virtual="\\..\\secret.txt" -->'],
    ['virtual dotfile', '<!--#include virtual="/.htpasswd" -->'],
    ['virtual symlink out', '<!--#include virtual="/link-out.txt" -->'],
    ['file= symlink out', '<!--#include file="dir-out/secret.txt" -->'],
    ['fsize symlink out', '<!--#fsize file="link-out.txt" -->'],
  ])('%s › the error text, never the file', async (_name, directive) => {
    site.write('inc.shtml', directive);
    const response = await server.get('/inc.shtml').expect(200);
    expect(response.text).toBe(ERR);
  });
});

describe('directoryIndex entries', () => {
  it.each([['../.env'], ['.env'], ['a/index.html'], ['..'], [''], ['x\\y']])(
    '%j › TypeError naming the option when the middleware is created',
    (name) => {
      expect(() => createApp({ root: site.root, directoryIndex: [name] })).toThrow(TypeError);
      expect(() => createApp({ root: site.root, directoryIndex: [name] })).toThrow(/'directoryIndex'/);
    },
  );

  it('plain names › used in order', async () => {
    site.write('docs/start.html', 'start');
    const app = createApp({ root: site.root, directoryIndex: ['start.html', 'index.shtml'] });
    await request(app.callback()).get('/docs/').expect(200, 'start');
  });
});

describe('other bad requests', () => {
  it('POST to a page › 405 with Allow', async () => {
    const response = await server.post('/index.shtml').expect(405);
    expect(response.headers.allow).toBe('GET, HEAD');
  });

  it('a missing page › 404 with a short body', async () => {
    const response = await server.get('/missing.shtml').expect(404);
    expect(response.text).toBe('404 Not Found\n');
  });

  it('a missing page with If-None-Match: * › still 404', async () => {
    await server.get('/missing.shtml').set('If-None-Match', '*').expect(404);
  });

  it('a folder without a trailing slash › 301 to the slash', async () => {
    mkdirSync(site.path('news'));
    writeFileSync(join(site.path('news'), 'index.html'), 'news');
    const response = await server.get('/news?x=1').expect(301);
    expect(response.headers.location).toBe('/news/?x=1');
    await server.get('/news/').expect(200, 'news');
  });

  it('a folder › its index.shtml before index.html', async () => {
    site.write('both/index.shtml', 'shtml').write('both/index.html', 'html');
    await server.get('/both/').expect(200, 'shtml');
  });
});

describe('include bombs', () => {
  it('a self-including page › 10 nested copies then the error text, and the server keeps serving', async () => {
    site.write('self.shtml', 'x<!--#include virtual="/self.shtml" -->');
    const response = await server.get('/self.shtml').expect(200);
    expect(response.text).toBe(`${'x'.repeat(11)}${ERR}`);
    await server.get('/index.shtml').expect(200, 'home');
  });

  it('a 10-way fan-out 10 levels deep › answered within the limits, and the server keeps serving', async () => {
    for (let level = 0; level < 10; level++) {
      site.write(`bomb${level}.shtml`, `<!--#include virtual="/bomb${level + 1}.shtml" -->`.repeat(10));
    }
    site.write('bomb10.shtml', 'boom'.repeat(1000));
    const response = await server.get('/bomb0.shtml').expect(200);
    expect(response.text).toContain(ERR);
    expect(Buffer.byteLength(response.text)).toBeLessThan(16 * 1024 * 1024 + 100);
    await server.get('/index.shtml').expect(200, 'home');
  });
});

describe('static files', () => {
  it('a static file › its own strong ETag, Last-Modified and mime type; revalidates to 304', async () => {
    site.write('style.css', 'body{}', at(42));
    const first = await server.get('/style.css').expect(200);
    expect(first.headers['content-type']).toBe('text/css');
    expect(first.headers['last-modified']).toBe(new Date(at(42) * 1000).toUTCString());
    await server.get('/style.css').set('If-None-Match', first.headers.etag).expect(304);
    // Written just now with an old mtime: only a date after the write proves the bytes (first contact).
    await server.get('/style.css').set('If-Modified-Since', first.headers['last-modified']).expect(200);
    await server.get('/style.css').set('If-Modified-Since', first.headers.date).expect(304);
  });

  it('Range › 206 with Content-Range', async () => {
    site.write('r.txt', '0123456789abcdef');
    const response = await server.get('/r.txt').set('Range', 'bytes=0-9').expect(206);
    expect(response.headers['content-range']).toBe('bytes 0-9/16');
    expect(response.text).toBe('0123456789');
  });
});
