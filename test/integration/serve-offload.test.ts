// Offloading with `cdn-include serve` as a real process reading `offload` from its config file (README "Under
// load"): the 307, the loop guards (our edge's CDN-Loop, a mirror's Host, the bounce-back marker, the CDN suffix
// twice), one access-log line per request with its decision and reason, the counts in the health JSON and the
// metrics; a wrong `offload` stops serve with one line naming the field.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TextResponse, textGet } from '../support/raw-request';
import { runCliOnce } from '../support/running-cli';
import { type ServeProcess, startServeProcess } from '../support/serve-process';
import { TempSite } from '../support/temp-site';
import { waitFor } from '../support/wait-for';

/** A GET of `path` on `base` with `headers` (Host among them, which fetch would not send). */
function get(base: string, path: string, headers: Record<string, string> = {}): Promise<TextResponse> {
  return textGet(`${base}${path}`, headers, { timeoutMs: 5000 });
}

// The first serve process of a run may compile the package first.
jest.setTimeout(60_000);

const site = new TempSite().write('news/a.txt', 'a text').write('about.txt', 'about');
const folder = mkdtempSync(join(tmpdir(), 'cdn-include-offload-'));
let serve: ServeProcess | undefined;

afterAll(async () => {
  serve?.child.kill('SIGTERM');
  await serve?.exited;
  rmSync(folder, { recursive: true, force: true });
  site.remove();
});

describe('serve with offload', () => {
  it('› 307s and loop guards as configured, every request logged with its decision, counted in health and metrics', async () => {
    const config = join(folder, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        offload: {
          to: 'https://cdn.example.net/',
          when: 'always',
          paths: ['/news/'],
          edges: { cdnLoop: ['our-edge'] },
        },
        // Never reachable (port 9): only its host name matters here, as one of ours.
        mirrors: [{ name: 'm1', url: 'http://mirror.example:9/' }],
      }),
    );
    serve = await startServeProcess([site.root, '--port', '0', '--host', '127.0.0.1', '--config', config]);
    const { url } = serve;
    const redirected = await get(url, '/news/a.txt?x=1');
    expect(redirected.status).toBe(307);
    expect(redirected.headers.location).toBe('https://cdn.example.net/news/a.txt?x=1');
    expect(redirected.headers['cdn-cache-control']).toBe('no-store');
    expect((await get(url, '/news/a.txt', { 'CDN-Loop': 'our-edge' })).body).toBe('a text');
    expect((await get(url, '/news/a.txt', { Host: 'mirror.example:9' })).body).toBe('a text');
    expect((await get(url, '/news/a.txt?cdn-include-local')).body).toBe('a text');
    expect((await get(url, '/about.txt')).body).toBe('about');
    expect((await get(url, '/news/a.txt', { Host: 'a.cdn.example.net.cdn.example.net' })).status).toBe(400);

    const logLines = () =>
      serve!.output
        .join('')
        .split('\n')
        .filter((line) => line.includes('"GET /'));
    await waitFor(() => logLines().length === 6, 'six access-log lines');
    expect(
      logLines().map((line) => / (\d{3}) .* (offload=\S+ reason=\S+)$/.exec(line)?.slice(1).join(' ')),
    ).toEqual([
      '307 offload=307 reason=always',
      '200 offload=- reason=loop-guard',
      '200 offload=- reason=own-host',
      '200 offload=- reason=bounce',
      '200 offload=- reason=path',
      '400 offload=400 reason=amplification',
    ]);

    const health = JSON.parse((await get(url, '/_cdn-include/health')).body) as Record<string, unknown>;
    expect(health.offload).toEqual({
      redirects: 1,
      decisions: {
        '307 always': 1,
        '- loop-guard': 1,
        '- own-host': 1,
        '- bounce': 1,
        '- path': 1,
        '400 amplification': 1,
      },
    });
    const metrics = (await get(url, '/_cdn-include/metrics')).body;
    expect(metrics).toContain('cdn_include_offload_total{decision="307",reason="always"} 1');
    expect(metrics).toContain('cdn_include_offload_total{decision="-",reason="loop-guard"} 1');
    // Neither endpoint is itself logged or counted.
    expect(logLines()).toHaveLength(6);
  });

  it('a wrong offload › exit status 2 and one line naming the field', async () => {
    const config = join(folder, 'bad.json');
    writeFileSync(config, JSON.stringify({ offload: { to: 'https://cdn.example.net/', when: 'busy' } }));
    const outcome = await runCliOnce(['serve', site.root, '--port', '0', '--config', config]);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr.trim().split('\n')).toHaveLength(1);
    expect(outcome.stderr).toMatch(
      /'.*bad\.json': offload\.when must be "overloaded", "always" or .*, not "busy"/,
    );
  });
});
