// `serve` applies its connection limits: a request whose headers never finish is answered 408 and closed, a cap
// above the open-file limit is warned about, and a header timeout beyond the request timeout is a usage error.

import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { runCliOnce, startCli } from '../support/running-cli';
import { TempSite } from '../support/temp-site';

let site: TempSite;
beforeEach(() => (site = new TempSite().write('index.html', 'hello')));
afterEach(() => site.remove());

describe('serve connection limits', () => {
  it('a request whose headers never finish › 408 and closed once the header timeout passes', async () => {
    const server = await startCli(
      ['serve', site.root, '--port', '0', '--headers-timeout', '200', '--quiet'],
      'serving',
    );
    try {
      const port = Number(new URL(server.url).port);
      const answer = await new Promise<string>((resolve) => {
        const socket = connect(port, '127.0.0.1', () =>
          socket.write('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: '),
        );
        let received = '';
        socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
        socket.once('close', () => resolve(received));
      });
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      server.stop('SIGTERM');
      await server.exitCode;
    }
  });

  it('a cap above the open-file limit › served, with one warning naming what to raise', async () => {
    const server = await startCli(
      ['serve', site.root, '--port', '0', '--max-connections', String(1 << 24), '--quiet'],
      'serving',
    );
    server.stop('SIGTERM');
    expect(await server.exitCode).toBe(0);
    expect(server.stderr.join('')).toMatch(/open files .*ulimit -n/);
  });

  it('config keys › checked: a header timeout beyond the request timeout is one usage line, exit 2', async () => {
    const config = site.path('cdn.json');
    writeFileSync(config, JSON.stringify({ headersTimeout: 9000, requestTimeout: 1000 }));
    const result = await runCliOnce(['serve', site.root, '--port', '0', '--config', config]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^cdn-include serve: .*'headersTimeout' \(9000 ms\) must not exceed/);
    expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });
});
