// Byte-exact rewriting of asset URLs: golden pages with the tricky cases (uppercase unquoted attributes, tag-like
// text in <script> and <textarea>, srcset with commas in data: URLs, latin1 bytes, CRLF), and property tests: no
// asset path → identity on random bytes; with hosts → every changed byte lies inside a URL value.

import fc from 'fast-check';
import { assetHostFor } from '../../../src/asset-hosts/asset-assignment';
import { resolveAssetHosts } from '../../../src/asset-hosts/asset-host-options';
import { rewriteAssetUrls } from '../../../src/asset-hosts/asset-rewriter';

const ONE = resolveAssetHosts({
  hosts: ['https://a1.example'],
  paths: ['/img/', '/css/', '/js/'],
  epoch: '2026-12-01T00:00:00Z',
  attributes: ['data-src', 'data-srcset'],
});
const A = 'https://a1.example';

async function rewritten(html: string | Buffer, path = '/index.html', config = ONE): Promise<string> {
  const page = typeof html === 'string' ? Buffer.from(html, 'latin1') : html;
  return (await rewriteAssetUrls(page, path, config)).body.toString('latin1');
}

describe('rewriteAssetUrls › golden pages', () => {
  it.each([
    ['uppercase unquoted attributes', '<IMG SRC=/img/a.png ALT=x>', `<IMG SRC=${A}/img/a.png ALT=x>`],
    ['single quotes and spaces', "<img src = ' /img/a.png ' >", `<img src = ' ${A}/img/a.png ' >`],
    ['relative to the page', '<img src="../img/b.png?v=1#x">', `<img src="${A}/img/b.png?v=1#x">`],
    [
      'tag-like text in <script> and <textarea>',
      '<script>document.write("<img src=/img/x.png>")</script><textarea><img src="/img/y.png"></textarea>',
      '<script>document.write("<img src=/img/x.png>")</script><textarea><img src="/img/y.png"></textarea>',
    ],
    [
      'srcset with commas inside a data: URL',
      '<img srcset="data:image/png;base64,AAA= 1x, /img/c.png 2x,/img/d.png 3x">',
      `<img srcset="data:image/png;base64,AAA= 1x, ${A}/img/c.png 2x,${A}/img/d.png 3x">`,
    ],
    [
      'latin1 bytes and CRLF around',
      '<p>caf\xe9\r\n<img\r\nsrc="/img/\xe9.png">\r\n</p>',
      `<p>caf\xe9\r\n<img\r\nsrc="${A}/img/\xe9.png">\r\n</p>`,
    ],
    [
      'navigations stay',
      '<a href="/img/a.png">a</a><iframe src="/img/f.html"></iframe><form action="/img/"></form>',
      '<a href="/img/a.png">a</a><iframe src="/img/f.html"></iframe><form action="/img/"></form>',
    ],
    [
      'other origins and data: stay',
      '<img src="https://cdn.example/img/a.png"><img src="data:,x">',
      '<img src="https://cdn.example/img/a.png"><img src="data:,x">',
    ],
    ['paths outside the asset paths stay', '<img src="/photos/a.png">', '<img src="/photos/a.png">'],
    [
      'link: stylesheet and icon move, canonical stays',
      '<link rel=stylesheet href=/css/s.css><link rel="shortcut icon" href="/img/i.ico"><link rel=canonical href=/css/x>',
      `<link rel=stylesheet href=${A}/css/s.css><link rel="shortcut icon" href="${A}/img/i.ico"><link rel=canonical href=/css/x>`,
    ],
    [
      'CORS-fetched elements stay when CORS mode is off',
      '<script src=/js/a.js integrity="sha256-x"></script><script type=module src=/js/m.js></script><img crossorigin src=/img/a.png>',
      '<script src=/js/a.js integrity="sha256-x"></script><script type=module src=/js/m.js></script><img crossorigin src=/img/a.png>',
    ],
    [
      'script src, video poster',
      '<script src="/js/a.js"></script><video poster=/img/p.jpg src=/img/v.mp4>',
      `<script src="${A}/js/a.js"></script><video poster=${A}/img/p.jpg src=${A}/img/v.mp4>`,
    ],
    [
      'CSS in style attributes and elements, comments stay',
      '<div style="background:url(\'/img/bg.png\')"></div><style>/* url(/img/no.png) */ a{b:URL( /img/c.png )}</style>',
      `<div style="background:url('${A}/img/bg.png')"></div><style>/* url(/img/no.png) */ a{b:URL( ${A}/img/c.png )}</style>`,
    ],
    [
      'SVG href and xlink:href',
      '<svg><image href="/img/s.svg"/><use xlink:href="/img/sprite.svg#i"/></svg>',
      `<svg><image href="${A}/img/s.svg"/><use xlink:href="${A}/img/sprite.svg#i"/></svg>`,
    ],
    [
      'extra attributes',
      '<img data-src=/img/l.png data-srcset="/img/l2.png 2x">',
      `<img data-src=${A}/img/l.png data-srcset="${A}/img/l2.png 2x">`,
    ],
    [
      'a character reference in the URL stays',
      '<img src="/img/a&amp;b.png">',
      '<img src="/img/a&amp;b.png">',
    ],
    [
      '<base href> is honoured',
      '<base href="/img/sub/"><img src="c.png"><img src="https://elsewhere.example/img/x.png">',
      `<base href="/img/sub/"><img src="${A}/img/sub/c.png"><img src="https://elsewhere.example/img/x.png">`,
    ],
  ])('%s', async (_name, input, expected) => {
    expect(await rewritten(input)).toBe(expected);
  });

  it('UTF-8 bytes in a path › assigned as the percent-encoded path a browser requests', async () => {
    const hosts = ['https://s1.example', 'https://s2.example', 'https://s3.example'];
    const config = resolveAssetHosts({ hosts, paths: ['/img/'], epoch: '2026-12-01T00:00:00Z' });
    const names = Array.from({ length: 12 }, (_, index) => `caf\u00e9-${index}.png`);
    const page = Buffer.from(names.map((name) => `<img src="/img/${name}">`).join(''), 'utf8');
    const out = (await rewriteAssetUrls(page, '/', config)).body.toString('utf8');
    const expected = names.map((name) => {
      const host = assetHostFor(`/img/${encodeURIComponent(name)}`, config.hosts)?.origin;
      return `<img src="${host}/img/${name}">`;
    });
    expect(out).toBe(expected.join(''));
  });

  it('a cross-origin <base href> › relative references stay', async () => {
    const page = '<base href="https://other.example/"><img src="img/a.png"><img src="/img/b.png">';
    expect(await rewritten(page)).toBe(page);
  });

  it('CORS mode › elements fetched with CORS move too', async () => {
    const cors = resolveAssetHosts({
      hosts: [A],
      paths: ['/js/'],
      epoch: '2026-12-01T00:00:00Z',
      origin: 'https://www.example',
      cors: true,
    });
    expect(await rewritten('<script type=module src=/js/m.js></script>', '/', cors)).toBe(
      `<script type=module src=${A}/js/m.js></script>`,
    );
  });

  it('the hosts the page references › listed once each', async () => {
    const result = await rewriteAssetUrls(Buffer.from('<img src=/img/a.png><img src=/img/b.png>'), '/', ONE);
    expect(result.hosts).toEqual([A]);
  });

  it.each([
    [
      'a UTF-16 byte order mark',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<img src=/img/a.png>', 'utf16le')]),
      'UTF-16 byte order mark',
    ],
    [
      'a meta charset ISO-2022-JP',
      Buffer.from('<meta charset="ISO-2022-JP"><img src=/img/a.png>'),
      'charset iso-2022-jp',
    ],
  ])('%s › the page is left as it is, and says why', async (_name, page, reason) => {
    const result = await rewriteAssetUrls(page, '/', ONE);
    expect(result.body).toBe(page);
    expect(result.skipped).toBe(reason);
  });

  it('sharding › each URL goes to its assigned host', async () => {
    const hosts = ['https://s1.example', 'https://s2.example', 'https://s3.example'];
    const config = resolveAssetHosts({ hosts, paths: ['/img/'], epoch: '2026-12-01T00:00:00Z' });
    const paths = Array.from({ length: 30 }, (_, index) => `/img/p${index}.png`);
    const out = await rewritten(paths.map((path) => `<img src="${path}">`).join(''), '/', config);
    expect(out).toBe(
      paths.map((path) => `<img src="${assetHostFor(path, config.hosts)?.origin}${path}">`).join(''),
    );
    expect(new Set(paths.map((path) => assetHostFor(path, config.hosts)?.origin)).size).toBe(3);
  });
});

