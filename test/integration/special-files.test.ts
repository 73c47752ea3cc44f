// FIFOs and sockets in the docroot, served, included, sized, dated, used as a directory index and built: each is
// refused before a byte is read (403, or Apache's error text plus a diagnostic), and nothing hangs.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../../src/server/app';
import { buildSite } from '../../src/site-build/build-site';
import { NodeOutputFs } from '../../src/site-build/node-output-fs';
import { NodeSiteLister } from '../../src/site-build/node-site-lister';
import { type Diagnostic } from '../../src/engine/diagnostics';
import { NodeFileSource } from '../../src/engine/node-file-source';
import { TempSite } from '../support/temp-site';

const ERR = '[an error occurred while processing this directive]';
let site: TempSite;
let socketServer: Server;
let diagnostics: Diagnostic[];
let server: ReturnType<typeof request>;

beforeEach(async () => {
  site = new TempSite().write('index.shtml', 'home').write('fifo-index/other.html', 'x');
  execFileSync('mkfifo', [
    site.path('pipe.html'),
    site.path('pipe.shtml'),
    site.path('fifo-index/index.html'),
  ]);
  socketServer = createServer();
  await new Promise<void>((resolve) => socketServer.listen(site.path('socket.html'), resolve));
  diagnostics = [];
  server = request(
    createApp({ root: site.root, onDiagnostic: (diagnostic) => diagnostics.push(diagnostic) }).callback(),
  );
});

afterEach(async () => {
  await new Promise((resolve) => socketServer.close(resolve));
  site.remove();
});

describe('a special file requested directly', () => {
  it.each([['/pipe.html'], ['/pipe.shtml'], ['/socket.html'], ['/fifo-index/']])(
    '%s › 403, at once',
    async (path) => {
      await server.get(path).expect(403);
      await server.head(path).expect(403);
    },
  );

  it('many FIFO requests at once › all refused, and a normal page still answers', async () => {
    const refused = await Promise.all(Array.from({ length: 32 }, () => server.get('/pipe.html')));
    expect(refused.map((response) => response.status)).toEqual(Array(32).fill(403));
    await server.get('/index.shtml').expect(200, 'home');
  });
});

describe('a special file named by a directive', () => {
  it.each([
    ['include virtual', '<!--#include virtual="/pipe.html" -->', 'include-not-found'],
    ['include file', '<!--#include file="pipe.shtml" -->', 'include-not-found'],
    ['include a socket', '<!--#include file="socket.html" -->', 'include-not-found'],
    ['include a FIFO directory index', '<!--#include virtual="/fifo-index/" -->', 'include-not-found'],
    ['fsize', '<!--#fsize virtual="/pipe.html" -->', 'file-info-not-found'],
    ['flastmod', '<!--#flastmod file="pipe.html" -->', 'file-info-not-found'],
  ])('%s › the error text and a diagnostic, never a hang', async (_name, directive, code) => {
    site.write('uses.shtml', `[${directive}]`);
    const response = await server.get('/uses.shtml').expect(200);
    expect(response.text).toBe(`[${ERR}]`);
    // The render is retried while a file it used cannot be stamped (a FIFO never can): one diagnostic per try.
    expect(new Set(diagnostics.map((diagnostic) => diagnostic.code))).toEqual(new Set([code]));
    expect(diagnostics[0].message).toContain('forbidden');
  });
});

describe('NodeFileSource on special files', () => {
  it.each([['/pipe.html'], ['/socket.html']])(
    '%s › forbidden by open, read, stat and statSync',
    async (path) => {
      const source = new NodeFileSource(site.root);
      expect(await source.open(path)).toEqual({ status: 'forbidden' });
      expect(await source.read(path)).toEqual({ status: 'forbidden' });
      expect(await source.stat(path)).toEqual({ status: 'forbidden' });
      expect(source.statSync(path)).toEqual({ status: 'forbidden' });
    },
  );
});

describe('building a docroot that holds special files', () => {
  it('› completes; the FIFOs are neither copied nor read, a page including one gets the error text', async () => {
    site.write('uses.shtml', '[<!--#include virtual="/pipe.html" -->]');
    const out = mkdtempSync(join(tmpdir(), 'cdn-include-out-'));
    try {
      const report = await buildSite({
        source: new NodeFileSource(site.root),
        lister: new NodeSiteLister(site.root),
        output: new NodeOutputFs(out),
        now: Date.now(),
      });
      expect(readdirSync(out).sort()).toEqual(
        expect.arrayContaining(['fifo-index', 'index.shtml', 'uses.shtml']),
      );
      expect(readdirSync(out)).not.toContain('pipe.html');
      expect(readdirSync(out)).not.toContain('socket.html');
      expect(report.diagnostics.map(({ page, diagnostic }) => [page, diagnostic.code])).toEqual([
        ['/uses.shtml', 'include-not-found'],
      ]);
      expect(report.failures).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
