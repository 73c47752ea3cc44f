// Real `cdn-include serve` processes stopped and started between two versions of a page whose new bytes carry no
// newer mtime (an older file swapped in, a deleted include, a same-size same-mtime rewrite), with the default state
// folder, an explicit --state DIR, and the state folder lost: a revalidation is never answered 304 for old bytes.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { findCli, type ServerChild, startServer, stopServer } from '../soak/server-child';
import {
  BACKWARD_CHANGES,
  holdPage,
  holdSettledPage,
  useProofFixture,
  revalidate,
  writeFile,
} from './support/ledger-proofs-site';

/** The three ways a client revalidates, each sent once per scenario. */
const REVALIDATIONS: Array<[string, (etag: string, date: string) => Record<string, string>]> = [
  ['If-Modified-Since alone', (_etag, date) => ({ 'if-modified-since': date })],
  ['If-None-Match alone', (etag) => ({ 'if-none-match': etag })],
  ['both', (etag, date) => ({ 'if-none-match': etag, 'if-modified-since': date })],
];

describe('hostile: a restart between two versions of a page', () => {
  const cli = findCli();
  const fixture = useProofFixture();

  /** Serves the page once, stops, applies `change` while stopped, starts again; returns the held 200. */
  async function restartAcross(
    flags: string[],
    change: () => void,
  ): Promise<Awaited<ReturnType<typeof holdPage>>> {
    fixture.server = await startServer(cli, fixture.site.root, ['--quiet', ...flags], [], fixture.site.env);
    const held = await holdPage(fixture.server.origin);
    await stopServer(fixture.server);
    change();
    fixture.server = await startServer(cli, fixture.site.root, ['--quiet', ...flags], [], fixture.site.env);
    return held;
  }

  describe.each([
    ['the default state', (): string[] => []],
    ['--state DIR', (): string[] => ['--state', join(fixture.site.stateHome, 'explicit')]],
  ])('with %s', (_state, stateFlags) => {
    it.each(BACKWARD_CHANGES)(
      '%s while stopped › every revalidation of the old bytes gets a 200',
      async (name, change) => {
        const held = await restartAcross(stateFlags(), () => change(fixture.site));
        const origin = (fixture.server as ServerChild).origin;
        const statuses: string[] = [];
        let stale = 0;
        for (const [, headers] of REVALIDATIONS) {
          const { answer, stale: isStale } = await revalidate(
            origin,
            held,
            headers(held.etag, held.lastModified),
          );
          statuses.push(String(answer.status));
          if (isStale) stale++;
        }
        // The new bytes still revalidate: the ledger costs no 304 it can vouch for.
        const fresh = await holdSettledPage(origin);
        const again = await revalidate(origin, fresh, { 'if-modified-since': fresh.lastModified });
        console.log(
          `restart, ${_state}, ${name}: ${REVALIDATIONS.length} revalidations of the old bytes ` +
            `(IMS, INM, both) → ${statuses.join(' ')}, ${stale} stale; Last-Modified ${held.lastModified} → ` +
            `${fresh.lastModified}; IMS of the new bytes → ${again.answer.status}`,
        );
        expect(fresh.body).not.toBe(held.body);
        expect(statuses).toEqual(['200', '200', '200']);
        expect(stale).toBe(0);
        expect(again.answer.status).toBe(304);
      },
    );
  });

  it('the state folder deleted while stopped, then an older-mtime swap › If-Modified-Since alone gets a 200', async () => {
    const held = await restartAcross([], () => {
      rmSync(join(fixture.site.stateHome, 'cdn-include'), { recursive: true, force: true });
      writeFile(
        fixture.site.path('inc/nested.html'),
        'nested version 3, restored',
        Date.UTC(2023, 5, 1) / 1000,
      );
    });
    const origin = (fixture.server as ServerChild).origin;
    const { answer, stale } = await revalidate(origin, held, { 'if-modified-since': held.lastModified });
    const fresh = await holdSettledPage(origin);
    // Printed, not asserted: what a first contact costs an If-Modified-Since-only cache holding the new bytes.
    const again = await revalidate(origin, fresh, { 'if-modified-since': fresh.lastModified });
    console.log(
      `state lost, then an older-mtime swap: If-Modified-Since ${held.lastModified} → ${answer.status} ` +
        `(${stale ? 'stale' : '0 stale'}); new Last-Modified ${fresh.lastModified}, whose own ` +
        `If-Modified-Since → ${again.answer.status}`,
    );
    expect(fresh.body).not.toBe(held.body);
    expect(answer.status).toBe(200);
    expect(stale).toBe(false);
  });
});
