// Redirects to a near mirror through the app (README "Redirecting to a near mirror"), with a directory that knows
// which mirror holds which digest: what the 302 carries, which requests stay local (small, revalidating, from a
// mirror, outside the paths, no mirror holding the bytes, not overloaded), the choice staying on one mirror for one
// network across range requests, the client's country first, and the file held in memory as the streamed one.

import { createHash } from 'node:crypto';
import request from 'supertest';
import type { MirrorConfig } from '../../src/mirrors/mirror-config';
import type { MirrorChange, MirrorDirectory, MirrorStanding } from '../../src/mirrors/mirror-directory';
import { geoNetworkTable } from '../../src/mirrors/geo-lookup';
import type { MirrorRedirectPolicy } from '../../src/mirrors/mirror-redirect-policy';
import { createApp, type AppOptions } from '../../src/server/app';
import type { LoadSignal } from '../../src/server/load-signal';
import { ssi } from '../../src/server/ssi-middleware';
import { at, TempSite } from '../support/temp-site';

const BIG = Buffer.alloc(10_000, 1);
const HUGE = Buffer.alloc(40_000, 2);
const SMALL = Buffer.alloc(100, 3);

const MIRRORS: MirrorConfig[] = [
  { name: 'm1', url: 'http://192.0.2.10/site/', priority: 1 },
  { name: 'm2', url: 'http://192.0.2.20/', priority: 2, weight: 2 },
  { name: 'de1', url: 'https://de.mirror.example/', geo: 'de', priority: 3 },
];

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('base64');
}

/** Holds every file's bytes on every mirror, unless told otherwise; counts its questions. */
class FakeDirectory implements MirrorDirectory {
  questions = 0;
  readonly holds = new Map<string, string>();
  constructor(readonly mirrors: MirrorConfig[] = MIRRORS) {}
  eligibleMirrors(path: string, digest: string): readonly MirrorConfig[] {
    this.questions++;
    return this.holds.get(path) === digest ? this.mirrors : [];
  }
  mirrorStandings(): readonly MirrorStanding[] {
    return [];
  }
  onChange(_listener: (change: MirrorChange) => void): () => void {
    return () => undefined;
  }
  readonly advertised: string[] = [];
  sendsDigests(name: string): boolean {
    return name === 'm1';
  }
  noteAdvertised(path: string): void {
    this.advertised.push(path);
  }
  isMirrorAddress(address: string): boolean {
    return address === '192.0.2.20';
  }
}

const site = new TempSite()
  .write('downloads/big.bin', BIG, at(1))
  .write('downloads/huge.bin', HUGE, at(2))
  .write('downloads/small.bin', SMALL, at(3))
  .write('other/big.bin', BIG, at(4));
afterAll(() => site.remove());

const POLICY: MirrorRedirectPolicy = { paths: ['/downloads/'] };

function appWith(options: Partial<AppOptions> = {}, directory = new FakeDirectory()) {
  directory.holds.set('/downloads/big.bin', sha256(BIG));
  directory.holds.set('/downloads/huge.bin', sha256(HUGE));
  directory.holds.set('/downloads/small.bin', sha256(SMALL));
  directory.holds.set('/other/big.bin', sha256(BIG));
  const app = createApp({
    root: site.root,
    // huge.bin is streamed from disk, the others are held in memory.
    streamThreshold: 20_000,
    trustProxy: ['127.0.0.1'],
    mirrorDirectory: directory,
    mirrorRedirect: POLICY,
    ...options,
  });
  return { server: app.callback(), directory };
}

/** The mirror a Location names. */
function mirrorOf(location: string | undefined): string | undefined {
  return MIRRORS.find((mirror) => location?.startsWith(mirror.url))?.name;
}

