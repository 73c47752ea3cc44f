// `PATH.meta4` through the app, read by a real Metalink client: aria2 (Debian's aria2, which .ci/run installs)
// downloads the file it describes and verifies it against the SHA-256 in it; the same description with one hex digit
// changed makes aria2 fail its checksum, so the pass is the hash's doing.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createApp } from '../../src/server/app';
import { metalinkRepresentation } from '../../src/server/metalink-file';
import { BodyDigests } from '../../src/engine/body-digests';
import { closeServer, listenOnFreePort, serverUrl } from '../support/listening-server';
import { rawRequest } from '../support/raw-request';
import { at, TempSite } from '../support/temp-site';

const run = promisify(execFile);
const BIG = Buffer.from(Array.from({ length: 300_000 }, (_, index) => (index * 7) % 251));

let site: TempSite;
let origin: Server;
let app: ReturnType<typeof createApp>;
let downloads: string;

beforeAll(async () => {
  site = new TempSite()
    .write('files/data.bin', BIG, at(1))
    .write('page.shtml', 'page <!--#include virtual="/inc/f.html" --> end\n', at(2))
    .write('inc/f.html', 'fragment', at(3));
  app = createApp({ root: site.root, streamThreshold: 100_000 });
  origin = await listenOnFreePort(app.callback());
  downloads = mkdtempSync(join(tmpdir(), 'cdn-include-metalink-'));
});

afterAll(async () => {
  await closeServer(origin);
  app.ssi.close();
  site.remove();
  rmSync(downloads, { recursive: true, force: true });
});

/** Runs `aria2c -M metalink` into its own folder; resolves with its exit code. */
async function aria2(metalink: string, folder: string): Promise<number> {
  const args = [
    '-M',
    metalink,
    '-d',
    folder,
    '--allow-overwrite=true',
    '--console-log-level=warn',
    '--summary-interval=0',
  ];
  try {
    await run('aria2c', args, { timeout: 60_000 });
    return 0;
  } catch (err) {
    return (err as { code: number }).code;
  }
}

describe('PATH.meta4', () => {
  it.each([
    ['a file streamed from disk', '/files/data.bin', 'data.bin'],
    ['an SSI page, as expanded', '/page.shtml', 'page.shtml'],
  ])('%s › aria2c -M downloads and verifies it; a changed hash fails it', async (_, path, name) => {
    const description = await rawRequest(origin, `${path}.meta4`);
    expect(description.status).toBe(200);
    expect(description.headers['content-type']).toBe('application/metalink4+xml');
    const served = await rawRequest(origin, path);
    const hex = createHash('sha256').update(served.body).digest('hex');
    const text = description.body.toString();
    expect(text).toContain(`<file name="${name}">`);
    expect(text).toContain(`<size>${served.body.length}</size>`);
    expect(text).toContain(`<hash type="sha-256">${hex}</hash>`);
    expect(text).toContain(`<url priority="1">${serverUrl(origin)}${path}</url>`);

    const good = join(downloads, `good-${name}`);
    writeFileSync(`${good}.meta4`, description.body);
    expect(await aria2(`${good}.meta4`, good)).toBe(0);
    expect(readFileSync(join(good, name)).equals(served.body)).toBe(true);

    const wrongHex = hex.slice(0, -1) + (hex.endsWith('0') ? '1' : '0');
    const bad = join(downloads, `bad-${name}`);
    writeFileSync(`${bad}.meta4`, text.replace(hex, wrongHex));
    // aria2's exit code 32: "Checksum validation failed".
    expect(await aria2(`${bad}.meta4`, bad)).toBe(32);
  });

  it('a missing subject › 404', async () => {
    expect((await rawRequest(origin, '/files/none.bin.meta4')).status).toBe(404);
  });
});

describe('metalinkRepresentation', () => {
  it('a name and a URL with XML markup characters › escaped', () => {
    const body = Buffer.from('x');
    const subject = Object.freeze({
      body,
      contentType: 'text/plain',
      etag: '"1-x"',
      digests: BodyDigests.of(body),
      lastModified: 0,
      strongFrom: 0,
      cacheControl: 'public, max-age=0',
      vary: undefined,
    });
    const text = metalinkRepresentation(subject, 'a&b<c>"d\'.txt', [
      { url: 'http://h/a&b<c>.txt', priority: 1, location: 'de' },
    ]).body.toString();
    expect(text).toContain('<file name="a&amp;b&lt;c&gt;&quot;d&#39;.txt">');
    expect(text).toContain('<url priority="1" location="de">http://h/a&amp;b&lt;c&gt;.txt</url>');
  });
});
