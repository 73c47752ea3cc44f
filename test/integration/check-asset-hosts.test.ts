// `cdn-include check --asset-hosts` end to end against real TLS servers on 127.0.0.1 (node:http2 secure servers
// that also speak HTTP/1.1, or node:https for HTTP/1.1 only), with certificates from a CA made by openssl at test
// time: one certificate covering every name, one that misses a shard, and shards whose validators differ.

import type http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import type { AssetHostReport } from '../../src/check/asset-host-check';
import { LocalCa, type ServerCertificate } from '../support/local-ca';
import { runCliOnce, type CliOutcome } from '../support/running-cli';

jest.setTimeout(30_000);

const PAGE_HOST = 'www.example.test';
const NAMES = [PAGE_HOST, 'a1.example.test', 'a2.example.test'];
const LAST_MODIFIED = 'Tue, 01 Dec 2026 00:00:00 GMT';

let ca: LocalCa;
let everyName: ServerCertificate;
let missingA2: ServerCertificate;
let a2Only: ServerCertificate;
const servers: Array<http2.Http2SecureServer | https.Server> = [];

beforeAll(() => {
  ca = new LocalCa();
  everyName = ca.issue(NAMES);
  missingA2 = ca.issue([PAGE_HOST, 'a1.example.test']);
  a2Only = ca.issue(['a2.example.test']);
});

afterAll(() => ca?.remove());

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** What the origin does: its certificates by SNI name, HTTP/2 or not, and a2's own ETag when told. */
interface OriginSetup {
  http2: boolean;
  certificateFor: (name: string) => ServerCertificate;
  a2OwnEtag?: boolean;
}

/** The page references 3 images on a1, 2 on a2 and one on its own host, all on the origin's port. */
function page(port: number): string {
  const images = ['a1', 'a2', 'a1', 'a2', 'a1', 'www'].map(
    (host, index) => `<img src="https://${host}.example.test:${port}/img/${index}.png">`,
  );
  return `<!doctype html><title>shards</title><a href="https://a3.example.test/">not fetched</a>${images.join('')}`;
}

