// `cdn-include serve` with big files: the `streamThreshold` config key, one stderr line for a file that changed
// while it was sent, and none for a client that hung up mid-download (README, *Big static files*).

import { writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { type RunningCli, startCli } from '../support/running-cli';
import { at, TempSite } from '../support/temp-site';
import { waitFor } from '../support/wait-for';

// Bigger than the loopback socket buffers hold, so the server is still reading when the test acts.
const SIZE = 32 * 1024 * 1024;

let site: TempSite;
let serve: RunningCli;

beforeEach(async () => {
  site = new TempSite().write('big.bin', Buffer.alloc(SIZE, 1), at(1));
  writeFileSync(site.path('config.json'), JSON.stringify({ streamThreshold: 1024 }));
  serve = await startCli(
    ['serve', site.root, '--port', '0', '-q', '-c', site.path('config.json')],
    'http://',
  );
});

afterEach(async () => {
  serve.stop('SIGTERM');
  await serve.exitCode;
  site.remove();
});

/** GETs /big.bin, calling `onFirstChunk` with the response once bytes arrive; resolves with what arrived. */
function download(
  onFirstChunk: (destroy: () => void) => void,
): Promise<{ bytes: number; complete: boolean }> {
  return new Promise((resolve) => {
    get(`${serve.url}/big.bin`, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        if (bytes === 0) onFirstChunk(() => res.destroy());
        bytes += chunk.length;
      });
      res.on('error', () => undefined);
      res.on('close', () => resolve({ bytes, complete: res.complete }));
    });
  });
}

describe('cdn-include serve with a big file', () => {
  it('changed while it is sent › cut short, and one line on stderr', async () => {
    const received = await download(() => site.touch('big.bin', at(2)));
    expect(received.complete).toBe(false);
    await waitFor(() => serve.stderr.length > 0, 'the error line');
    expect(serve.stderr).toEqual([
      'cdn-include serve: GET /big.bin: /big.bin changed while it was being sent; the response was cut short\n',
    ]);
  });

  it('a client that hangs up mid-download › nothing on stderr', async () => {
    const received = await download((destroy) => destroy());
    expect(received.complete).toBe(false);
    // A whole download after it shows the server is still well, and gives a late log line time to appear.
    expect((await download(() => undefined)).bytes).toBe(SIZE);
    expect(serve.stderr).toEqual([]);
  });
});
