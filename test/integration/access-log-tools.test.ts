// The access log of a real `cdn-include serve` process, read by the analyzers operators point at Apache logs:
// GoAccess (`--log-format=COMBINED`) and AWStats (`LogFormat=1`) parse every line, statuses and visitors right,
// with the appended fields and Apache's escaping of quotes, backslashes and control bytes.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { compiledPackage } from '../support/compiled-cli';
import { TempSite } from '../support/temp-site';
import { waitFor } from '../support/wait-for';

const GOACCESS = '/usr/bin/goaccess';
const AWSTATS = '/usr/lib/cgi-bin/awstats.pl';

// .ci/run installs both (Debian's goaccess and awstats): this test runs in CI, it never skips.
jest.setTimeout(60_000);

let outDir: string;
let child: ChildProcess | undefined;
let site: TempSite;

beforeAll(async () => {
  outDir = await compiledPackage();
});

beforeEach(() => {
  site = new TempSite()
    .write('page.shtml', '<p>this is <!--#echo var="DOCUMENT_NAME" --></p>\n')
    .write('say"hi".html', 'a file name with a quote\n');
});

afterEach(() => {
  child?.kill('SIGKILL');
  child = undefined;
  site.remove();
});

/** Starts the compiled `cdn-include serve` on a free port; resolves with its URL and its stdout lines so far. */
function startServe(extra: string[] = []): Promise<{ port: number; stdout: string[] }> {
  const started = spawn(
    process.execPath,
    [join(outDir, 'cli/main.js'), 'serve', site.root, '--port', '0', ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child = started;
  const stdout: string[] = [];
  let pending = '';
  return new Promise((resolve, reject) => {
    started.stdout?.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString('latin1')).split('\n');
      pending = lines.pop() ?? '';
      stdout.push(...lines);
      const port = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(stdout.join('\n'))?.[1];
      if (port) resolve({ port: Number(port), stdout });
    });
    started.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stdout.join('\n')}`)));
  });
}

/** A request through node:http; resolves with the status and ETag once the response is read. */
function send(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; etag: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, etag: res.headers.etag }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Sends `head` (request line and fields) byte for byte, as a client that writes what it likes would. */
function sendRaw(port: number, head: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => socket.write(head));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
  });
}

const COMBINED =
  /^(\S+) - - \[(\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d [+-]\d{4})\] "((?:[^"\\]|\\.)*)" (\d{3}) (\d+|-) "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)" etag=(\S+) time_ms=[\d.]+ render_ms=(?:[\d.]+|-) cache=(\S+) end=(complete|aborted)$/;

/** Visitors as GoAccess counts them by default: distinct host, day and user agent, of requests below 400. */
function goAccessVisitors(lines: string[]): number {
  const keys = lines.map((line) => COMBINED.exec(line)).filter((match) => match && Number(match[4]) < 400);
  return new Set(keys.map((match) => `${match?.[1]} ${match?.[2].slice(0, 11)} ${match?.[7]}`)).size;
}

describe('the access log of cdn-include serve, read by GoAccess and AWStats', () => {
  it('› every line parsed, none invalid or corrupted, with the statuses and visitors served', async () => {
    expect(existsSync(GOACCESS)).toBe(true);
    expect(existsSync(AWSTATS)).toBe(true);
    const { port, stdout } = await startServe();
    const browser = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
    const first = await send(port, '/page.shtml', {
      Referer: 'https://example.org/from',
      'User-Agent': browser,
    });
    const statuses = [
      first.status,
      (await send(port, '/page.shtml', { 'If-None-Match': first.etag ?? '', 'User-Agent': browser })).status,
      (await send(port, '/missing.html', { 'User-Agent': browser })).status,
      (await send(port, '/page.shtml', { 'User-Agent': 'curl/8.5.0' }, 'HEAD')).status,
    ];
    // A quote in the target; a quote, a tab, a backslash and a byte above 0x7f in the User-Agent (Node refuses
    // other control bytes with a 400 of its own before any app sees them).
    const hostile = Buffer.concat([
      Buffer.from('GET /say"hi".html HTTP/1.1\r\nHost: x\r\nUser-Agent: bot\t"q\\', 'latin1'),
      Buffer.from([0xe9]),
      Buffer.from('\r\nConnection: close\r\n\r\n', 'latin1'),
    ]);
    statuses.push(Number(/^HTTP\/1\.1 (\d{3})/.exec(await sendRaw(port, hostile))?.[1]));
    // No User-Agent and no Referer at all.
    const bare = await sendRaw(
      port,
      Buffer.from('GET /page.shtml HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
    );
    statuses.push(Number(/^HTTP\/1\.1 (\d{3})/.exec(bare)?.[1]));
    expect(statuses).toEqual([200, 304, 404, 200, 200, 200]);

    const isAccessLine = (line: string) => !line.startsWith('cdn-include ');
    await waitFor(
      () => stdout.filter(isAccessLine).length === statuses.length,
      'one access-log line per request',
    );
    const lines = stdout.filter(isAccessLine);
    for (const line of lines) expect(line).toMatch(COMBINED);
    expect(lines.map((line) => Number(COMBINED.exec(line)?.[4]))).toEqual(statuses);
    expect(lines[0]).toContain(`"GET /page.shtml HTTP/1.1" 200 `);
    expect(lines[0]).toContain(`"https://example.org/from" "${browser}"`);
    // %b: '-' for no body bytes (a 304, a HEAD), as Apache's %b logs them.
    expect(lines[1]).toContain('" 304 - "-" ');
    expect(lines[3]).toMatch(/"HEAD \/page\.shtml HTTP\/1\.1" 200 - "-" "curl\/8\.5\.0"/);
    // ap_escape_logitem: " → \", \ → \\, a tab → \t, a byte above 0x7f → \xhh.
    expect(lines[4]).toContain(String.raw`"GET /say\"hi\".html HTTP/1.1" 200 25 "-" "bot\t\"q\\\xe9"`);
    expect(lines[5]).toContain('"GET /page.shtml HTTP/1.1" 200 ');
    expect(lines[5]).toMatch(/ "-" "-" etag=/);

    const log = site.path('access.log');
    writeFileSync(log, Buffer.from(`${lines.join('\n')}\n`, 'latin1'));
    expectGoAccessReads(log, lines);
    expectAwstatsReads(log, lines.length);
  });
});

/** GoAccess with its predefined COMBINED format: every request valid, by status, and the visitors. */
function expectGoAccessReads(log: string, lines: string[]): void {
  const report = site.path('goaccess.json');
  execFileSync(GOACCESS, [log, '--log-format=COMBINED', '--no-global-config', '-o', report], {
    stdio: 'pipe',
  });
  const parsed = JSON.parse(readFileSync(report, 'utf8')) as GoAccessReport;
  expect(parsed.general).toMatchObject({
    total_requests: lines.length,
    valid_requests: lines.length,
    failed_requests: 0,
    unique_visitors: goAccessVisitors(lines),
  });
  const byStatus = Object.fromEntries(
    parsed.status_codes.data.flatMap((group) =>
      group.items.map((item) => [item.data.slice(0, 3), item.hits.count] as const),
    ),
  );
  const served: Record<string, number> = {};
  for (const line of lines) {
    const status = COMBINED.exec(line)?.[4] ?? '?';
    served[status] = (served[status] ?? 0) + 1;
  }
  expect(byStatus).toEqual(served);
  expect(Object.keys(byStatus).sort()).toEqual(['200', '304', '404']);
}

/** AWStats with LogFormat=1 (combined) on a scratch config and data folder: every record new, none corrupted. */
function expectAwstatsReads(log: string, count: number): void {
  const folder = site.path('awstats');
  mkdirSync(join(folder, 'data'), { recursive: true });
  writeFileSync(
    join(folder, 'awstats.scratch.conf'),
    [
      `LogFile="${log}"`,
      'LogType=W',
      'LogFormat=1',
      'SiteDomain="localhost"',
      'HostAliases="127.0.0.1"',
      'DNSLookup=0',
      `DirData="${join(folder, 'data')}"`,
      '',
    ].join('\n'),
  );
  const output = execFileSync('perl', [AWSTATS, '-config=scratch', `-configdir=${folder}`, '-update'], {
    encoding: 'utf8',
  });
  expect(output).toContain(`Parsed lines in file: ${count}`);
  expect(output).toContain('Found 0 corrupted records');
  expect(output).toContain('Found 0 dropped records');
  expect(output).toContain(`Found ${count} new qualified records`);
}

interface GoAccessReport {
  general: Record<string, unknown>;
  status_codes: { data: Array<{ items: Array<{ data: string; hits: { count: number } }> }> };
}
