// createApp's access log and fault handling: an unexpected error is answered 500 without a stack, logged as 500,
// and its cause handed over once; request lines are escaped as Apache's mod_log_config escapes them.

import type { Context } from 'koa';
import request from 'supertest';
import type { FileContent } from '../../src/engine/file-source';
import { MemoryFileSource } from '../../src/engine/memory-file-source';
import { NodeFileSource } from '../../src/engine/node-file-source';
import { createApp } from '../../src/server/app';
import { escapeLogItem } from '../../src/server/log-escape';
import { rawGet } from '../support/raw-request';
import { startCli } from '../support/running-cli';
import { TempSite } from '../support/temp-site';

/** A docroot whose page cannot be read: the disk fails under it. */
class FailingSource extends MemoryFileSource {
  override async read(path: string): Promise<FileContent> {
    if (path === '/broken.shtml') throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
    return super.read(path);
  }
}

function failingApp() {
  const source = new FailingSource({ '/broken.shtml': { content: 'never read', mtimeMs: 0 } });
  const lines: string[] = [];
  const errors: Array<{ err: unknown; url: string }> = [];
  const app = createApp({
    source,
    accessLog: (line) => lines.push(line),
    onError: (err, ctx: Context) => errors.push({ err, url: ctx.url }),
  });
  return { app, lines, errors };
}

describe('an unexpected error while answering', () => {
  it('› the client gets a short 500 without the stack, and no validators', async () => {
    const { app } = failingApp();
    const res = await request(app.callback()).get('/broken.shtml');
    expect(res.status).toBe(500);
    expect(res.text).toBe('500 Internal Server Error\n');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.etag).toBeUndefined();
  });

  it('› the access log says 500 and onError receives the cause once', async () => {
    const { app, lines, errors } = failingApp();
    await request(app.callback()).get('/broken.shtml');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/"GET \/broken\.shtml HTTP\/1\.1" 500 /);
    expect(errors).toHaveLength(1);
    expect((errors[0].err as Error).message).toContain('EIO');
    expect(errors[0].url).toBe('/broken.shtml');
  });
});

describe('the access log', () => {
  it('a request line with " and \\ › escaped as \\" and \\\\ so the quoted field stays one field', async () => {
    const lines: string[] = [];
    const app = createApp({ source: new MemoryFileSource(), accessLog: (line) => lines.push(line) });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      await rawGet(server, '/a"b\\c');
    } finally {
      server.close();
    }
    expect(lines[0]).toContain('"GET /a\\"b\\\\c HTTP/1.1" ');
  });

  it.each([
    ['plain /index.shtml?a=1', 'plain /index.shtml?a=1'],
    ['a"b', 'a\\"b'],
    ['a\\b', 'a\\\\b'],
    ['tab\there\nnew\rret\bback\vvert', 'tab\\there\\nnew\\rret\\bback\\vvert'],
    ['nul\x00 esc\x1b del\x7f', 'nul\\x00 esc\\x1b del\\x7f'],
    ['latin \xe9', 'latin \\xe9'],
    ['wide \u20ac', 'wide \\xe2\\x82\\xac'],
  ])('escapeLogItem(%j) › %j (ap_escape_logitem)', (text, escaped) => {
    expect(escapeLogItem(text)).toBe(escaped);
  });
});

describe('serve, when reading a page fails unexpectedly', () => {
  it('› access log 500, the stack once on stderr, a short 500 to the client', async () => {
    const site = new TempSite().write('broken.shtml', 'never read').write('ok.html', 'fine');
    const original = NodeFileSource.prototype.read;
    const spy = jest.spyOn(NodeFileSource.prototype, 'read').mockImplementation(function (
      this: NodeFileSource,
      path,
      maxBytes,
    ) {
      if (path === '/broken.shtml')
        return Promise.reject(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' }));
      return original.call(this, path, maxBytes);
    });
    const server = await startCli(['serve', site.root, '--port', '0'], 'serving');
    try {
      const res = await request(server.url).get('/broken.shtml');
      expect(res.status).toBe(500);
      expect(res.text).toBe('500 Internal Server Error\n');
      expect((await request(server.url).get('/ok.html')).status).toBe(200);
    } finally {
      server.stop('SIGTERM');
      await server.exitCode;
      spy.mockRestore();
      site.remove();
    }
    const log = server.stdout.join('');
    expect(log).toMatch(/"GET \/broken\.shtml HTTP\/1\.1" 500 /);
    const stderr = server.stderr.join('');
    expect(stderr.match(/EIO: i\/o error/g)).toHaveLength(1);
    expect(stderr).toMatch(/GET \/broken\.shtml answered 500: Error: EIO: i\/o error, read\n\s+at /);
  });
});
