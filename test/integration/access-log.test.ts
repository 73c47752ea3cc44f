// What `cdn-include serve` logs per request, taken when the response ends: the status the client really got
// (a failure after the middleware returned, a client gone mid-body), JSON lines with --log-format json, and the
// visitor's address through trusted proxies only (--trust-proxy), in the log and in the pages' REMOTE_ADDR.

import { request } from 'node:http';
import { FileRangeStream } from '../../src/engine/file-range-stream';
import { NodeFileSource } from '../../src/engine/node-file-source';
import { runCliOnce, startCli, type RunningCli } from '../support/running-cli';
import { TempSite } from '../support/temp-site';
import { waitFor } from '../support/wait-for';

let site: TempSite;
let server: RunningCli | undefined;

beforeEach(() => {
  site = new TempSite().write('page.shtml', '<p>hello</p>\n').write('big.bin', 'x'.repeat(8 * 1024 * 1024));
});

afterEach(async () => {
  server?.stop('SIGTERM');
  await server?.exitCode;
  server = undefined;
  jest.restoreAllMocks();
  site.remove();
});

async function serve(extra: string[] = []): Promise<RunningCli> {
  server = await startCli(['serve', site.root, '--port', '0', ...extra], 'serving');
  return server;
}

/** The access-log lines printed so far (the other stdout lines start with `cdn-include`). */
function accessLines(cli: RunningCli): string[] {
  return cli.stdout
    .join('')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('cdn-include'));
}

async function nextLine(cli: RunningCli, count: number): Promise<string> {
  await waitFor(() => accessLines(cli).length >= count, `access-log line ${count}`);
  return accessLines(cli)[count - 1];
}

function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; etag: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, etag: res.headers.etag }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the status logged is the one the client got', () => {
  it('a body that fails before its first byte (after the middleware returned) › 500 logged, its cause on stderr', async () => {
    // The disk fails under a big file being sent: Koa answers 500 once the middleware chain has returned, so a
    // line written then said 200.
    jest.spyOn(FileRangeStream.prototype, '_read').mockImplementation(function (this: FileRangeStream) {
      const eio = Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
      this.destroy(new Error('reading /big.bin failed', { cause: eio }));
    });
    const cli = await serve();
    // Koa 3 destroys the connection when a body stream fails before its first byte: no status reaches the client.
    await expect(get(`${cli.url}/big.bin`)).rejects.toThrow('socket hang up');
    const line = await nextLine(cli, 1);
    expect(line).toMatch(/^127\.0\.0\.1 - - \[.*\] "GET \/big\.bin HTTP\/1\.1" 500 - .* end=aborted$/);
    expect(line).not.toContain('EIO');
    await waitFor(() => cli.stderr.join('').includes('EIO'), 'the error on stderr');
    expect(cli.stderr.join('')).toContain(
      'GET /big.bin: reading /big.bin failed (cause: EIO: i/o error, read)',
    );
  });

  it('a page that fails to render › 500 logged, the stack and its cause on stderr, neither in the access log', async () => {
    const original = NodeFileSource.prototype.read;
    jest.spyOn(NodeFileSource.prototype, 'read').mockImplementation(function (
      this: NodeFileSource,
      path,
      maxBytes,
    ) {
      if (path !== '/page.shtml') return original.call(this, path, maxBytes);
      const eio = Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
      return Promise.reject(new Error('reading /page.shtml failed', { cause: eio }));
    });
    const cli = await serve();
    expect((await get(`${cli.url}/page.shtml`)).status).toBe(500);
    const line = await nextLine(cli, 1);
    expect(line).toMatch(/"GET \/page\.shtml HTTP\/1\.1" 500 26 .* end=complete$/);
    expect(line).not.toMatch(/EIO|reading/);
    expect(cli.stderr.join('')).toMatch(
      /GET \/page\.shtml answered 500: Error: reading \/page\.shtml failed\n\s+at [^]*\[cause\] Error: EIO: i\/o error, read\n\s+at /,
    );
  });

  it('a client that hangs up mid-body › the status sent, fewer bytes than the file, end=aborted', async () => {
    const cli = await serve();
    await new Promise<void>((resolve, reject) => {
      const req = request(`${cli.url}/big.bin`, { agent: false }, (res) => {
        expect(res.statusCode).toBe(200);
        // Headers read, the body left unread: the server is mid-body when the connection goes.
        res.socket.destroy();
        resolve();
      });
      req.on('error', reject);
      req.end();
    });
    const line = await nextLine(cli, 1);
    const match = /"GET \/big\.bin HTTP\/1\.1" 200 (\d+|-) .* end=aborted$/.exec(line);
    expect(match).not.toBeNull();
    const bytes = match?.[1] === '-' ? 0 : Number(match?.[1]);
    expect(bytes).toBeLessThan(8 * 1024 * 1024);
  });

  it('a page served in full › end=complete, the bytes of its body; then a cache hit', async () => {
    // A file changed within the last timestamp tick (2 s) is never cached (its stamp is racy).
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const cli = await serve();
    await get(`${cli.url}/page.shtml`);
    expect(await nextLine(cli, 1)).toMatch(
      /"GET \/page\.shtml HTTP\/1\.1" 200 13 .* cache=miss end=complete$/,
    );
    await get(`${cli.url}/page.shtml`);
    expect(await nextLine(cli, 2)).toMatch(/ render_ms=- cache=hit end=complete$/);
  });
});

