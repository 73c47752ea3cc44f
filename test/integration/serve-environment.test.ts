// `cdn-include serve` as a real process takes PORT and HOST from its environment when --port and --host are
// absent, as a container platform or a systemd unit sets them; a flag given wins; a bad value is a usage error.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { listenAddress } from '../../src/cli/listen-address';
import { compiledPackage } from '../support/compiled-cli';
import { startServeProcess, type ServeProcess } from '../support/serve-process';
import { freePort } from '../support/server-process';
import { TempSite } from '../support/temp-site';

jest.setTimeout(60_000);

let site: TempSite;
let serving: ServeProcess | undefined;
beforeAll(() => (site = new TempSite().write('index.html', 'hello')));
afterEach(() => serving?.child.kill('SIGKILL'));
afterAll(() => site.remove());

describe('serve: PORT and HOST from the environment', () => {
  it('no --port/--host › listens where PORT and HOST say, and answers there', async () => {
    const port = await freePort();
    serving = await startServeProcess([site.root, '--quiet'], { PORT: String(port), HOST: '127.0.0.1' });
    expect(serving.url).toBe(`http://127.0.0.1:${port}`);
    expect(await (await fetch(`${serving.url}/`)).text()).toBe('hello');
  });

  it('--port and --host given › they win over PORT and HOST', async () => {
    serving = await startServeProcess([site.root, '--quiet', '--port', '0', '--host', '127.0.0.1'], {
      PORT: '1',
      HOST: '::1',
    });
    expect(serving.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(serving.url).not.toMatch(/:1$/);
  });

  it('PORT that is no port › one usage line naming the variable, exit 2', async () => {
    const main = join(await compiledPackage(), 'cli/main.js');
    const child = spawn(process.execPath, [main, 'serve', site.root], {
      env: { PATH: process.env.PATH, PORT: '80a' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toBe(
      "cdn-include serve: environment variable PORT needs a whole number from 0 to 65535, not '80a' (see cdn-include serve --help)\n",
    );
  });
});

describe('listenAddress', () => {
  const none = { port: undefined, host: undefined };
  it.each([
    [none, {}, { port: 8080, host: '127.0.0.1' }],
    [none, { PORT: '', HOST: '' }, { port: 8080, host: '127.0.0.1' }],
    [none, { PORT: '3000', HOST: '[::]' }, { port: 3000, host: '::' }],
    [
      { port: 0, host: '::1' },
      { PORT: '3000', HOST: '0.0.0.0' },
      { port: 0, host: '::1' },
    ],
  ])('flags %j, environment %j › %j', (flags, env, expected) => {
    expect(listenAddress(flags, env)).toEqual(expected);
  });

  it('HOST that is no address › a usage error naming the variable', () => {
    expect(() => listenAddress(none, { HOST: 'a b' })).toThrow(
      "environment variable HOST needs an address, not 'a b'",
    );
  });
});
