// The prober's judgement of each mirror, through a fake HTTP port: eligibility per path and digest, the reason each
// mirror is left out, conditional manifest requests, the spot check, and the change notifications.

import { createHash } from 'node:crypto';
import type { MirrorConfig } from '../../../src/mirrors/mirror-config';
import type { MirrorChange } from '../../../src/mirrors/mirror-directory';
import type { MirrorRequest, MirrorResponse } from '../../../src/mirrors/mirror-http';
import { MirrorProber, NOT_CHECKED_YET } from '../../../src/mirrors/mirror-prober';

const sha256 = (bytes: string): string => createHash('sha256').update(bytes).digest('base64');

/** A fake mirror: its files by path, and the manifest it publishes (by default, of those files). */
class FakeMirror {
  files = new Map<string, string>();
  manifestOverride: string | undefined;
  etag = '"v1"';
  down: string | undefined;
  requests: MirrorRequest[] = [];

  constructor(files: Record<string, string>) {
    for (const [path, body] of Object.entries(files)) this.files.set(path, body);
  }

  manifestText(): string {
    const files = Object.fromEntries(
      [...this.files].map(([path, body]) => [
        path,
        { size: Buffer.byteLength(body), sha256: sha256(body), etag: '"x"' },
      ]),
    );
    return this.manifestOverride ?? JSON.stringify({ format: 'cdn-include-digests', version: 1, files });
  }

  answer(request: MirrorRequest, path: string): MirrorResponse {
    this.requests.push(request);
    if (this.down !== undefined) throw new Error(this.down);
    if (path === '/.well-known/cdn-include/manifest.json') {
      if (request.headers['if-none-match'] === this.etag) return response(304, '', { etag: this.etag });
      return response(200, this.manifestText(), { etag: this.etag });
    }
    const body = this.files.get(path);
    return body === undefined ? response(404, 'not found') : response(200, body);
  }
}

function response(status: number, body: string, headers: Record<string, string> = {}): MirrorResponse {
  return { status, headers, length: Buffer.byteLength(body), sha256: sha256(body), body: Buffer.from(body) };
}

const PAGE = '<p>current</p>';
const OLD_PAGE = '<p>old</p>';
const LOGO = 'PNG…';

function setUp(mirrors: Record<string, FakeMirror>, config?: MirrorConfig[]) {
  const configs = config ?? Object.keys(mirrors).map((name) => ({ name, url: `http://${name}.test/` }));
  const prober = new MirrorProber({
    mirrors: configs,
    get: async (request) => {
      const mirror = mirrors[request.url.hostname.replace(/\.test$/, '')];
      return mirror.answer(request, decodeURIComponent(request.url.pathname));
    },
    random: () => 0,
  });
  const changes: MirrorChange[] = [];
  prober.onChange((change) => changes.push(change));
  return { prober, changes };
}