describe('the ETag logged is the one sent', () => {
  it('a cache hit, a 304 and a HEAD, written past Koa’s response › each line names the ETag; HEAD counts no bytes', async () => {
    // A file changed within the last timestamp tick (2 s) is never cached (its stamp is racy).
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const cli = await serve();
    await get(`${cli.url}/page.shtml`);
    const hit = await get(`${cli.url}/page.shtml`);
    const revalidated = await get(`${cli.url}/page.shtml`, { 'If-None-Match': hit.etag ?? '' });
    expect(revalidated.status).toBe(304);
    const etag = hit.etag ?? 'no ETag sent';
    expect(await nextLine(cli, 2)).toMatch(/" 200 13 .* cache=hit end=complete$/);
    expect(await nextLine(cli, 2)).toContain(` etag=${etag} `);
    expect(await nextLine(cli, 3)).toMatch(/" 304 - .* cache=hit end=complete$/);
    expect(await nextLine(cli, 3)).toContain(` etag=${etag} `);
    // HEAD sends the fields of the 200 alone: no body bytes are counted.
    await new Promise<void>((resolve, reject) =>
      request(`${cli.url}/page.shtml`, { method: 'HEAD', agent: false }, (res) => {
        res.resume().on('end', resolve);
      })
        .on('error', reject)
        .end(),
    );
    expect(await nextLine(cli, 4)).toMatch(/"HEAD \/page\.shtml HTTP\/1\.1" 200 - .* end=complete$/);
  });
});

describe('--log-format json', () => {
  it('› one JSON object a line, with the fields a log shipper indexes', async () => {
    const cli = await serve(['--log-format', 'json']);
    await get(`${cli.url}/page.shtml?x=1`, { Referer: 'https://example.org/', 'User-Agent': 'tester "1"' });
    await get(`${cli.url}/missing`);
    const first = JSON.parse(await nextLine(cli, 1)) as Record<string, unknown>;
    expect(first).toMatchObject({
      client: '127.0.0.1',
      peer: '127.0.0.1',
      method: 'GET',
      url: '/page.shtml?x=1',
      protocol: 'HTTP/1.1',
      status: 200,
      bytes: 13,
      referer: 'https://example.org/',
      userAgent: 'tester "1"',
      cache: 'miss',
      completed: true,
    });
    expect(first.etag).toMatch(/^"[^"]+"$/);
    expect(new Date(first.time as string).toISOString()).toBe(first.time);
    expect(typeof first.durationMs).toBe('number');
    expect(typeof first.renderMs).toBe('number');
    const second = JSON.parse(await nextLine(cli, 2)) as Record<string, unknown>;
    expect(second).toMatchObject({ status: 404, referer: null, etag: null, renderMs: null, cache: null });
  });

  it('› an unknown format is a usage error', async () => {
    const outcome = await runCliOnce(['serve', site.root, '--log-format', 'xml']);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain("option '--log-format' needs combined or json, not 'xml'");
  });
});

describe('--trust-proxy', () => {
  const spoofed = { 'X-Forwarded-For': '6.6.6.6', 'X-Forwarded-Proto': 'https' };

  it('without it › X-Forwarded-For is ignored: the peer is logged', async () => {
    const cli = await serve();
    await get(`${cli.url}/page.shtml`, spoofed);
    expect(await nextLine(cli, 1)).toMatch(/^127\.0\.0\.1 - - \[/);
  });

  it('a peer outside the list › its X-Forwarded-For is not believed', async () => {
    const cli = await serve(['--trust-proxy', '10.0.0.0/8,192.0.2.1']);
    await get(`${cli.url}/page.shtml`, spoofed);
    expect(await nextLine(cli, 1)).toMatch(/^127\.0\.0\.1 - - \[/);
  });

  it('a trusted peer › the first untrusted address from the right; trusted hops skipped, spoofed left part ignored', async () => {
    const cli = await serve(['--trust-proxy', '127.0.0.1,10.0.0.0/8']);
    // The visitor wrote 6.6.6.6 itself; the CDN edge appended the visitor's real address, then an internal hop.
    await get(`${cli.url}/page.shtml`, { 'X-Forwarded-For': '6.6.6.6, 203.0.113.9, 10.1.2.3' });
    expect(await nextLine(cli, 1)).toMatch(/^203\.0\.113\.9 - - \[/);
  });

  it("a trusted peer › pages see the visitor as REMOTE_ADDR and -R, the peer as CONN_REMOTE_ADDR (Apache's mod_remoteip)", async () => {
    site.write(
      'who.shtml',
      '<!--#echo var="REMOTE_ADDR" -->|' +
        '<!--#if expr="-R \'203.0.113.0/24\'" -->visitor-net<!--#else -->elsewhere<!--#endif -->|' +
        '<!--#if expr="%{CONN_REMOTE_ADDR} == \'127.0.0.1\'" -->via-peer<!--#endif -->',
    );
    const forwarded = { 'X-Forwarded-For': '203.0.113.9' };
    const trusting = await serve(['--trust-proxy', '127.0.0.1']);
    expect((await get(`${trusting.url}/who.shtml`, forwarded)).body).toBe('203.0.113.9|visitor-net|via-peer');
    trusting.stop('SIGTERM');
    await trusting.exitCode;
    const untrusting = await serve();
    expect((await get(`${untrusting.url}/who.shtml`, forwarded)).body).toBe('127.0.0.1|elsewhere|via-peer');
  });

  it('a bad entry › a usage error naming it', async () => {
    const outcome = await runCliOnce(['serve', site.root, '--trust-proxy', '127.0.0.1,10.0.0.0/33']);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain("'10.0.0.0/33'");
  });
});
