// Requests Node's HTTP parser refuses before the app sees them: answered with Node's own status (400 malformed,
// 431 header section too large, 408 too slow) and logged as Apache logs them, with `"-"` for the request line, so
// the access log shows every request a client made.

import { connect } from 'node:net';
import { startCli, type RunningCli } from '../support/running-cli';
import { TempSite } from '../support/temp-site';
import { waitFor } from '../support/wait-for';

let site: TempSite;
let server: RunningCli | undefined;

beforeEach(() => {
  site = new TempSite().write('page.html', '<p>hello</p>\n');
});

afterEach(async () => {
  server?.stop('SIGTERM');
  await server?.exitCode;
  server = undefined;
  site.remove();
});

async function serve(extra: string[] = []): Promise<RunningCli> {
  server = await startCli(['serve', site.root, '--port', '0', ...extra], 'serving');
  return server;
}

/** Sends `bytes` on a connection of its own and collects what comes back until the server closes it. */
function exchange(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(bytes, 'latin1'));
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

function accessLines(cli: RunningCli): string[] {
  return cli.stdout
    .join('')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('cdn-include'));
}

async function onlyLine(cli: RunningCli): Promise<string> {
  await waitFor(() => accessLines(cli).length >= 1, 'an access-log line');
  return accessLines(cli)[0];
}

describe('a request Node refuses is answered with its status and logged', () => {
  it('a malformed request line › 400, logged with "-" for the request line', async () => {
    const cli = await serve();
    const answer = await exchange(cli.url, 'GET /page.html HTTP/1.1 trailing junk\r\nHost: x\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(answer).toContain('\r\nConnection: close\r\n');
    const line = await onlyLine(cli);
    expect(line).toMatch(
      /^127\.0\.0\.1 - - \[[^\]]+\] "-" 400 \d+ "-" "-" etag=- time_ms=- render_ms=- cache=- end=complete$/,
    );
  });

  it('a header section over the size limit › 431', async () => {
    const cli = await serve();
    const answer = await exchange(
      cli.url,
      `GET /page.html HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(await onlyLine(cli)).toContain('"-" 431 ');
  });

  it('headers that never finish within --headers-timeout › 408', async () => {
    const cli = await serve(['--headers-timeout', '300', '--request-timeout', '300']);
    const answer = await exchange(cli.url, 'GET /page.html HTTP/1.1\r\nHost: x\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(await onlyLine(cli)).toContain('"-" 408 ');
  });

  it('--log-format json › the request line fields are null', async () => {
    const cli = await serve(['--log-format', 'json']);
    await exchange(cli.url, 'BAD\r\n\r\n');
    const record = JSON.parse(await onlyLine(cli)) as Record<string, unknown>;
    expect(record).toMatchObject({ status: 400, method: null, url: null, protocol: null, durationMs: null });
  });

  it('a request on a connection after a good one › answered too, one line each', async () => {
    const cli = await serve();
    const answer = await exchange(cli.url, 'GET /page.html HTTP/1.1\r\nHost: x\r\n\r\nNOT HTTP\r\n\r\n');
    expect(answer).toMatch(
      /^HTTP\/1\.1 200 OK\r\n[\s\S]*<p>hello<\/p>\n[\s\S]*HTTP\/1\.1 400 Bad Request\r\n/,
    );
    await waitFor(() => accessLines(cli).length >= 2, 'two access-log lines');
    expect(
      accessLines(cli)
        .map((line) => / (\d{3}) /.exec(line)?.[1])
        .sort(),
    ).toEqual(['200', '400']);
  });

  it('-q › answered, not logged', async () => {
    const cli = await serve(['-q']);
    expect(await exchange(cli.url, 'BAD\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
    expect(accessLines(cli)).toEqual([]);
  });
});