describe('MirrorProber', () => {
  it('before its first round › every mirror is left out as not checked yet', () => {
    const { prober } = setUp({ fresh: new FakeMirror({ '/a.html': PAGE }) });
    expect(prober.eligibleMirrors('/a.html', sha256(PAGE))).toEqual([]);
    expect(prober.mirrorStandings('/a.html', sha256(PAGE))[0]).toMatchObject({
      eligible: false,
      reason: NOT_CHECKED_YET,
    });
  });

  it('fresh, stale and partial mirrors › eligible only where the manifest holds the origin’s digest, with reasons', async () => {
    const { prober } = setUp({
      fresh: new FakeMirror({ '/a.html': PAGE, '/logo.png': LOGO }),
      behind: new FakeMirror({ '/a.html': OLD_PAGE, '/logo.png': LOGO }),
      partial: new FakeMirror({ '/logo.png': LOGO }),
    });
    await prober.checkNow();
    expect(prober.eligibleMirrors('/a.html', sha256(PAGE)).map((mirror) => mirror.name)).toEqual(['fresh']);
    expect(prober.eligibleMirrors('/logo.png', sha256(LOGO)).map((mirror) => mirror.name)).toEqual([
      'fresh',
      'behind',
      'partial',
    ]);
    expect(
      prober
        .mirrorStandings('/a.html', sha256(PAGE))
        .map((standing) => [standing.mirror.name, standing.eligible ? 'eligible' : standing.reason]),
    ).toEqual([
      ['fresh', 'eligible'],
      ['behind', 'stale: other digest'],
      ['partial', 'no such file'],
    ]);
  });

  it('priorities › lower pri first, then configured order', async () => {
    const files = { '/a.html': PAGE };
    const { prober } = setUp(
      { a: new FakeMirror(files), b: new FakeMirror(files), c: new FakeMirror(files) },
      [
        { name: 'a', url: 'http://a.test/' },
        { name: 'b', url: 'http://b.test/', priority: 5 },
        { name: 'c', url: 'http://c.test/', priority: 2 },
      ],
    );
    await prober.checkNow();
    expect(prober.eligibleMirrors('/a.html', sha256(PAGE)).map((mirror) => mirror.name)).toEqual([
      'c',
      'b',
      'a',
    ]);
  });

  it('the second manifest request › conditional on the first one’s ETag; its 304 keeps the manifest', async () => {
    const mirror = new FakeMirror({ '/a.html': PAGE });
    const { prober } = setUp({ m: mirror });
    await prober.checkNow();
    await prober.checkNow();
    const manifestRequests = mirror.requests.filter((request) =>
      request.url.pathname.endsWith('manifest.json'),
    );
    expect(manifestRequests.map((request) => request.headers['if-none-match'])).toEqual([undefined, '"v1"']);
    expect(manifestRequests[0].headers['user-agent']).toMatch(/^cdn-include-mirror-check/);
    expect(prober.eligibleMirrors('/a.html', sha256(PAGE))).toHaveLength(1);
  });

  it('a mirror that goes down, then recovers › excluded with the reason, then back at the next round', async () => {
    const mirror = new FakeMirror({ '/a.html': PAGE });
    const { prober, changes } = setUp({ m: mirror });
    await prober.checkNow();
    mirror.down = 'connect ECONNREFUSED 127.0.0.2:8081';
    await prober.checkNow();
    expect(prober.mirrorStandings('/a.html', sha256(PAGE))[0]).toMatchObject({
      eligible: false,
      reason: 'down: connect ECONNREFUSED 127.0.0.2:8081',
    });
    mirror.down = undefined;
    await prober.checkNow();
    expect(prober.eligibleMirrors('/a.html', sha256(PAGE))).toHaveLength(1);
    expect(changes.map((change) => [change.kind, [...change.paths]])).toEqual([
      ['restored', ['/a.html']],
      ['excluded', ['/a.html']],
      ['restored', ['/a.html']],
    ]);
  });

  it.each([
    ['not JSON', '{"format":', 'down: manifest is not JSON'],
    [
      'another format',
      '{"format":"other","version":1,"files":{}}',
      "down: manifest format is not 'cdn-include-digests'",
    ],
    [
      'a later version',
      '{"format":"cdn-include-digests","version":2,"files":{}}',
      'down: manifest version 2 is not 1',
    ],
    [
      'a dot segment',
      '{"format":"cdn-include-digests","version":1,"files":{"/../etc/passwd":{"size":1,"sha256":"x"}}}',
      'down: manifest entry',
    ],
  ])('manifest: %s › the mirror is down with that reason', async (_case, text, reason) => {
    const mirror = new FakeMirror({ '/a.html': PAGE });
    mirror.manifestOverride = text;
    const { prober } = setUp({ m: mirror });
    await prober.checkNow();
    const [standing] = prober.mirrorStandings('/a.html', sha256(PAGE));
    expect(standing.eligible ? '' : standing.reason).toContain(reason);
  });

  it('a mirror down at its first check › announced as excluded with its reason, no path named', async () => {
    const mirror = new FakeMirror({ '/a.html': PAGE });
    mirror.down = 'connect ECONNREFUSED 127.0.0.2:8081';
    const { prober, changes } = setUp({ m: mirror });
    await prober.checkNow();
    await prober.checkNow();
    expect(changes).toEqual([
      {
        mirror: 'm',
        kind: 'excluded',
        paths: new Set(),
        reason: 'down: connect ECONNREFUSED 127.0.0.2:8081',
      },
    ]);
  });

  it('a file whose bytes differ from its manifest entry (same size) › failed spot check, back once repaired', async () => {
    const mirror = new FakeMirror({ '/a.html': PAGE });
    const { prober, changes } = setUp({ m: mirror });
    await prober.checkNow();
    const manifest = mirror.manifestText();
    mirror.manifestOverride = manifest;
    mirror.files.set('/a.html', PAGE.replace('c', 'C'));
    await prober.checkNow();
    expect(prober.mirrorStandings('/a.html', sha256(PAGE))[0]).toMatchObject({
      eligible: false,
      reason: 'failed spot check: /a.html: other SHA-256 than its manifest',
    });
    mirror.files.set('/a.html', PAGE);
    await prober.checkNow();
    expect(prober.eligibleMirrors('/a.html', sha256(PAGE))).toHaveLength(1);
    expect(changes.map((change) => change.kind)).toEqual(['restored', 'excluded', 'restored']);
  });

  it('a failed file › checked again each round, the mirror out until it passes, whatever random picks', async () => {
    const mirror = new FakeMirror({ '/a.html': PAGE, '/b.html': OLD_PAGE, '/logo.png': LOGO });
    mirror.manifestOverride = mirror.manifestText();
    mirror.files.delete('/a.html');
    let pick = 0; // random() = 0 picks /a.html, the first file; the rounds after would pick /logo.png
    const prober = new MirrorProber({
      mirrors: [{ name: 'm', url: 'http://m.test/' }],
      get: async (request) => mirror.answer(request, decodeURIComponent(request.url.pathname)),
      random: () => pick,
    });
    await prober.checkNow();
    pick = 0.99;
    for (let round = 0; round < 3; round++) {
      await prober.checkNow();
      expect(prober.mirrorStandings('/logo.png', sha256(LOGO))[0]).toMatchObject({
        eligible: false,
        reason: 'failed spot check: /a.html: answered 404',
      });
    }
    mirror.files.set('/a.html', PAGE);
    await prober.checkNow();
    expect(prober.eligibleMirrors('/logo.png', sha256(LOGO))).toHaveLength(1);
    expect(mirror.requests.map((request) => request.url.pathname).at(-1)).toBe('/a.html');
    await prober.checkNow();
    expect(mirror.requests.map((request) => request.url.pathname).at(-1)).toBe('/logo.png');
  });

  it('a listed file the mirror lacks › failed spot check naming its status', async () => {
    const mirror = new FakeMirror({ '/a.html': PAGE });
    mirror.manifestOverride = mirror.manifestText();
    mirror.files.delete('/a.html');
    const { prober } = setUp({ m: mirror });
    await prober.checkNow();
    expect(prober.mirrorStandings('/a.html', sha256(PAGE))[0]).toMatchObject({
      reason: 'failed spot check: /a.html: answered 404',
    });
  });

  it('advertised paths › the next spot check is among them, once; then any file of the manifest', async () => {
    // random() = 0 picks the first candidate: /a.html among all files, the advertised one when there is one.
    const mirror = new FakeMirror({ '/a.html': PAGE, '/b.html': OLD_PAGE, '/logo.png': LOGO });
    const { prober } = setUp({ m: mirror });
    const spotChecked = () => mirror.requests.map((request) => request.url.pathname).at(-1);
    prober.noteAdvertised('/logo.png');
    prober.noteAdvertised('/not-on-the-mirror.html');
    await prober.checkNow();
    expect(spotChecked()).toBe('/logo.png');
    await prober.checkNow();
    expect(spotChecked()).toBe('/a.html');
  });

  it('pref › a mirror whose answer names the same SHA-256 in Repr-Digest or Digest sends digests; others do not', async () => {
    const answers: Record<string, Record<string, string>> = {
      repr: { 'repr-digest': `sha-256=:${sha256(PAGE)}:` },
      legacy: { digest: `md5=abc, sha-256=${sha256(PAGE)}` },
      wrong: { 'repr-digest': `sha-256=:${sha256(OLD_PAGE)}:` },
      none: {},
    };
    const mirrors = Object.fromEntries(
      Object.entries(answers).map(([name, headers]) => {
        const mirror = new FakeMirror({ '/a.html': PAGE });
        const plain = mirror.answer.bind(mirror);
        mirror.answer = (request, path) => {
          const res = plain(request, path);
          return path === '/a.html' ? { ...res, headers: { ...res.headers, ...headers } } : res;
        };
        return [name, mirror];
      }),
    );
    const { prober } = setUp(mirrors);
    await prober.checkNow();
    expect(Object.keys(answers).map((name) => [name, prober.sendsDigests(name)])).toEqual([
      ['repr', true],
      ['legacy', true],
      ['wrong', false],
      ['none', false],
    ]);
  });

  it('a mirror starting to send its digests › one change of kind digests, naming every path it holds', async () => {
    const mirror = new FakeMirror({ '/a.html': PAGE });
    let extra: Record<string, string> = {};
    const plain = mirror.answer.bind(mirror);
    mirror.answer = (request, path) => {
      const res = plain(request, path);
      return path === '/a.html' ? { ...res, headers: { ...res.headers, ...extra } } : res;
    };
    const { prober, changes } = setUp({ m: mirror });
    await prober.checkNow();
    extra = { 'repr-digest': `sha-256=:${sha256(PAGE)}:` };
    await prober.checkNow();
    expect(prober.sendsDigests('m')).toBe(true);
    expect(changes.map((change) => [change.kind, [...change.paths]])).toEqual([
      ['restored', ['/a.html']],
      ['digests', ['/a.html']],
    ]);
  });

  it('a new manifest › one change naming only the paths whose entry changed', async () => {
    const mirror = new FakeMirror({ '/a.html': OLD_PAGE, '/logo.png': LOGO, '/gone.txt': 'x' });
    const { prober, changes } = setUp({ m: mirror });
    await prober.checkNow();
    mirror.files.set('/a.html', PAGE);
    mirror.files.delete('/gone.txt');
    mirror.etag = '"v2"';
    await prober.checkNow();
    expect(changes.at(-1)).toEqual({
      mirror: 'm',
      kind: 'manifest',
      paths: new Set(['/a.html', '/gone.txt']),
    });
    expect(prober.eligibleMirrors('/a.html', sha256(PAGE))).toHaveLength(1);
  });

  it('a throwing listener › reported, and the probing goes on', async () => {
    const errors: unknown[] = [];
    const prober = new MirrorProber({
      mirrors: [{ name: 'm', url: 'http://m.test/' }],
      get: async (request) => new FakeMirror({ '/a.html': PAGE }).answer(request, request.url.pathname),
      onListenerError: (err) => errors.push(err),
    });
    prober.onChange(() => {
      throw new Error('listener failed');
    });
    await prober.checkNow();
    expect(errors).toHaveLength(1);
    expect(prober.eligibleMirrors('/a.html', sha256(PAGE))).toHaveLength(1);
  });
});
