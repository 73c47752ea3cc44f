// What a real `cdn-include serve` origin says about three real nginx mirrors, path by path: `Link: <…>;
// rel=duplicate` only for the mirrors whose manifest lists the bytes the origin serves now (RFC 6249 §3), by
// priority then configured order, with `pri`, `geo` and `pref`, plus the Metalink `describedby` link; the same
// fields on GET, HEAD and a range, none of the digests on a 304; nothing for credentials, private or
// request-dependent answers; the mirror list with each exclusion's reason; and two origins that say the same.

import { rawRequestToPort, type RawResponse } from '../support/raw-request';
import { describeLinks, duplicateLinks, linkLines, mirrorList, parseLinks } from './mirror-links';
import { firstRound, startMirrorFleet, type MirrorFleet, type Origin } from './mirror-fleet';
import { BIG, PAGE, PRIVATE, REQUEST_DEPENDENT } from './mirror-site';

/** Each mirror's parameters: `pri` where configured, `geo`, `pref` for m1 and m3, which send the digest fields. */
const M1 = 'geo=de pref pri=1';
const M2 = 'geo=fr pri=2';
const M3 = 'geo=us pref';
/** Each path's mirror links: m1 holds the current build, m2 the one before, m3 part of the current one. */
const EXPECTED_MIRRORS: Record<string, string[]> = {
  [PAGE]: [`m1 ${M1}`, `m2 ${M2}`, `m3 ${M3}`],
  '/inc/nav.html': [`m1 ${M1}`, `m2 ${M2}`, `m3 ${M3}`],
  // Changed since m2's build: m2 holds other bytes.
  '/news.shtml': [`m1 ${M1}`, `m3 ${M3}`],
  '/files/b.txt': [`m1 ${M1}`, `m3 ${M3}`],
  [BIG]: [`m1 ${M1}`, `m3 ${M3}`],
  // Deleted from m3 by its sync, and from its manifest.
  '/files/a.txt': [`m1 ${M1}`, `m2 ${M2}`],
  // Kept by it.
  '/files/d.txt': [`m1 ${M1}`, `m2 ${M2}`, `m3 ${M3}`],
};
const LISTED = Object.keys(EXPECTED_MIRRORS);
const TOTAL_TESTS = 6;

let fleet: MirrorFleet;
let origin: Origin;
let finished = 0;

function request(path: string, method = 'GET', headers: Record<string, string> = {}): Promise<RawResponse> {
  return rawRequestToPort(origin.port, path, headers, method);
}

/** `path`'s expected links as describeLinks writes them: `m1 geo=de …` → `duplicate <m1/path> geo=de …`. */
function expectedDuplicates(path: string): string[] {
  return EXPECTED_MIRRORS[path].map((line) => {
    const [name, ...params] = line.split(' ');
    return ['duplicate', `<${name}${path}>`, ...params].join(' ');
  });
}

const DESCRIBED_BY = (path: string) => `describedby <${path}.meta4> type=application/metalink4+xml`;

/** The integrity and mirror fields of a response, for comparing answers. */
function mirrorFields(response: RawResponse) {
  return {
    links: describeLinks(response, origin.url, fleet.names),
    reprDigest: response.headers['repr-digest'],
    digest: response.headers.digest,
  };
}

beforeAll(async () => {
  fleet = await startMirrorFleet();
  origin = await fleet.startOrigin();
  // Without a mirror list the tests below fail on their own, each saying what is missing.
  await firstRound(origin).catch(() => undefined);
}, 60_000);

afterAll(async () => {
  await fleet?.stop(finished < TOTAL_TESTS);
});

