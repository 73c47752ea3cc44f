// `serve --git-times` on a real git clone: Last-Modified comes from the commit, not the checkout, until a file
// is edited, which then shows its own mtime at once.

import request from 'supertest';
import { GitCheckout } from '../support/git-checkout';
import { type RunningCli, startCli } from '../support/running-cli';

const T1 = 1_600_000_000;
const T2 = 1_600_100_000;
const httpDate = (seconds: number): string => new Date(seconds * 1000).toUTCString();

describe('serve --git-times', () => {
  let origin: GitCheckout;
  let checkout: GitCheckout;
  let serve: RunningCli;
  beforeEach(async () => {
    origin = GitCheckout.init()
      .write('site/index.shtml', 'I<!--#include virtual="/nav.html" -->', T1)
      .write('site/nav.html', 'nav-1', T1)
      .write('site/style.css', 'body{}', T1)
      .commit('first', T1)
      .write('site/nav.html', 'nav-2', T2)
      .commit('second', T2);
    checkout = GitCheckout.clone(origin, 1_700_000_000);
    serve = await startCli(
      ['serve', checkout.path('site'), '--git-times', '--port', '0', '--revalidate-window', '0'],
      'http://',
    );
  });
  afterEach(async () => {
    serve.stop('SIGTERM');
    await serve.exitCode;
    origin.remove();
    checkout.remove();
  });

  it('clean files › Last-Modified is the commit time; an edited fragment › its own mtime', async () => {
    await request(serve.url).get('/style.css').expect(200).expect('Last-Modified', httpDate(T1));
    await request(serve.url).get('/index.shtml').expect(200, 'Inav-2').expect('Last-Modified', httpDate(T2));

    // An edit in a later second, as an editor makes it: the file's own mtime dates the new bytes.
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
    const edited = Math.floor(Date.now() / 1000);
    checkout.write('site/nav.html', 'nav-local', edited);
    await request(serve.url)
      .get('/index.shtml')
      .expect(200, 'Inav-local')
      .expect('Last-Modified', httpDate(edited));
  });
});
