// `cdn-include serve` as a real process keeps an idle keep-alive connection open for --keep-alive-timeout (65 s
// by default, above a load balancer's 60 s idle timeout), past its shorter header timeout, then closes it.

import { connect, type Socket } from 'node:net';
import { startServeProcess, type ServeProcess } from '../support/serve-process';
import { TempSite } from '../support/temp-site';

jest.setTimeout(60_000);

let site: TempSite;
let serving: ServeProcess | undefined;
beforeAll(() => (site = new TempSite().write('index.html', 'hello')));
afterEach(() => serving?.child.kill('SIGKILL'));
afterAll(() => site.remove());

/** A connection that sent one keep-alive GET: its response head, and when the server closed it (ms after). */
async function oneRequest(url: string) {
  const { hostname, port } = new URL(url);
  const socket: Socket = connect(Number(port), hostname);
  let received = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
  const answered = Date.now();
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - answered)));
  socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
  while (!received.endsWith('hello')) await new Promise((resolve) => setTimeout(resolve, 10));
  return { head: received, socket, closed };
}

describe('serve --keep-alive-timeout', () => {
  it('by default › the response announces 65 s (Keep-Alive: timeout=65, as node:http announces it)', async () => {
    serving = await startServeProcess([site.root, '--port', '0', '--quiet']);
    const { head, socket } = await oneRequest(serving.url);
    socket.destroy();
    expect(head).toMatch(/\r\nKeep-Alive: timeout=65\r\n/i);
  });

  it('1500 ms with a 300 ms header timeout › idle connection open past 1000 ms, closed by the server after 1500 ms', async () => {
    serving = await startServeProcess([
      site.root,
      ...['--port', '0', '--quiet', '--keep-alive-timeout', '1500', '--headers-timeout', '300'],
    ]);
    const { head, socket, closed } = await oneRequest(serving.url);
    expect(head).toMatch(/\r\nKeep-Alive: timeout=1\r\n/i);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(socket.closed).toBe(false);
    const after = await closed;
    expect(after).toBeGreaterThanOrEqual(1400);
    expect(after).toBeLessThan(5000);
  });
});