describe('the mirror links of a real origin with three nginx mirrors', () => {
  it('each path › a duplicate link per mirror holding its current bytes, in offer order, and the Metalink link', async () => {
    for (const path of LISTED) {
      const response = await request(path, 'HEAD');
      const links = describeLinks(response, origin.url, fleet.names);
      const seen = {
        path,
        status: response.status,
        duplicates: links.filter((link) => link.startsWith('duplicate ')),
      };
      expect(seen).toEqual({ path, status: 200, duplicates: expectedDuplicates(path) });
      expect({ path, links }).toEqual({ path, links: expect.arrayContaining([DESCRIBED_BY(path)]) });
      // aria2 takes each Link field line as one link: links joined by commas reach it as one link whose last `rel`
      // wins (here `describedby`), so it would use no mirror at all.
      expect({ path, perLine: linkLines(response).map((line) => parseLinks(line).length) }).toEqual({
        path,
        perLine: linkLines(response).map(() => 1),
      });
    }
    finished += 1;
  });

  it('each path › the identity digests are the manifest’s, as Repr-Digest and as the RFC 3230 Digest', async () => {
    for (const path of LISTED) {
      const { sha256 } = fleet.site.manifest[path];
      const response = await request(path, 'HEAD');
      expect({ path, ...mirrorFields(response), links: undefined }).toEqual({
        path,
        reprDigest: `sha-256=:${sha256}:`,
        digest: `SHA-256=${sha256}`,
        links: undefined,
      });
    }
    finished += 1;
  });

  it('GET, HEAD and a range › identical Link, Repr-Digest and Digest; a 304 › the links, no digests', async () => {
    for (const path of LISTED) {
      const get = await request(path);
      const head = await request(path, 'HEAD');
      const range = await request(path, 'GET', { Range: 'bytes=0-9' });
      expect({ path, status: range.status }).toEqual({ path, status: 206 });
      expect({ path, duplicates: duplicateLinks(get, origin.url, fleet.names) }).toEqual({
        path,
        duplicates: expectedDuplicates(path),
      });
      expect({ path, head: mirrorFields(head), range: mirrorFields(range) }).toEqual({
        path,
        head: mirrorFields(get),
        range: mirrorFields(get),
      });
      const notModified = await request(path, 'GET', { 'If-None-Match': String(get.headers.etag) });
      expect({ path, status: notModified.status, ...mirrorFields(notModified) }).toEqual({
        path,
        status: 304,
        links: mirrorFields(get).links,
        reprDigest: undefined,
        digest: undefined,
      });
    }
    finished += 1;
  });

  it('credentials, a private file, a request-dependent page › no mirror links and no Digest', async () => {
    const answers = {
      cookie: await request(PAGE, 'HEAD', { Cookie: 'session=1' }),
      authorization: await request(PAGE, 'HEAD', { Authorization: 'Basic dTpw' }),
      private: await request(PRIVATE, 'HEAD'),
      requestDependent: await request(REQUEST_DEPENDENT, 'HEAD'),
    };
    for (const [what, response] of Object.entries(answers)) {
      expect({ what, status: response.status }).toEqual({ what, status: 200 });
      expect({ what, duplicates: duplicateLinks(response, origin.url, fleet.names) }).toEqual({
        what,
        duplicates: [],
      });
      expect({ what, digest: response.headers.digest }).toEqual({ what, digest: undefined });
    }
    // A request-dependent page has no one digest, so no Metalink either.
    expect(describeLinks(answers.requestDependent, origin.url, fleet.names)).toEqual([]);
    finished += 1;
  });

  it('PATH?mirrorlist › every mirror with its URL, eligible or the reason it is left out', async () => {
    const url = (name: 'm1' | 'm2' | 'm3', path: string) => `${fleet[name].url}${path.slice(1)}`;
    expect(await mirrorList(origin.port, '/news.shtml')).toMatchObject({
      path: '/news.shtml',
      sha256: fleet.site.manifest['/news.shtml'].sha256,
      mirrors: [
        { name: 'm1', url: url('m1', '/news.shtml'), geo: 'de', priority: 1, eligible: true },
        {
          name: 'm2',
          url: url('m2', '/news.shtml'),
          geo: 'fr',
          priority: 2,
          eligible: false,
          reason: 'stale: other digest',
        },
        { name: 'm3', url: url('m3', '/news.shtml'), geo: 'us', eligible: true },
      ],
    });
    const partial = await mirrorList(origin.port, '/files/a.txt');
    expect(partial.mirrors.map(({ name, eligible, reason }) => ({ name, eligible, reason }))).toEqual([
      { name: 'm1', eligible: true, reason: undefined },
      { name: 'm2', eligible: true, reason: undefined },
      { name: 'm3', eligible: false, reason: 'no such file' },
    ]);
    const html = await request('/files/a.txt?mirrorlist', 'GET', { Accept: 'text/html' });
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    for (const name of ['m1', 'm2', 'm3', 'no such file']) expect(html.body.toString()).toContain(name);
    finished += 1;
  });
});

describe('two origins serving the same files with the same mirrors', () => {
  it('each path › the same identity digests and the same Link set from both', async () => {
    const second = await fleet.startOrigin();
    await firstRound(second);
    for (const path of LISTED) {
      const [one, two] = await Promise.all(
        [origin, second].map((each) => rawRequestToPort(each.port, path, {}, 'HEAD')),
      );
      const fieldsOf = (response: RawResponse, from: Origin) => ({
        links: describeLinks(response, from.url, fleet.names),
        reprDigest: response.headers['repr-digest'],
        digest: response.headers.digest,
      });
      expect({ path, ...fieldsOf(two, second) }).toEqual({ path, ...fieldsOf(one, origin) });
      expect(one.headers.digest).toBeDefined();
    }
    finished += 1;
  });
});
