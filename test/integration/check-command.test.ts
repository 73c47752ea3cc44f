// `cdn-include check` end to end through the dispatcher, against small node:http origins started on port 0.

import { createHash } from 'node:crypto';
import type http from 'node:http';
import { gzipSync } from 'node:zlib';
import { closeServer, listenOnFreePort, serverUrl } from '../support/listening-server';
import { runCliOnce, type CliOutcome } from '../support/running-cli';

const BODY = Buffer.from('<!DOCTYPE html><title>Grüße</title><p>Hello from the origin.</p>\n', 'utf8');
const ETAG = `"${createHash('sha256').update(BODY).digest('base64url').slice(0, 22)}"`;
const LAST_MODIFIED = 'Tue, 04 Mar 2025 10:00:00 GMT';

interface OriginBehaviour {
  honourIfNoneMatch: boolean;
  etagOn304: boolean;
}

/** An origin that answers GET/HEAD for any path; `behaviour` picks how it gets revalidation wrong. */
function handler(behaviour: OriginBehaviour): http.RequestListener {
  return (req, res) => {
    const headers: http.OutgoingHttpHeaders = {
      'Cache-Control': 'public, max-age=0',
      Vary: 'Accept-Encoding',
      ETag: ETAG,
      'Last-Modified': LAST_MODIFIED,
    };
    const etagMatches = behaviour.honourIfNoneMatch && req.headers['if-none-match'] === ETAG;
    const notModifiedSince =
      req.headers['if-none-match'] === undefined && req.headers['if-modified-since'] === LAST_MODIFIED;
    if (etagMatches || notModifiedSince) {
      if (!behaviour.etagOn304) delete headers.ETag;
      res.writeHead(304, headers).end();
      return;
    }
    res.writeHead(200, {
      ...headers,
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': BODY.length,
    });
    res.end(req.method === 'HEAD' ? undefined : BODY);
  };
}

const runCheck = (args: string[]): Promise<CliOutcome> => runCliOnce(['check', ...args], { env: {} });

const servers: http.Server[] = [];

async function start(listener: http.RequestListener): Promise<string> {
  const server = await listenOnFreePort(listener);
  servers.push(server);
  return `${serverUrl(server)}/page.shtml`;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map(closeServer));
});

