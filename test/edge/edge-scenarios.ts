// The end-to-end scenarios every edge must pass: revalidation with 304, a deep change reaching the
// client, a copy with an older mtime reaching the client, Vary variants kept apart, and (where the edge can)
// a purge by tag evicting exactly the pages that include a fragment. Witness: the origin's log.

import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { tagOf } from '../../src/server/purge-tags';
import { checkRevalidation } from '../../src/check/revalidation-check';
import type { ServerProcess as EdgeProcess } from '../support/server-process';
import { edgeGet, type EdgeResponse } from './edge-request';
import { startOrigin, type EdgeOrigin } from './edge-origin';

/** Starts an edge in `folder` caching the origin on 127.0.0.1:originPort. */
export type EdgeStarter = (folder: string, originPort: number) => Promise<EdgeProcess>;

/** Evicts every object tagged `tag` from the edge on `edgePort` (scenario 5); edges without purges have none. */
export type EdgePurger = (edgePort: number, tag: string) => Promise<EdgeResponse>;

/**
 * Past max-age=1 for every edge: nginx keeps whole-second expiry times (stale once its second-resolution clock
 * passes stored-second + 1), so a real 1 s TTL can last just under 2 s.
 */
const PAST_TTL_MS = 2200;
/** All fixture mtimes lie in the past, so no Last-Modified is ever "within the current second" (RFC 9110 §8.8.2.2). */
const BASE_SECONDS = Math.floor(Date.now() / 1000) - 3600;

