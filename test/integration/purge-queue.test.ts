// The purge queue against a local node:http purge receiver that fails the first N requests: templates, retries
// with backoff (the jitter pinned to its upper bound), give-up lines, never a silent loss.

import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { formatPurgeEvent, type PurgeEvent, PurgeQueue } from '../../src/purge/purge-queue';
import { checkPurgeTarget, expandPurgeTarget, purgeTargetFromFlags } from '../../src/purge/purge-target';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A purge receiver answering `failStatus` to the first `failures` requests, then 200. */
async function receiver(
  failures: number,
  failStatus = 503,
): Promise<{ server: Server; base: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.statusCode = received.length <= failures ? failStatus : 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

const JOB = { tag: '0123456789ab', url: '/news/' };

describe('PurgeQueue', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('with --purge-url and PURGE › sends the tag and URL headers once, and reports the purge', async () => {
    const purge = await receiver(0);
    server = purge.server;
    const events: PurgeEvent[] = [];
    const queue = new PurgeQueue(purgeTargetFromFlags(`${purge.base}/`, 'PURGE', 'Surrogate-Key'), {
      onEvent: (e) => void events.push(e),
    });
    queue.enqueue([JOB, JOB]);
    await queue.idle();
    expect(purge.received).toHaveLength(1);
    expect(purge.received[0]).toMatchObject({
      method: 'PURGE',
      url: '/',
      headers: { 'surrogate-key': JOB.tag, 'x-purge-url': '/news/' },
    });
    expect(events.map(formatPurgeEvent)).toEqual(['purged /news/ (tag 0123456789ab)']);
  });

  it('with BAN (which node:http servers refuse to parse) › sends it as Varnish expects', async () => {
    const heads: string[] = [];
    const raw = createNetServer((socket) => {
      let head = '';
      socket.on('data', (chunk: Buffer) => {
        head += chunk.toString('latin1');
        if (!head.includes('\r\n\r\n')) return;
        heads.push(head);
        socket.end('HTTP/1.1 200 Banned\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      });
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    try {
      const events: PurgeEvent[] = [];
      const port = (raw.address() as AddressInfo).port;
      const queue = new PurgeQueue(
        purgeTargetFromFlags(`http://127.0.0.1:${port}/`, 'BAN', 'Surrogate-Key'),
        { onEvent: (e) => void events.push(e) },
      );
      queue.enqueue([JOB]);
      await queue.idle();
      expect(heads[0]).toMatch(/^BAN \/ HTTP\/1\.1\r\n/);
      expect(heads[0]).toContain('Surrogate-Key: 0123456789ab\r\n');
      expect(events.map(formatPurgeEvent)).toEqual(['purged /news/ (tag 0123456789ab)']);
    } finally {
      raw.close();
    }
  });

  it('when the receiver fails twice › retries with growing delays and purges on the third attempt', async () => {
    const purge = await receiver(2);
    server = purge.server;
    const events: PurgeEvent[] = [];
    const queue = new PurgeQueue(purgeTargetFromFlags(`${purge.base}/`), {
      onEvent: (e) => void events.push(e),
      baseDelayMs: 5,
      random: () => 1,
    });
    queue.enqueue([JOB]);
    await queue.idle();
    expect(purge.received.map((r) => [r.method, r.headers['x-purge-tag']])).toEqual([
      ['PURGE', JOB.tag],
      ['PURGE', JOB.tag],
      ['PURGE', JOB.tag],
    ]);
    expect(events.map(formatPurgeEvent)).toEqual([
      'purge of /news/ (tag 0123456789ab) failed: answered 503; retrying in 5 ms',
      'purge of /news/ (tag 0123456789ab) failed: answered 503; retrying in 10 ms',
      'purged /news/ (tag 0123456789ab) after 3 attempts',
    ]);
  });

  it('when the receiver keeps failing › gives up after the last attempt with a line, delays capped', async () => {
    const purge = await receiver(100);
    server = purge.server;
    const events: PurgeEvent[] = [];
    const queue = new PurgeQueue(purgeTargetFromFlags(`${purge.base}/`), {
      onEvent: (e) => void events.push(e),
      baseDelayMs: 5,
      maxDelayMs: 12,
      maxAttempts: 4,
      random: () => 1,
    });
    queue.enqueue([JOB]);
    await queue.idle();
    expect(purge.received).toHaveLength(4);
    expect(events.flatMap((e) => (e.kind === 'retrying' ? [e.delayMs] : []))).toEqual([5, 10, 12]);
    expect(formatPurgeEvent(events[events.length - 1])).toBe(
      'gave up purging /news/ (tag 0123456789ab): answered 503 (attempt 4 of 4)',
    );
    expect(queue.pending).toBe(0);
  });

  it('when the receiver refuses with 403 › gives up at once (waiting cannot fix it)', async () => {
    const purge = await receiver(100, 403);
    server = purge.server;
    const events: PurgeEvent[] = [];
    const queue = new PurgeQueue(purgeTargetFromFlags(`${purge.base}/`), {
      onEvent: (e) => void events.push(e),
      baseDelayMs: 5,
    });
    queue.enqueue([JOB]);
    await queue.idle();
    expect(purge.received).toHaveLength(1);
    expect(events.map(formatPurgeEvent)).toEqual([
      'gave up purging /news/ (tag 0123456789ab): answered 403, which a retry cannot fix',
    ]);
  });

  it('when nothing listens › retries the network error, then gives up with a line', async () => {
    const purge = await receiver(0);
    await new Promise((resolve) => purge.server.close(resolve));
    const events: PurgeEvent[] = [];
    const queue = new PurgeQueue(purgeTargetFromFlags(`${purge.base}/`), {
      onEvent: (e) => void events.push(e),
      baseDelayMs: 2,
      maxAttempts: 2,
    });
    queue.enqueue([JOB]);
    await queue.idle();
    expect(events.map((e) => e.kind)).toEqual(['retrying', 'gave-up']);
    expect(formatPurgeEvent(events[1])).toMatch(
      /^gave up purging \/news\/ \(tag 0123456789ab\): .*ECONNREFUSED.* \(attempt 2 of 2\)$/,
    );
  });

  it('when closed while a retry waits › reports the give-up instead of dropping it', async () => {
    const purge = await receiver(100);
    server = purge.server;
    const events: PurgeEvent[] = [];
    const queue = new PurgeQueue(purgeTargetFromFlags(`${purge.base}/`), {
      onEvent: (e) => void events.push(e),
      baseDelayMs: 60_000,
      random: () => 1,
    });
    queue.enqueue([JOB]);
    while (events.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    queue.close();
    expect(events.map(formatPurgeEvent)).toEqual([
      'purge of /news/ (tag 0123456789ab) failed: answered 503; retrying in 30000 ms',
      'gave up purging /news/ (tag 0123456789ab): stopping before the next attempt',
    ]);
    expect(queue.pending).toBe(0);
  });

  it('with a JSON template › fills {tag} and {url} into the URL, headers and body', async () => {
    const purge = await receiver(0);
    server = purge.server;
    const target = checkPurgeTarget(
      {
        method: 'post',
        url: `${purge.base}/zones/z1/purge_cache?u={url}`,
        headers: { Authorization: 'Bearer t0k', 'Content-Type': 'application/json' },
        body: '{"tags":["{tag}"]}',
      },
      'purge',
    );
    const queue = new PurgeQueue(target, { onEvent: () => undefined });
    queue.enqueue([JOB]);
    await queue.idle();
    expect(purge.received[0]).toMatchObject({
      method: 'POST',
      url: '/zones/z1/purge_cache?u=/news/',
      headers: { authorization: 'Bearer t0k' },
      body: '{"tags":["0123456789ab"]}',
    });
  });
});

describe('PurgeQueue without {url} in its template', () => {
  it('when two URLs share a tag › sends one request', async () => {
    const sent: string[] = [];
    const queue = new PurgeQueue(checkPurgeTarget({ url: 'http://cdn/purge/{tag}' }, 'purge'), {
      onEvent: () => undefined,
      send: async (purge) => {
        sent.push(purge.url);
        return 200;
      },
    });
    queue.enqueue([JOB, { tag: JOB.tag, url: '/news/index.shtml' }]);
    await queue.idle();
    expect(sent).toEqual(['http://cdn/purge/0123456789ab']);
  });
});

describe('checkPurgeTarget', () => {
  it.each([
    [null, 'purge must be an object { method, url, headers, body }'],
    [{ url: 'ftp://x' }, 'purge.url must be an http:// or https:// URL'],
    [{ url: 'http://x', method: 'BAN ME' }, 'purge.method must be an HTTP method such as PURGE or BAN'],
    [
      { url: 'http://x', headers: { 'X-A': 'a\r\nX-B: b' } },
      "purge.headers['X-A'] must be a header name with a one-line string value",
    ],
    [{ url: 'http://x', body: 1 }, 'purge.body must be a string'],
    [
      { url: 'http://x', tag: 'Surrogate-Key' },
      'purge.tag is not a purge setting (known: method, url, headers, body, maxTags)',
    ],
  ])('rejects %j › %s', (value, message) => {
    expect(() => checkPurgeTarget(value, 'purge')).toThrow(message);
  });

  it('defaults to PURGE with no headers and no body', () => {
    expect(expandPurgeTarget(checkPurgeTarget({ url: 'http://v{url}' }, 'purge'), JOB)).toEqual({
      method: 'PURGE',
      url: 'http://v/news/',
      headers: {},
      body: undefined,
    });
  });
});