describe('cdn-include check', () => {
  it('when the origin revalidates correctly › one line per step, the verdict, exit 0', async () => {
    const url = await start(handler({ honourIfNoneMatch: true, etagOn304: true }));
    const result = await runCheck([url]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`check ${url}`);
    expect(lines[1]).toMatch(
      new RegExp(`^GET -> 200 \\| ETag: ${ETAG} \\| Last-Modified: ${LAST_MODIFIED} \\|`),
    );
    expect(lines[1]).toContain(`body ${BODY.length} bytes sha256:`);
    expect(lines[2]).toMatch(
      /^GET If-Modified-Since: Tue, 04 Mar 2025 10:00:00 GMT -> 304 \| .* \| no body$/,
    );
    expect(lines[3]).toMatch(new RegExp(`^GET If-None-Match: ${ETAG} -> 304 \\|`));
    expect(lines[4]).toMatch(new RegExp(`^HEAD -> 200 \\| .*Content-Length: ${BODY.length} .*\\| no body$`));
    expect(lines[5]).toMatch(
      /^GET Accept-Encoding: gzip, deflate, br -> 200 \| .* \| body \d+ bytes sha256:/,
    );
    expect(lines.slice(6)).toEqual([
      'cdn stored by shared caches: yes',
      'cdn fresh: 0 s, from Cache-Control max-age',
      `cdn revalidates with: If-None-Match: ${ETAG}, If-Modified-Since: ${LAST_MODIFIED}`,
      'cdn serves stale: only if the CDN is set to (no stale-while-revalidate, stale-if-error)',
      'cdn varies on: Accept-Encoding',
      'verdict: origin revalidates correctly',
    ]);
  });

  it('when the origin ignores If-None-Match › flags if-none-match-ignored, exit 1', async () => {
    const url = await start(handler({ honourIfNoneMatch: false, etagOn304: true }));
    const result = await runCheck([url]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^GET If-None-Match: .* -> 200 \|/m);
    expect(result.stdout).toMatch(
      /^error if-none-match-ignored: If-None-Match: ".*" \(the page's own validator\)/m,
    );
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('verdict: origin does NOT revalidate correctly');
  });

  it('when the origin drops ETag from its 304 › flags not-modified-drops-header, exit 1', async () => {
    const url = await start(handler({ honourIfNoneMatch: true, etagOn304: false }));
    const result = await runCheck([url]);
    expect(result.code).toBe(1);
    const problems = result.stdout.split('\n').filter((line) => line.startsWith('error '));
    expect(problems).toEqual([
      expect.stringMatching(
        /^error not-modified-drops-header: The 304 to GET If-Modified-Since has no ETag /,
      ),
      expect.stringMatching(/^error not-modified-drops-header: The 304 to GET If-None-Match has no ETag /),
    ]);
  });

  it('when the origin sends no validators and no Cache-Control › skips the replays, errors and warns', async () => {
    const url = await start((_req, res) => void res.end('plain'));
    const result = await runCheck([url, '--header', 'Accept-Encoding: gzip']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('skipped GET If-Modified-Since: the 200 has no Last-Modified\n');
    expect(result.stdout).toContain('skipped GET If-None-Match: the 200 has no ETag\n');
    expect(result.stdout).toMatch(/^error no-validators: /m);
    expect(result.stdout).toMatch(/^warning heuristic-freshness: There is no Cache-Control /m);
  });

  it('when --header is given › every request carries it', async () => {
    const seen: Array<string | string[] | undefined> = [];
    const revalidating = handler({ honourIfNoneMatch: true, etagOn304: true });
    const url = await start((req, res) => {
      seen.push(req.headers['x-edge']);
      revalidating(req, res);
    });
    expect((await runCheck(['-H', 'X-Edge: test', url])).code).toBe(0);
    expect(seen).toEqual(['test', 'test', 'test', 'test', 'test']);
  });

  it.each([
    [[], 'cdn-include check: missing URL (see cdn-include check --help)\n'],
    [
      ['ftp://example.com/'],
      "cdn-include check: URL must be an absolute http: or https: URL, not 'ftp://example.com/' (see cdn-include check --help)\n",
    ],
    [
      ['http://a/', '--bogus'],
      "cdn-include check: unknown option '--bogus' (see cdn-include check --help)\n",
    ],
    [
      ['http://a/', '--timeout', '10s'],
      "cdn-include check: option '--timeout' needs a whole number from 1 to 3600000, not '10s' (see cdn-include check --help)\n",
    ],
  ])('when the arguments are %j › one usage line on stderr, exit 2', async (args, line) => {
    expect(await runCheck(args)).toEqual({ code: 2, stdout: '', stderr: line });
  });

  it('when the origin cannot be reached › one line on stderr, exit 1', async () => {
    const url = await start(() => undefined);
    await closeServer(servers.pop() as http.Server);
    const result = await runCheck([url]);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toMatch(new RegExp(`^cdn-include check: GET ${url}: .*ECONNREFUSED.*\\n$`));
  });

  it('when the origin never answers › a timeout line on stderr, exit 1', async () => {
    const url = await start(() => undefined);
    const result = await runCheck([url, '--timeout', '200']);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `cdn-include check: GET ${url}: no complete response within 200 ms\n`,
    });
  });

  it('when --json is given › one JSON document with the exchanges, what a CDN does and the problems', async () => {
    const url = await start(handler({ honourIfNoneMatch: true, etagOn304: true }));
    const result = await runCheck([url, '--json']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const report = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual([
      'version',
      'url',
      'ok',
      'cdn',
      'exchanges',
      'skipped',
      'problems',
      'assetHosts',
      'error',
    ]);
    expect(report).toMatchObject({ version: 1, url, ok: true, skipped: [], problems: [], error: null });
    expect(report.cdn).toEqual({
      storable: true,
      notStorableBecause: null,
      freshnessLifetime: 0,
      freshnessSource: 'max-age',
      age: 0,
      revalidatesEveryUse: false,
      validators: [
        { field: 'If-None-Match', value: ETAG },
        { field: 'If-Modified-Since', value: LAST_MODIFIED },
      ],
      staleWhileRevalidate: 0,
      staleIfError: 0,
      staleForbiddenBy: null,
      varyOn: ['Accept-Encoding'],
      varyAny: false,
    });
    const exchanges = report.exchanges as Array<Record<string, unknown>>;
    expect(exchanges.map((exchange) => [exchange.step, exchange.status])).toEqual([
      ['get', 200],
      ['if-modified-since', 304],
      ['if-none-match', 304],
      ['head', 200],
      ['vary-probe', 200],
    ]);
    expect(exchanges[2]).toMatchObject({
      method: 'GET',
      validator: { 'if-none-match': ETAG },
      probe: {},
      headers: { etag: ETAG, 'cache-control': 'public, max-age=0' },
      bodyLength: 0,
    });
  });

  it('when --json is given and the origin cannot be reached › the error in JSON on stdout, exit 1', async () => {
    const url = await start(() => undefined);
    await closeServer(servers.pop() as http.Server);
    const result = await runCheck([url, '--json']);
    expect(result).toMatchObject({ code: 1, stderr: '' });
    expect(JSON.parse(result.stdout)).toEqual({
      version: 1,
      url,
      ok: false,
      assetHosts: null,
      cdn: null,
      exchanges: [],
      skipped: [],
      problems: [],
      error: { step: 'get', message: expect.stringMatching(/ECONNREFUSED/) },
    });
  });

  it('when the origin gzips on request without Vary: Accept-Encoding › missing-vary error, exit 1', async () => {
    const url = await start((req, res) => {
      const gzip = /gzip/.test(req.headers['accept-encoding'] ?? '');
      res.writeHead(200, {
        'Cache-Control': 'public, max-age=60',
        ETag: gzip ? '"gz"' : '"id"',
        ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
      });
      res.end(gzip ? gzipSync(BODY) : BODY);
    });
    const result = await runCheck([url]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^GET Accept-Encoding: gzip, deflate, br -> 200 \| ETag: "gz" \| .*Content-Encoding: gzip/m,
    );
    expect(result.stdout).toMatch(
      /^error missing-vary: With Accept-Encoding: gzip, deflate, br the origin answered Content-Encoding: gzip instead of identity, but Vary does not name Accept-Encoding/m,
    );
    expect(result.stdout).toContain('cdn varies on: nothing\n');
  });

  it('when the origin sends s-maxage, stale-while-revalidate and Age › the cdn lines say what an edge does', async () => {
    const url = await start((_req, res) => {
      res.writeHead(200, {
        'Cache-Control': 'public, max-age=10, s-maxage=300, stale-while-revalidate=30',
        Age: '100',
        ETag: ETAG,
        Vary: 'Accept-Encoding, Accept-Language',
      });
      res.end(BODY);
    });
    const result = await runCheck([url]);
    const cdnLines = result.stdout.split('\n').filter((line) => line.startsWith('cdn '));
    expect(cdnLines).toEqual([
      'cdn stored by shared caches: yes',
      'cdn fresh: 300 s, from Cache-Control s-maxage; it arrived with Age: 100, so 200 s are left (RFC 9111 §4.2.3)',
      `cdn revalidates with: If-None-Match: ${ETAG}`,
      'cdn serves stale: never without revalidation (s-maxage, RFC 9111 §4.2.4), though RFC 5861 asks for 30 s while revalidating',
      'cdn varies on: Accept-Encoding, Accept-Language',
    ]);
  });

  it('when asked for help › prints the help text, exit 0', async () => {
    const result = await runCheck(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: cdn-include check URL \[options\]\n/);
  });
});
