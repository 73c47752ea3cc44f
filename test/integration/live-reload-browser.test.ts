// `cdn-include serve --watch --live-reload` as a real process, opened in headless Chromium (Debian's chromium,
// through puppeteer-core): a change to an included fragment on disk reloads the page, which then shows the new
// text. With live reload off, the same page carries no script. CI installs chromium (.ci/run): this test runs.

import puppeteer, { type Browser } from 'puppeteer-core';
import { LIVE_RELOAD_EVENTS_PATH } from '../../src/server/live-reload';
import { startServeProcess, type ServeProcess } from '../support/serve-process';
import { at, TempSite } from '../support/temp-site';

jest.setTimeout(60_000);

const CHROMIUM = '/usr/bin/chromium';
/** How long the page may take to show a change written to disk. */
const RELOAD_DEADLINE_MS = 10_000;

const PAGE = `<!doctype html>
<html><head><title>live</title></head>
<body><h1><!--#include virtual="/inc/title.html" --></h1></body></html>
`;

let site: TempSite;
let browser: Browser;
const running = new Set<ServeProcess>();

beforeAll(async () => {
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // The test may run as root (containers), where Chromium's sandbox cannot start.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
});

beforeEach(() => {
  site = new TempSite().write('index.shtml', PAGE, at(1)).write('inc/title.html', 'before', at(2));
});

afterEach(async () => {
  for (const serving of running) await stop(serving);
  site.remove();
});

afterAll(() => browser?.close());

/** Starts `cdn-include serve ROOT --port 0 ...flags`; resolves once it printed its URL and `ready`. */
async function serve(flags: string[], ready: RegExp): Promise<ServeProcess> {
  const serving = await startServeProcess([site.root, '--port', '0', '--quiet', ...flags], {}, ready);
  running.add(serving);
  return serving;
}

async function stop(serving: ServeProcess): Promise<void> {
  running.delete(serving);
  if (serving.child.exitCode === null) serving.child.kill('SIGTERM');
  await serving.exited;
}

describe('serve --watch --live-reload in Chromium', () => {
  it('an included fragment changes on disk › the page reloads and shows the new text', async () => {
    const { url, output } = await serve(['--watch', '--live-reload'], /^watching /m);
    const page = await browser.newPage();
    try {
      const feedOpen = page.waitForResponse((response) => response.url().endsWith(LIVE_RELOAD_EVENTS_PATH));
      await page.goto(`${url}/`);
      expect(await page.$eval('h1', (heading) => heading.textContent)).toBe('before');
      expect((await feedOpen).headers()['content-type']).toBe('text/event-stream; charset=utf-8');
      // A mark on this document: a reload makes a new one without it (the text alone could be patched in).
      await page.evaluate('window.loadedBeforeTheChange = true');

      site.write('inc/title.html', 'after', at(100));

      await page.waitForFunction("document.querySelector('h1')?.textContent === 'after'", {
        timeout: RELOAD_DEADLINE_MS,
      });
      expect(await page.evaluate('window.loadedBeforeTheChange === undefined')).toBe(true);
      expect(output.join('')).toContain('/inc/title.html');
    } finally {
      await page.close();
    }
  });
});

describe('serve --watch without --live-reload', () => {
  it('the page › as it is on disk, expanded: no script, the configured Cache-Control', async () => {
    const { url } = await serve(['--watch'], /^watching /m);
    const reply = await fetch(`${url}/`);
    expect(await reply.text()).toBe(PAGE.replace('<!--#include virtual="/inc/title.html" -->', 'before'));
    expect(reply.headers.get('cache-control')).toBe('public, max-age=0');
  });
});