async function startOrigin(setup: OriginSetup): Promise<string> {
  const contexts = new Map<string, tls.SecureContext>();
  const contextFor = (name: string) => {
    const certificate = setup.certificateFor(name);
    if (!contexts.has(certificate.certFile))
      contexts.set(
        certificate.certFile,
        tls.createSecureContext({ cert: certificate.cert, key: certificate.key }),
      );
    return contexts.get(certificate.certFile)!;
  };
  const options = {
    ...setup.certificateFor(PAGE_HOST),
    SNICallback: (name: string, done: (err: Error | null, context: tls.SecureContext) => void) =>
      done(null, contextFor(name)),
  };
  let port = 0;
  const listener = (req: http2.Http2ServerRequest | http.IncomingMessage, response: unknown): void => {
    // The HTTP/2 compatibility response and node:http's share what this handler uses.
    const res = response as http.ServerResponse;
    const host = String(req.headers[':authority'] ?? req.headers.host ?? '').replace(/:\d+$/, '');
    if (req.url === '/') {
      // A page a CDN revalidates correctly, so only the asset-host part decides the exit code.
      const fields = {
        'cache-control': 'public, max-age=60',
        etag: '"page"',
        'last-modified': LAST_MODIFIED,
      };
      const fresh =
        req.headers['if-none-match'] === '"page"' || req.headers['if-modified-since'] === LAST_MODIFIED;
      if (fresh) return void res.writeHead(304, fields).end();
      res.writeHead(200, { ...fields, 'content-type': 'text/html; charset=utf-8' });
      return void res.end(req.method === 'HEAD' ? undefined : page(port));
    }
    const etag = setup.a2OwnEtag && host === 'a2.example.test' ? '"a2-own"' : '"same"';
    res.writeHead(200, { 'content-type': 'image/png', etag, 'last-modified': LAST_MODIFIED });
    res.end('png');
  };
  const server = setup.http2
    ? http2.createSecureServer({ ...options, allowHTTP1: true }, listener)
    : https.createServer(options, listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  return `https://${PAGE_HOST}:${port}/`;
}

const RESOLVE = ['www', 'a1', 'a2'].flatMap((name) => ['--resolve', `${name}.example.test:127.0.0.1`]);

function check(url: string, ...flags: string[]): Promise<CliOutcome> {
  return runCliOnce(['check', url, '--asset-hosts', '--ca', ca.caFile, ...RESOLVE, ...flags], { env: {} });
}

async function checkJson(url: string): Promise<{ code: number; report: AssetHostReport }> {
  const outcome = await check(url, '--json');
  return {
    code: outcome.code,
    report: (JSON.parse(outcome.stdout) as { assetHosts: AssetHostReport }).assetHosts,
  };
}

describe('check --asset-hosts against real TLS', () => {
  it('HTTP/2, one certificate for every name › both shards coalesce onto the page’s connection; same validators', async () => {
    const url = await startOrigin({ http2: true, certificateFor: () => everyName });
    const { code, report } = await checkJson(url);
    expect(code).toBe(0);
    const origin = new URL(url).origin;
    expect(report.origins.map((entry) => [entry.host, entry.requests, entry.tls?.protocol])).toEqual([
      [PAGE_HOST, 2, 'h2'],
      ['a1.example.test', 3, 'h2'],
      ['a2.example.test', 2, 'h2'],
    ]);
    expect(report.chromium.origins.map((entry) => entry.onto)).toEqual([undefined, origin, origin]);
    expect(report.chromium).toMatchObject({ minConnections: 1, maxConnections: 1 });
    expect(report.firefox).toMatchObject({ minConnections: 1, maxConnections: 1 });
    expect(report.validators.map((comparison) => comparison.verdict)).toEqual(['same', 'same']);
    expect(report.problems).toEqual([]);
  });

  it('the certificate misses a2 › a2 opens its own connection: a warning that says why, still exit 0', async () => {
    const url = await startOrigin({
      http2: true,
      certificateFor: (name) => (name === 'a2.example.test' ? a2Only : missingA2),
    });
    const outcome = await check(url);
    expect(outcome.code).toBe(0);
    const lines = outcome.stdout.split('\n');
    // Two sockets at most for each: the page's navigation races a preconnect; a2's two images may open two.
    expect(lines).toContain('asset connections in Chromium: 2 carrying requests, at most 4 opened');
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^warning asset-host-not-coalesced: https:\/\/a2\.example\.test:\d+ costs an extra HTTP\/2 connection: .*does not cover a2\.example\.test$/,
        ),
        expect.stringMatching(
          /^asset origin https:\/\/a2\.example\.test:\d+: 2 requests, resolves to 127\.0\.0\.1, h2 at 127\.0\.0\.1, certificate for a2\.example\.test \(trusted\); own HTTP\/2 connection/,
        ),
      ]),
    );
  });

  it('HTTP/1.1 only › no coalescing: one to six connections per origin', async () => {
    const url = await startOrigin({ http2: false, certificateFor: () => everyName });
    const { code, report } = await checkJson(url);
    expect(code).toBe(0);
    expect(report.origins.map((entry) => entry.tls?.protocol)).toEqual(['http/1.1', 'http/1.1', 'http/1.1']);
    expect(report.chromium).toMatchObject({ minConnections: 3, maxConnections: 2 + 3 + 2 });
  });

  it('a2 serves its files with another ETag › an error naming both, exit 1', async () => {
    const url = await startOrigin({ http2: true, certificateFor: () => everyName, a2OwnEtag: true });
    const { code, report } = await checkJson(url);
    expect(code).toBe(1);
    expect(report.problems).toEqual([
      expect.objectContaining({
        code: 'asset-validators-differ',
        severity: 'error',
        message: expect.stringContaining('ETag "a2-own" ≠ "same"'),
      }),
    ]);
  });

  it('without --ca › the page itself is refused (untrusted), exit 1', async () => {
    const url = await startOrigin({ http2: true, certificateFor: () => everyName });
    const outcome = await runCliOnce(['check', url, '--asset-hosts', ...RESOLVE], { env: {} });
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(/certificate/i);
  });
});

describe('check usage errors', () => {
  it.each([
    [['--ca', '/nonexistent/ca.pem'], "option '--ca' cannot read '/nonexistent/ca.pem': ENOENT"],
    [['--resolve', 'www.example.test'], "option '--resolve' needs 'NAME:ADDRESS[,ADDRESS…]'"],
    [['--resolve', 'www.example.test:not-an-address'], "option '--resolve' needs"],
  ])('%j › one line naming the option, exit 2', async (flags, message) => {
    const outcome = await runCliOnce(['check', 'https://www.example.test/', ...flags], { env: {} });
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain(message);
    expect(outcome.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
