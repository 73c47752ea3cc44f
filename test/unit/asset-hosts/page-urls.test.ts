// listSubresourceUrls, the reading `check --asset-hosts` makes of a page: every fetch the page makes, resolved
// against its <base href>, never a navigation. (The rewriter's use of findPageUrls is in asset-rewriter.test.ts.)

import { listSubresourceUrls } from '../../../src/asset-hosts/page-urls';

const PAGE_URL = new URL('https://www.example.test/shop/index.html');

async function listed(html: string): Promise<string[]> {
  return (await listSubresourceUrls(Buffer.from(html, 'latin1'), PAGE_URL)).map((url) => url.href);
}

describe('listSubresourceUrls', () => {
  it('img src and srcset, a stylesheet, a script, a style url() › in page order, resolved against the page', async () => {
    const html =
      '<link rel=stylesheet href="/css/site.css"><IMG SRC=a.png srcset="b.png 1x, https://a1.example.test/c.png 2x">' +
      '<script src="//a2.example.test/app.js"></script><div style="background:url(\'/img/bg.png\')"></div>';
    expect(await listed(html)).toEqual([
      'https://www.example.test/css/site.css',
      'https://www.example.test/shop/a.png',
      'https://www.example.test/shop/b.png',
      'https://a1.example.test/c.png',
      'https://a2.example.test/app.js',
      'https://www.example.test/img/bg.png',
    ]);
  });

  it('<base href> › later relative URLs resolve against it', async () => {
    expect(await listed('<base href="https://a3.example.test/static/"><img src="x.png">')).toEqual([
      'https://a3.example.test/static/x.png',
    ]);
  });

  it('navigations (a, iframe, form) › not listed; CORS fetches (crossorigin, type=module) › listed', async () => {
    const html =
      '<a href="/next.html">next</a><iframe src="/frame.html"></iframe><form action="/go"></form>' +
      '<script type=module src="/m.js"></script><img crossorigin src="/cors.png">';
    expect(await listed(html)).toEqual([
      'https://www.example.test/m.js',
      'https://www.example.test/cors.png',
    ]);
  });

  it('a <style> element › its url()s; tag-like text in <script> › nothing', async () => {
    const html = '<style>body{background:url(/img/s.png)}</style><script>"<img src=/no.png>"</script>';
    expect(await listed(html)).toEqual(['https://www.example.test/img/s.png']);
  });

  it('a UTF-16 page › nothing (its bytes are not offsets)', async () => {
    const page = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<img src=/a.png>', 'utf16le')]);
    expect(await listSubresourceUrls(page, PAGE_URL)).toEqual([]);
  });
});