describe('rewriteAssetUrls › properties', () => {
  it('no asset path in the page › the same bytes, whatever they are', async () => {
    const unmatched = resolveAssetHosts({ hosts: [A], paths: ['/zz-none/'], epoch: '2026-12-01T00:00:00Z' });
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => {
        const page = Buffer.from(bytes);
        expect((await rewriteAssetUrls(page, '/', unmatched)).body.equals(page)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('with hosts › every changed byte lies inside a URL value: each piece of a page rewrites as it does alone', async () => {
    // Each piece with what it becomes; inert text between them (no markup) cannot change any piece's reading.
    const PIECES: ReadonlyArray<readonly [string, string]> = [
      ['<img src=/img/a.png>', `<img src=${A}/img/a.png>`],
      ['<IMG SRC="/img/b.png">', `<IMG SRC="${A}/img/b.png">`],
      ["<img srcset='/img/c.png 1x, data:a,b 2x'>", `<img srcset='${A}/img/c.png 1x, data:a,b 2x'>`],
      ['<a href=/img/a.png>x</a>', '<a href=/img/a.png>x</a>'],
      ['<script>"<img src=/img/d.png>"</script>', '<script>"<img src=/img/d.png>"</script>'],
      ['<textarea><img src=/img/e.png></textarea>', '<textarea><img src=/img/e.png></textarea>'],
      ['<style>a{b:url(/img/f.png)}</style>', `<style>a{b:url(${A}/img/f.png)}</style>`],
      ['<!-- <img src=/img/g.png> -->', '<!-- <img src=/img/g.png> -->'],
      ['<img src=img/h.png?x#y>', `<img src=${A}/img/h.png?x#y>`],
      ['<p class=x>', '<p class=x>'],
    ];
    const text = fc
      .stringMatching(/^[a-z \r\n\t\xe9\x80-\x8f]{0,8}$/)
      .map((filler) => [filler, filler] as const);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constantFrom(...PIECES), text), { maxLength: 12 }),
        async (parts) => {
          const page = Buffer.from(parts.map(([input]) => input).join(''), 'latin1');
          const out = (await rewriteAssetUrls(page, '/', ONE)).body.toString('latin1');
          expect(out).toBe(parts.map(([, expected]) => expected).join(''));
        },
      ),
      { numRuns: 300 },
    );
  });
});
