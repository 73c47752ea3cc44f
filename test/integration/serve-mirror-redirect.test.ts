// Redirects to a near mirror with real components: `cdn-include serve` as a process, reading `mirrorRedirect`, a
// MaxMind DB and a static network table from its config file, behind a trusted proxy (X-Forwarded-For), and two
// real HTTP mirrors on 127.0.0.2 and 127.0.0.3 serving copies of a real `cdn-include build` output (its digest
// manifest included). The client's country picks the mirror; the Location serves the same bytes; a mirror's own
// request and a small file are answered locally; `when: "overloaded"` runs the load signal and, while it is
// normal, never redirects; an unreadable database stops serve at start with one line.

import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mmdbOf } from '../support/mmdb-writer';
import { runCliOnce, startCli } from '../support/running-cli';
import { type ServeProcess, startServeProcess } from '../support/serve-process';
import { StaticMirror } from '../support/static-mirror';
import { TempSite } from '../support/temp-site';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A GET of `url` with `headers`, from `localAddress` (another loopback address: another host to the origin). */
function get(url: string, headers: Record<string, string> = {}, localAddress?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers, localAddress, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.setTimeout(5000, () => req.destroy(new Error(`no answer from ${url}`)));
    req.on('error', reject);
    req.end();
  });
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const ISO = Buffer.from(Array.from({ length: 200_000 }, (_, index) => (index * 31) % 251));
const SMALL = Buffer.from('a small file\n');
const site = new TempSite()
  .write('index.shtml', '<p>home</p>\n')
  .write('downloads/site.iso', ISO)
  .write('downloads/small.txt', SMALL);
const folders: string[] = [];
const mirrors: StaticMirror[] = [];
let serve: ServeProcess | undefined;

function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'cdn-include-redirect-'));
  folders.push(folder);
  return folder;
}

afterAll(async () => {
  serve?.child.kill('SIGTERM');
  await serve?.exited;
  await Promise.all(mirrors.map((mirror) => mirror.stop()));
  folders.forEach((folder) => rmSync(folder, { recursive: true, force: true }));
  site.remove();
});

describe('serve with mirrorRedirect', () => {
  it('a trusted proxy’s client › 302 to the mirror of its country, whose copy has the same bytes', async () => {
    const out = tempFolder();
    expect((await runCliOnce(['build', site.root, '--out', out])).code).toBe(0);
    for (const host of ['127.0.0.2', '127.0.0.3']) {
      const copy = tempFolder();
      cpSync(out, copy, { recursive: true });
      const mirror = new StaticMirror(copy, host);
      await mirror.start();
      mirrors.push(mirror);
    }
    const [de, fr] = mirrors;
    const state = tempFolder();
    const database = join(state, 'countries.mmdb');
    writeFileSync(database, mmdbOf([{ network: '192.0.2.0/24', record: { country: { iso_code: 'DE' } } }]));
    const config = join(state, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        mirrors: [
          { name: 'de', url: de.url, geo: 'de' },
          { name: 'fr', url: fr.url, geo: 'fr' },
        ],
        mirrorCheckInterval: 1,
        mirrorRedirect: { paths: ['/downloads/'] },
        geoDatabase: database,
        geoNetworks: { fr: ['198.51.100.0/24'] },
        trustProxy: ['127.0.0.1'],
      }),
    );
    serve = await startServeProcess(
      [out, '--port', '0', '--config', config, '--quiet'],
      {},
      /mirror de passes its checks[\s\S]*mirror fr passes|mirror fr passes its checks[\s\S]*mirror de passes/,
    );
    const { url } = serve;

    for (const client of ['192.0.2.10', '192.0.2.200']) {
      const res = await get(`${url}/downloads/site.iso?x=1`, { 'X-Forwarded-For': client });
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe(`${de.url}downloads/site.iso?x=1`);
      expect(res.headers['cache-control']).toBe('private, no-cache');
      expect(res.headers.link).toContain(`<${de.url}downloads/site.iso>; rel=duplicate; pri=1`);
    }
    const french = await get(`${url}/downloads/site.iso`, { 'X-Forwarded-For': '198.51.100.9' });
    expect(french.headers.location).toBe(`${fr.url}downloads/site.iso`);
    const copy = await get(french.headers.location as string);
    expect(sha256(copy.body)).toBe(sha256(ISO));

    // A mirror fetching from the origin (its own address, no proxy in between) gets the file itself.
    const fromMirror = await get(`${url}/downloads/site.iso`, {}, '127.0.0.2');
    expect(fromMirror.status).toBe(200);
    expect(sha256(fromMirror.body)).toBe(sha256(ISO));
    const small = await get(`${url}/downloads/small.txt`, { 'X-Forwarded-For': '192.0.2.10' });
    expect(small.status).toBe(200);
    expect(small.body).toEqual(SMALL);
  }, 30_000);

  it('when "overloaded" › serve runs its load signal (health shows it), and serves the file itself while normal', async () => {
    const config = join(tempFolder(), 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        mirrors: [{ name: 'm1', url: 'http://127.0.0.2:9/' }],
        mirrorRedirect: { paths: ['/downloads/'], when: 'overloaded' },
      }),
    );
    const running = await startCli(
      ['serve', site.root, '--port', '0', '--config', config, '--quiet'],
      'http://',
    );
    try {
      expect(running.stderr.join('')).not.toContain('load signal');
      const health = JSON.parse((await get(`${running.url}/_cdn-include/health`)).body.toString());
      expect(health.load).toMatchObject({ level: 'normal', shedShare: 0 });
      const res = await get(`${running.url}/downloads/site.iso`);
      expect(res.status).toBe(200);
    } finally {
      running.stop('SIGTERM');
      expect(await running.exitCode).toBe(0);
    }
  });

  it('a geoDatabase that cannot be read › exit status 2 and one line naming it', async () => {
    const state = tempFolder();
    const config = join(state, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        mirrors: [{ name: 'm1', url: 'http://127.0.0.2:9/' }],
        mirrorRedirect: { paths: ['/downloads/'] },
        geoDatabase: join(state, 'missing.mmdb'),
      }),
    );
    const outcome = await runCliOnce(['serve', site.root, '--port', '0', '--config', config]);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/geoDatabase '.*missing\.mmdb' cannot be read: ENOENT/);
    expect(outcome.stderr.trim().split('\n')).toHaveLength(1);
  });
});