describe('a download under the paths, held by mirrors', () => {
  it('GET › 302 to a mirror: Location with the query, private no-cache, the Link set chosen first, Digest', async () => {
    const { server } = appWith();
    const res = await request(server).get('/downloads/big.bin?v=2').set('X-Forwarded-For', '203.0.113.5');
    expect(res.status).toBe(302);
    const chosen = MIRRORS.find((mirror) => mirror.name === mirrorOf(res.headers.location)) as MirrorConfig;
    expect(res.headers.location).toBe(`${chosen.url}downloads/big.bin?v=2`);
    expect(res.headers['cache-control']).toBe('private, no-cache');
    expect(res.headers.etag).toBeUndefined();
    expect(res.headers['repr-digest']).toBeUndefined();
    expect(res.headers.digest).toBe(`SHA-256=${sha256(BIG)}`);
    const links = (res.headers.link as string).split(/, (?=<)/);
    expect(links[0]).toBe(
      `<${chosen.url}downloads/big.bin>; rel=duplicate; pri=1` +
        (chosen.geo ? `; geo=${chosen.geo}` : '') +
        (chosen.name === 'm1' ? '; pref' : ''),
    );
    expect(links).toHaveLength(4);
    expect(links.slice(0, 3).map((link) => mirrorOf(link.slice(1)))).toEqual(
      expect.arrayContaining(['m1', 'm2', 'de1']),
    );
    expect(links.slice(1, 3).map((link) => /pri=(\d)/.exec(link)?.[1])).toEqual(['2', '3']);
    expect(links[3]).toBe('</downloads/big.bin.meta4>; rel=describedby; type="application/metalink4+xml"');
    expect(res.text.length).toBeLessThan(100);
  });

  it('HEAD › the same 302 and fields, no body', async () => {
    const { server } = appWith();
    const get = await request(server).get('/downloads/big.bin').set('X-Forwarded-For', '203.0.113.5');
    const head = await request(server).head('/downloads/big.bin').set('X-Forwarded-For', '203.0.113.5');
    expect(head.status).toBe(302);
    for (const name of ['location', 'cache-control', 'link', 'digest'])
      expect(head.headers[name]).toBe(get.headers[name]);
    expect(head.text).toBeUndefined();
  });

  it('a streamed file (above streamThreshold) › redirected alike, with its own digest', async () => {
    const { server, directory } = appWith();
    const res = await request(server).get('/downloads/huge.bin').set('X-Forwarded-For', '203.0.113.5');
    expect(res.status).toBe(302);
    expect(res.headers.digest).toBe(`SHA-256=${sha256(HUGE)}`);
    // Without a mirror holding these bytes it is streamed by the origin itself.
    directory.holds.set('/downloads/huge.bin', sha256(BIG));
    const local = await request(server).get('/downloads/huge.bin').set('X-Forwarded-For', '203.0.113.5');
    expect(local.status).toBe(200);
    expect(local.body).toEqual(HUGE);
  });

  it('from the render cache (a second request) › redirected as the first was', async () => {
    const { server } = appWith();
    for (let round = 0; round < 3; round++) {
      const res = await request(server).get('/downloads/big.bin').set('X-Forwarded-For', '203.0.113.5');
      expect(res.status).toBe(302);
    }
  });

  it('one client network, many range requests › always the same mirror; other networks › spread by weight', async () => {
    const { server } = appWith({}, new FakeDirectory(MIRRORS.slice(0, 2)));
    const seen = new Set<string | undefined>();
    for (let host = 1; host <= 20; host++) {
      const res = await request(server)
        .get('/downloads/big.bin')
        .set('X-Forwarded-For', `203.0.113.${host}`)
        .set('Range', `bytes=${host * 100}-${host * 100 + 99}`);
      expect(res.status).toBe(302);
      seen.add(mirrorOf(res.headers.location));
    }
    expect(seen.size).toBe(1);
    const networks = new Set<string | undefined>();
    for (let network = 0; network < 40; network++) {
      const res = await request(server).get('/downloads/big.bin').set('X-Forwarded-For', `10.0.${network}.1`);
      networks.add(mirrorOf(res.headers.location));
    }
    expect([...networks].sort()).toEqual(['m1', 'm2']);
  });

  it('a client whose country has a mirror › always that one, wherever the hash would go', async () => {
    const { server } = appWith({ geo: geoNetworkTable({ de: ['10.0.0.0/8'] }) });
    for (let network = 0; network < 20; network++) {
      const res = await request(server).get('/downloads/big.bin').set('X-Forwarded-For', `10.7.${network}.1`);
      expect(mirrorOf(res.headers.location)).toBe('de1');
      expect((res.headers.link as string).startsWith('<https://de.mirror.example/downloads/big.bin>')).toBe(
        true,
      );
    }
  });
});

