// Asset hosts through the CLI: `build` and `serve` with one config file write and send the same bytes and
// validators, and a reload (SIGHUP) that changes `assetHosts` purges exactly the pages the old configuration
// rewrote, at a local purge receiver, through the watch mode's queue.

import { readFileSync, writeFileSync } from 'node:fs';
import { type Server } from 'node:http';
import request from 'supertest';
import { tagOf } from '../../src/server/purge-tags';
import { type RunningCli, runCliOnce, startCli } from '../support/running-cli';
import { startPurgeReceiver } from '../support/purge-receiver';
import { at, TempSite } from '../support/temp-site';
import { waitFor } from '../support/wait-for';

const ASSET_HOSTS = {
  hosts: ['https://a1.example', 'https://a2.example'],
  paths: ['/img/'],
  epoch: '2026-12-01T00:00:00Z',
  origin: 'https://www.example',
};

describe('cdn-include with assetHosts', () => {
  let site: TempSite;
  let out: TempSite;
  let serving: RunningCli | undefined;
  let receiver: Server | undefined;
  beforeEach(() => {
    site = new TempSite()
      .write('index.shtml', '<h1>\xe9</h1>\r\n<!--#include virtual="/inc/i.html" -->', at(1))
      .write('inc/i.html', '<IMG SRC=/img/a.png><img src="/img/b.png">', at(1))
      .write('plain.shtml', '<p>nothing</p>', at(1))
      .write('img/a.png', 'A', at(1))
      .write('config.json', JSON.stringify({ assetHosts: ASSET_HOSTS }), at(1));
    out = new TempSite();
  });
  afterEach(async () => {
    serving?.stop('SIGTERM');
    await serving?.exitCode;
    serving = undefined;
    receiver?.close();
    site.remove();
    out.remove();
  });

  it('build and serve › the same bytes, ETag and Last-Modified for a rewritten page', async () => {
    const built = await runCliOnce([
      'build',
      site.root,
      '--out',
      out.root,
      '--config',
      site.path('config.json'),
    ]);
    expect(built.code).toBe(0);
    serving = await startCli(
      ['serve', site.root, '--port', '0', '--quiet', '--config', site.path('config.json')],
      'http://',
    );
    const served = await request(serving.url).get('/index.shtml').responseType('blob').expect(200);
    const file = readFileSync(out.path('index.shtml'));
    expect(file.equals(served.body as Buffer)).toBe(true);
    expect(file.toString('latin1')).toMatch(/SRC=https:\/\/a[12]\.example\/img\/a\.png/);
    expect(built.stdout).toContain(
      `rendered /index.shtml  ${served.headers.etag}  ${served.headers['last-modified']}`,
    );
    expect(served.headers['last-modified']).toBe('Tue, 01 Dec 2026 00:00:00 GMT');
  });

  it('a reload that changes assetHosts › purges the rewritten page, not the others', async () => {
    const purge = await startPurgeReceiver();
    receiver = purge.server;
    const { received, url: purgeUrl } = purge;
    serving = await startCli(
      [
        'serve',
        site.root,
        '--port',
        '0',
        '--quiet',
        '--config',
        site.path('config.json'),
        '--watch',
        '--purge-url',
        purgeUrl,
        '--purge-tag-header',
        'X-Purge-Tag',
      ],
      'watching ',
    );
    const server = serving;
    for (const path of ['/index.shtml', '/plain.shtml', '/img/a.png'])
      expect((await request(server.url).get(path)).status).toBe(200);
    writeFileSync(
      site.path('config.json'),
      JSON.stringify({ assetHosts: { ...ASSET_HOSTS, hosts: ['https://a3.example'] } }),
    );
    server.reload();
    await waitFor(() => server.stdout.join('').includes('purged /index.shtml'), 'the purge of the page');
    expect(received.map((req) => req.headers['x-purge-url'])).toEqual(['/index.shtml']);
    expect(received[0].headers['x-purge-tag']).toBe(tagOf('/index.shtml'));
    const after = await request(server.url).get('/index.shtml').expect(200);
    expect(after.text).toContain('SRC=https://a3.example/img/a.png');
  });
});