const PAGES: Record<string, string> = {
  '/revalidate/page.shtml': '<h1>revalidate</h1>\n<!--#include virtual="_inc/mid.shtml" -->\n',
  '/revalidate/_inc/mid.shtml': '<div><!--#include virtual="deep.html" --></div>\n',
  '/revalidate/_inc/deep.html': '<p>deep fragment, version 1</p>\n',
  '/deep-change/page.shtml': '<h1>deep change</h1>\n<!--#include virtual="_inc/mid.shtml" -->\n',
  '/deep-change/_inc/mid.shtml': '<div><!--#include virtual="deep.html" --></div>\n',
  '/deep-change/_inc/deep.html': '<p>deep fragment, version 1</p>\n',
  '/older-copy/page.shtml': '<h1>older copy</h1>\n<!--#include virtual="_inc/fragment.html" -->\n',
  '/older-copy/_inc/fragment.html': '<p>fragment, version 1</p>\n',
  '/vary/page.shtml': '<p>language: <!--#echo var="HTTP_ACCEPT_LANGUAGE" --></p>\n',
  '/purge/a.shtml': '<h1>a</h1>\n<!--#include virtual="_inc/shared.html" -->\n',
  '/purge/b.shtml': '<h1>b</h1>\n<!--#include virtual="_inc/shared.html" -->\n',
  '/purge/c.shtml': '<h1>c</h1>\n<!--#include virtual="_inc/other.html" -->\n',
  '/purge/_inc/shared.html': '<p>shared fragment</p>\n',
  '/purge/_inc/other.html': '<p>other fragment</p>\n',
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The one-line summary of origin requests a step expects, e.g. `GET /a 304 conditional`. */
function summary(origin: EdgeOrigin): string[] {
  return origin
    .takeRequests()
    .map(
      (request) =>
        `${request.method} ${request.path} ${request.status}${request.conditional ? ' conditional' : ''}`,
    );
}

/** Defines the scenarios for one edge: its own docroot, origin and edge, all stopped after the last test. */
export function describeEdgeScenarios(edgeName: string, startEdge: EdgeStarter, purge?: EdgePurger): void {
  describe(`through ${edgeName}`, () => {
    const folder = mkdtempSync(join(tmpdir(), `cdn-include-edge-${edgeName}-`));
    const root = join(folder, 'docroot');
    let origin: EdgeOrigin | undefined;
    let edge: EdgeProcess | undefined;
    let failed = false;

    const write = (path: string, content: string, mtimeSeconds: number): void => {
      const file = join(root, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
      utimesSync(file, mtimeSeconds, mtimeSeconds);
    };
    const get = (path: string, headers: Record<string, string> = {}): Promise<EdgeResponse> => {
      if (edge === undefined) throw new Error(`${edgeName} did not start`);
      return edgeGet(edge.port, path, headers);
    };
    const originRequests = (): string[] => {
      if (origin === undefined) throw new Error('the origin did not start');
      return summary(origin);
    };

    beforeAll(async () => {
      for (const [path, content] of Object.entries(PAGES)) write(path, content, BASE_SECONDS);
      origin = await startOrigin(root);
      edge = await startEdge(join(folder, edgeName), origin.port);
    });

    afterEach(() => {
      const state = expect.getState();
      failed ||= state.assertionCalls !== state.numPassingAsserts;
    });

    afterAll(async () => {
      await edge?.stop();
      await origin?.stop();
      // A failed run keeps the configs and logs for a look; a passing one leaves nothing behind.
      if (failed) process.stderr.write(`kept ${folder} (edge config and logs)\n`);
      else rmSync(folder, { recursive: true, force: true });
    });

    it('after the TTL › the edge revalidates, the origin answers 304, the client gets the full cached body', async () => {
      const first = await get('/revalidate/page.shtml');
      expect(first.status).toBe(200);
      expect(first.body).toContain('deep fragment, version 1');
      expect(originRequests()).toEqual(['GET /revalidate/page.shtml 200']);

      const cached = await get('/revalidate/page.shtml');
      expect(cached.body).toBe(first.body);
      expect(originRequests()).toEqual([]);

      await sleep(PAST_TTL_MS);
      const revalidated = await get('/revalidate/page.shtml');
      expect(revalidated.status).toBe(200);
      expect(revalidated.body).toBe(first.body);
      expect(revalidated.headers.etag).toBe(first.headers.etag);
      expect(originRequests()).toEqual(['GET /revalidate/page.shtml 304 conditional']);
    });

    it('after a deep fragment changes › the next revalidation gets 200 and the client the new bytes', async () => {
      const first = await get('/deep-change/page.shtml');
      expect(first.body).toContain('deep fragment, version 1');
      expect(originRequests()).toEqual(['GET /deep-change/page.shtml 200']);

      write('/deep-change/_inc/deep.html', '<p>deep fragment, version 2</p>\n', BASE_SECONDS + 600);
      await sleep(PAST_TTL_MS);
      const changed = await get('/deep-change/page.shtml');
      expect(changed.status).toBe(200);
      expect(changed.body).toContain('deep fragment, version 2');
      expect(changed.headers.etag).not.toBe(first.headers.etag);
      expect(originRequests()).toEqual(['GET /deep-change/page.shtml 200 conditional']);
    });

    it('after a fragment is replaced by a copy with an older mtime › the client gets the new bytes', async () => {
      const first = await get('/older-copy/page.shtml');
      expect(first.body).toContain('fragment, version 1');
      expect(originRequests()).toEqual(['GET /older-copy/page.shtml 200']);

      // `cp -p` of an older file: new bytes, an mtime a day before the page's Last-Modified.
      write('/older-copy/_inc/fragment.html', '<p>fragment, restored copy</p>\n', BASE_SECONDS - 86400);
      await sleep(PAST_TTL_MS);
      const replaced = await get('/older-copy/page.shtml');
      expect(replaced.status).toBe(200);
      expect(replaced.body).toContain('fragment, restored copy');
      expect(originRequests()).toEqual(['GET /older-copy/page.shtml 200 conditional']);
      // The Last-Modified moves past every earlier value, so If-Modified-Since alone cannot miss it.
      const before = Date.parse(first.headers['last-modified'] ?? '');
      expect(Date.parse(replaced.headers['last-modified'] ?? '')).toBeGreaterThan(before);
    });

    it('for a page that varies on Accept-Language › one cached copy per variant, never the wrong one', async () => {
      const english = { 'Accept-Language': 'en' };
      const german = { 'Accept-Language': 'de' };
      const en = await get('/vary/page.shtml', english);
      expect(en.body).toBe('<p>language: en</p>\n');
      expect(en.headers.vary).toMatch(/accept-language/i);
      const de = await get('/vary/page.shtml', german);
      expect(de.body).toBe('<p>language: de</p>\n');
      expect(originRequests()).toEqual(['GET /vary/page.shtml 200', 'GET /vary/page.shtml 200']);

      // Both variants now come from the edge's cache, each to its own kind of request.
      expect((await get('/vary/page.shtml', english)).body).toBe('<p>language: en</p>\n');
      expect((await get('/vary/page.shtml', german)).body).toBe('<p>language: de</p>\n');
      expect(originRequests()).toEqual([]);

      await sleep(PAST_TTL_MS);
      expect((await get('/vary/page.shtml', german)).body).toBe('<p>language: de</p>\n');
      expect((await get('/vary/page.shtml', english)).body).toBe('<p>language: en</p>\n');
      expect(originRequests()).toEqual([
        'GET /vary/page.shtml 304 conditional',
        'GET /vary/page.shtml 304 conditional',
      ]);
    });

    if (purge !== undefined) {
      it('after a ban of a fragment tag › exactly the pages that include it come from the origin again', async () => {
        if (edge === undefined) throw new Error(`${edgeName} did not start`);
        const pages = ['/purge/a.shtml', '/purge/b.shtml', '/purge/c.shtml'];
        const fragmentTag = tagOf('/purge/_inc/shared.html');
        for (const page of pages) expect((await get(page)).status).toBe(200);
        expect(originRequests()).toEqual(pages.map((page) => `GET ${page} 200`));
        for (const page of pages) {
          const cached = await get(page);
          expect(cached.headers['surrogate-key']?.split(' ').includes(fragmentTag)).toBe(
            page !== '/purge/c.shtml',
          );
        }
        expect(originRequests()).toEqual([]);

        expect((await purge(edge.port, fragmentTag)).status).toBe(200);
        for (const page of pages) expect((await get(page)).status).toBe(200);
        // The two including pages are fetched in full (the ban removed them); the third is still a cache hit.
        expect(originRequests()).toEqual(['GET /purge/a.shtml 200', 'GET /purge/b.shtml 200']);
      });
    }

    it('cdn-include check through the edge › the edge itself revalidates correctly for its clients', async () => {
      if (edge === undefined) throw new Error(`${edgeName} did not start`);
      const result = await checkRevalidation(`http://127.0.0.1:${edge.port}/revalidate/page.shtml`);
      expect(result.problems.filter((problem) => problem.severity === 'error')).toEqual([]);
      expect(result.exchanges.map((exchange) => exchange.status)).toEqual([200, 304, 304, 200, 200]);
      expect(result.cdn).toMatchObject({ storable: true, freshnessLifetime: 1, freshnessSource: 'max-age' });
      origin?.takeRequests();
    });
  });
}
