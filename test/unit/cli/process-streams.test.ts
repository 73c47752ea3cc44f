// pipeSafeWriter against a real pipe whose reader has exited: no EPIPE crash, later writes dropped.

import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { pipeSafeWriter } from '../../../src/cli/process-streams';

describe('pipeSafeWriter', () => {
  it('the reader of the pipe is gone › writing goes quiet instead of throwing EPIPE', async () => {
    // The child closes its end of the pipe at once but lives on, as `head` does once it has its lines.
    const reader = spawn('sh', ['-c', 'exec 0<&-; sleep 5'], { stdio: ['pipe', 'ignore', 'ignore'] });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const write = pipeSafeWriter(reader.stdin);
    for (let line = 0; line < 100; line++) write(`access log line ${line}\n`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (let line = 0; line < 100; line++) write(`later line ${line}\n`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    reader.kill('SIGKILL');
    // The pipe did break (an unhandled EPIPE would have failed this test as an uncaught error).
    expect(reader.stdin.destroyed).toBe(true);
  });

  it('another write error › still surfaces', () => {
    const failing = new Writable({ write: (_chunk, _encoding, done) => done() });
    pipeSafeWriter(failing);
    expect(() => failing.emit('error', Object.assign(new Error('no space'), { code: 'ENOSPC' }))).toThrow(
      'no space',
    );
  });
});
