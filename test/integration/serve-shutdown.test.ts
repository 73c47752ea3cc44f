// `cdn-include serve` as a real process stops gracefully on SIGTERM: a response under way (a big file to a slow
// client) is sent in full while new connections are refused, then the process exits 0 before its deadline; past
// --shutdown-timeout what remains is cut off and the process exits all the same.

import { connect, type Socket } from 'node:net';
import { startServeProcess, type ServeProcess } from '../support/serve-process';
import { TempSite } from '../support/temp-site';

jest.setTimeout(60_000);

/** Far more than the loopback socket buffers hold, so the server is still writing while the client waits. */
const BIG_FILE_BYTES = 64 * 1024 * 1024;

let site: TempSite;
let serving: ServeProcess | undefined;
beforeAll(() => (site = new TempSite().write('big.bin', Buffer.alloc(BIG_FILE_BYTES, 0x61))));
afterEach(() => serving?.child.kill('SIGKILL'));
afterAll(() => site.remove());

/** A GET of /big.bin whose client stops reading after the first bytes; `resume` reads the rest. */
async function slowDownload(url: string) {
  const { hostname, port } = new URL(url);
  const socket: Socket = connect(Number(port), hostname);
  let bytes = 0;
  let head = '';
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  const started = new Promise<void>((resolve) =>
    socket.once('data', (chunk: Buffer) => {
      head = chunk.toString('latin1').split('\r\n\r\n')[0];
      socket.pause();
      resolve();
    }),
  );
  socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
  socket.write('GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n');
  await started;
  return { head, socket, closed, received: () => bytes - head.length - 4 };
}

/** Whether a new connection to `url` is accepted. */
function connects(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('serve: graceful stop', () => {
  it('SIGTERM with a big file under way › sent in full, new connections refused, exit 0 before the deadline', async () => {
    serving = await startServeProcess([site.root, '--port', '0', '--quiet', '--shutdown-timeout', '20000']);
    const download = await slowDownload(serving.url);
    expect(download.head).toMatch(/^HTTP\/1\.1 200 /);
    const stopped = Date.now();
    serving.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await connects(serving.url)).toBe(false);
    expect(download.received()).toBeLessThan(BIG_FILE_BYTES);
    download.socket.resume();
    await download.closed;
    expect(download.received()).toBe(BIG_FILE_BYTES);
    expect(await serving.exited).toBe(0);
    expect(Date.now() - stopped).toBeLessThan(20_000);
    expect(serving.output.join('')).toContain('SIGTERM received, stopping');
  });

  it('--workers 2 › the primary passes SIGTERM on and waits: the download under way completes, exit 0', async () => {
    serving = await startServeProcess([site.root, '--port', '0', '--quiet', '--workers', '2']);
    const download = await slowDownload(serving.url);
    serving.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(download.received()).toBeLessThan(BIG_FILE_BYTES);
    download.socket.resume();
    await download.closed;
    expect(download.received()).toBe(BIG_FILE_BYTES);
    expect(await serving.exited).toBe(0);
    expect(serving.output.join('')).toContain('SIGTERM received, stopping 2 workers');
  });

  it('a client that never reads › cut off at --shutdown-timeout, one line says so, exit 0 soon after', async () => {
    serving = await startServeProcess([site.root, '--port', '0', '--quiet', '--shutdown-timeout', '500']);
    const download = await slowDownload(serving.url);
    const stopped = Date.now();
    serving.child.kill('SIGTERM');
    expect(await serving.exited).toBe(0);
    const exitedAfter = Date.now() - stopped;
    expect(exitedAfter).toBeGreaterThanOrEqual(450);
    expect(exitedAfter).toBeLessThan(5000);
    // What the kernel buffered is read; then the connection ends, the file short.
    download.socket.resume();
    await download.closed;
    expect(download.received()).toBeLessThan(BIG_FILE_BYTES);
    expect(serving.output.join('')).toContain(
      'cdn-include serve: 1 request still under way after 500 ms (--shutdown-timeout) cut off\n',
    );
  });
});
