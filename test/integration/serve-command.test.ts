// `cdn-include serve` end to end: starts on a free port, serves the site, logs, passes `check`, stops on a signal.

import request from 'supertest';
import type { CommandIo } from '../../src/cli/command';
import { runCli } from '../../src/cli/main';
import { type RunningCli, runCliOnce, startCli } from '../support/running-cli';
import { at, TempSite } from '../support/temp-site';

/** `cdn-include serve ...args` on a free port, once it printed its URL. */
function startServe(args: string[]): Promise<RunningCli> {
  return startCli(['serve', ...args, '--port', '0'], 'http://');
}

describe('cdn-include serve', () => {
  let site: TempSite;
  beforeEach(() => {
    site = new TempSite()
      .write(
        'index.shtml',
        'hi <!--#include virtual="/inc/x.html" --><!--#include virtual="/nope.html" -->',
        at(1),
      )
      .write('inc/x.html', 'there', at(2));
  });
  afterEach(() => site.remove());

  it('serves ROOT, prints its URL, one access-log line per request, diagnostics on stderr, and stops on SIGTERM with 0', async () => {
    const serve = await startServe([site.root]);
    expect(serve.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await request(serve.url).get('/');
    expect(response.status).toBe(200);
    expect(response.text).toBe('hi there[an error occurred while processing this directive]');
    expect(serve.stdout.filter((line) => line.includes('"GET / HTTP/1.1" 200'))).toHaveLength(1);
    expect(serve.stderr.join('')).toContain('include-not-found /index.shtml:1');
    serve.stop('SIGTERM');
    expect(await serve.exitCode).toBe(0);
  });

  it('our server › `check` reports that it revalidates correctly (exit 0)', async () => {
    const serve = await startServe([site.root]);
    const out: string[] = [];
    const io: CommandIo = {
      stdout: (t) => void out.push(t),
      stderr: (t) => void out.push(t),
      env: {},
      cwd: process.cwd(),
      stopSignal: new Promise(() => undefined),
    };
    const code = await runCli(['check', `${serve.url}/`], io);
    expect(out.join('')).toContain('verdict: origin revalidates correctly');
    expect(code).toBe(0);
    serve.stop('SIGINT');
    expect(await serve.exitCode).toBe(0);
  });

  it('--ssi-ext .shtml,.html › .html pages are expanded too', async () => {
    site.write('page.html', '<!--#echo var="DOCUMENT_NAME" -->', at(1));
    const serve = await startServe([site.root, '--ssi-ext', '.shtml,.html']);
    await request(serve.url).get('/page.html').expect(200, 'page.html');
    serve.stop('SIGINT');
    await serve.exitCode;
  });

  it('--legacy-expr › #if uses the Apache 2.2 syntax', async () => {
    site.write(
      'legacy.shtml',
      '<!--#set var="a" value="b" --><!--#if expr="$a = b" -->yes<!--#else -->no<!--#endif -->',
      at(1),
    );
    const serve = await startServe([site.root, '--legacy-expr']);
    await request(serve.url).get('/legacy.shtml').expect(200, 'yes');
    serve.stop('SIGINT');
    await serve.exitCode;
  });

  it('a port in use › one line on stderr and exit 1', async () => {
    const first = await startServe([site.root]);
    const port = first.url.split(':').pop() as string;
    const { code, stderr } = await runCliOnce(['serve', site.root, '--port', port]);
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    first.stop('SIGINT');
    await first.exitCode;
  });
});