describe('answered by the origin itself', () => {
  it.each([
    ['below minBytes', '/downloads/small.bin', {}],
    ['outside the paths', '/other/big.bin', {}],
    ['If-None-Match (a 304 is cheaper)', '/downloads/big.bin', { 'If-None-Match': '"x"' }],
    ['If-Modified-Since', '/downloads/big.bin', { 'If-Modified-Since': 'Mon, 15 Jan 2024 12:00:01 GMT' }],
    ['If-Match (validators of this origin)', '/downloads/big.bin', { 'If-Match': '*' }],
    ['from a mirror’s own address', '/downloads/big.bin', { 'X-Forwarded-For': '192.0.2.20' }],
  ])('%s › not redirected', async (_label, path, headers: Record<string, string>) => {
    const { server } = appWith();
    const res = await request(server)
      .get(path)
      .set({ 'X-Forwarded-For': '203.0.113.5', ...headers });
    expect(res.status).not.toBe(302);
    expect(res.headers.location).toBeUndefined();
  });

  it('a revalidation › 304 from the origin; with a Range only › redirected', async () => {
    const { server } = appWith();
    const first = await request(server).get('/downloads/big.bin').set('X-Forwarded-For', '192.0.2.20');
    expect(first.status).toBe(200);
    const again = await request(server)
      .get('/downloads/big.bin')
      .set('X-Forwarded-For', '203.0.113.5')
      .set('If-None-Match', first.headers.etag);
    expect(again.status).toBe(304);
    const range = await request(server)
      .get('/downloads/big.bin')
      .set('X-Forwarded-For', '203.0.113.5')
      .set('Range', 'bytes=0-9');
    expect(range.status).toBe(302);
  });

  it('minBytes 0 › the small file redirected too', async () => {
    const { server } = appWith({ mirrorRedirect: { paths: ['/downloads/'], minBytes: 0 } });
    const res = await request(server).get('/downloads/small.bin').set('X-Forwarded-For', '203.0.113.5');
    expect(res.status).toBe(302);
  });

  it('no mirror holds the current bytes › 200 with the file', async () => {
    const { server, directory } = appWith();
    directory.holds.set('/downloads/big.bin', sha256(SMALL));
    const res = await request(server).get('/downloads/big.bin').set('X-Forwarded-For', '203.0.113.5');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(BIG);
  });

  it('when overloaded › the signal decides, per request; without a signal › never', async () => {
    let overloaded = false;
    const policy: MirrorRedirectPolicy = { paths: ['/downloads/'], when: 'overloaded' };
    const { server } = appWith({ mirrorRedirect: policy, overloaded: () => overloaded });
    const get = () => request(server).get('/downloads/big.bin').set('X-Forwarded-For', '203.0.113.5');
    expect((await get()).status).toBe(200);
    overloaded = true;
    expect((await get()).status).toBe(302);
    overloaded = false;
    expect((await get()).status).toBe(200);
    const unsignalled = appWith({ mirrorRedirect: policy });
    const res = await request(unsignalled.server).get('/downloads/big.bin');
    expect(res.status).toBe(200);
  });

  it('when overloaded with a loadSignal › the requests it sheds are redirected, the others served', async () => {
    let shedding = false;
    const loadSignal: LoadSignal = {
      level: () => (shedding ? 'overloaded' : 'normal'),
      shed: () => shedding,
    };
    const policy: MirrorRedirectPolicy = { paths: ['/downloads/'], when: 'overloaded' };
    const { server } = appWith({ mirrorRedirect: policy, loadSignal });
    const get = () => request(server).get('/downloads/big.bin').set('X-Forwarded-For', '203.0.113.5');
    expect((await get()).status).toBe(200);
    shedding = true;
    expect((await get()).status).toBe(302);
  });

  it('a site without mirrorRedirect › the file itself, with the public mirror links of every response', async () => {
    const { server } = appWith({ mirrorRedirect: undefined });
    const res = await request(server).get('/downloads/big.bin').set('X-Forwarded-For', '203.0.113.5');
    expect(res.status).toBe(200);
    expect(res.headers.location).toBeUndefined();
    expect(res.body).toEqual(BIG);
    expect(res.headers.link).toContain('rel=duplicate');
  });
});

describe('ssi() misuse', () => {
  it.each([
    [
      'no directory',
      { mirrorRedirect: POLICY },
      "ssi(): option 'mirrorRedirect' needs option 'mirrorDirectory'",
    ],
    [
      'a relative path',
      { mirrorRedirect: { paths: ['downloads/'] }, mirrorDirectory: new FakeDirectory() },
      `ssi(): option 'mirrorRedirect'.paths[0] must be a URL-path prefix starting with "/"`,
    ],
    [
      'an unknown when',
      { mirrorRedirect: { paths: ['/d/'], when: 'busy' }, mirrorDirectory: new FakeDirectory() },
      `ssi(): option 'mirrorRedirect'.when must be "always" or "overloaded", not "busy"`,
    ],
    [
      'a loadSignal without shed()',
      { loadSignal: { level: () => 'normal' } },
      "ssi(): option 'loadSignal' must be a LoadSignal (an object with level() and shed())",
    ],
    [
      'a geo without countryOf',
      { mirrorRedirect: POLICY, mirrorDirectory: new FakeDirectory(), geo: {} },
      "ssi(): option 'geo' must be a GeoLookup",
    ],
  ])('%s › a TypeError naming the option', (_label, options, message) => {
    const given = { root: site.root, ...options } as Parameters<typeof ssi>[0];
    expect(() => ssi(given)).toThrow(TypeError);
    expect(() => ssi(given)).toThrow(message);
  });
});
