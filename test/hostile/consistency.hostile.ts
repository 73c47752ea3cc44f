// Real `cdn-include serve` and `build` processes against files that change under them: a same-size rewrite within
// one timestamp tick on a real one-second file system (ext4, 128-byte inodes, loop-mounted; root only), and a
// fragment included twice while it is replaced every 2 ms.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCli, startServer, stopServer } from '../soak/server-child';
import {
  type Answer,
  canMount,
  type CoarseMount,
  getAnswer,
  mountCoarseExt4,
} from './support/consistency-ext4';

const RACY_ROUNDS = 30;
const BUILD_ROUNDS = 4;
const LIVE_REQUESTS = 400;
const FRAGMENT_BYTES = 300 * 1024;

/** The stamp fields a cache compares; equal before and after a rewrite means the rewrite was invisible to stat. */
function stampOf(path: string): string {
  const stats = statSync(path);
  return `${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}:${stats.ino}`;
}

const onRealCoarseFs = canMount() ? describe : describe.skip;

onRealCoarseFs('a same-size rewrite within one second on ext4 with 128-byte inodes', () => {
  let mount: CoarseMount;
  beforeAll(() => {
    mount = mountCoarseExt4();
    writeFileSync(join(mount.root, 'p.shtml'), '<p><!--#include virtual="/frag.html" --></p>\n');
    writeFileSync(join(mount.root, 'plain.txt'), 'A0000');
    writeFileSync(join(mount.root, 'frag.html'), 'A0000');
  });
  afterAll(() => mount.remove());

  it.each([
    ['--revalidate-window 0', ['--revalidate-window', '0']],
    ['--no-cache', ['--no-cache']],
  ])('serve %s › never the old bytes once the new ones are on disk', async (_name, flags) => {
    const server = await startServer(findCli(), mount.root, flags);
    let invisible = 0;
    let stale = 0;
    try {
      for (let round = 0; round < RACY_ROUNDS; round++) {
        for (const [file, url] of [
          ['frag.html', '/p.shtml'],
          ['plain.txt', '/plain.txt'],
        ]) {
          const path = join(mount.root, file);
          const before = `A${String(round).padStart(4, '0')}`;
          const after = `B${String(round).padStart(4, '0')}`;
          writeFileSync(path, before);
          const first = await getAnswer(server.origin + url);
          const stamp = stampOf(path);
          writeFileSync(path, after);
          if (stampOf(path) === stamp) invisible++;
          const second = await getAnswer(server.origin + url, {
            'If-None-Match': String(first.headers.etag),
          });
          if (second.status !== 200 || !second.body.includes(after)) stale++;
        }
      }
    } finally {
      await stopServer(server);
    }
    console.log(
      `racy clean, serve ${flags.join(' ')}: ${RACY_ROUNDS * 2} same-size rewrites, ${invisible} with an ` +
        `unchanged stamp (size, mtime, ctime, inode), ${stale} answered with the old bytes or 304`,
    );
    expect(invisible).toBeGreaterThan(0);
    expect(stale).toBe(0);
  });

  it('build › a page whose include was rewritten within the second of the previous build is built again', () => {
    const out = mkdtempSync(join(tmpdir(), 'cdn-include-racy-out-'));
    const frag = join(mount.root, 'frag.html');
    let invisible = 0;
    let stale = 0;
    try {
      for (let round = 0; round < BUILD_ROUNDS; round++) {
        writeFileSync(frag, `C${String(round).padStart(4, '0')}`);
        execFileSync(process.execPath, [findCli(), 'build', mount.root, '--out', out], { stdio: 'ignore' });
        const stamp = stampOf(frag);
        const after = `D${String(round).padStart(4, '0')}`;
        writeFileSync(frag, after);
        if (stampOf(frag) === stamp) invisible++;
        execFileSync(process.execPath, [findCli(), 'build', mount.root, '--out', out], { stdio: 'ignore' });
        if (!readFileSync(join(out, 'p.shtml'), 'utf8').includes(after)) stale++;
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
    console.log(
      `racy clean, build: ${BUILD_ROUNDS} same-size rewrites, ${invisible} with an unchanged stamp, ` +
        `${stale} builds that kept the old page`,
    );
    expect(stale).toBe(0);
  });
});

describe('a fragment included twice, replaced every 2 ms while cold renders run', () => {
  let root: string;
  let writer: NodeJS.Timeout | undefined;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'cdn-include-live-'));
    writeFileSync(
      join(root, 'twice.shtml'),
      '<!--#include virtual="/live.html" -->|<!--#include virtual="/live.html" -->',
    );
    writeFileSync(join(root, 'live.html'), 'v0'.padEnd(FRAGMENT_BYTES, '.'));
  });
  afterAll(() => {
    if (writer) clearInterval(writer);
    rmSync(root, { recursive: true, force: true });
  });

  it.each([[['--no-cache']], [['--no-cache', '--workers', '2']]])(
    'serve %j › 0 responses with two versions; the unsettled ones are no-store without validators',
    async (flags) => {
      const server = await startServer(findCli(), root, flags);
      let version = 0;
      // Each version is whole: written beside and renamed over, as deploy tools do.
      writer = setInterval(() => {
        const next = join(root, 'live.tmp');
        writeFileSync(next, `v${++version}`.padEnd(FRAGMENT_BYTES, '.'));
        renameSync(next, join(root, 'live.html'));
      }, 2);
      const answers: Answer[] = [];
      try {
        for (let i = 0; i < LIVE_REQUESTS; i++) answers.push(await getAnswer(`${server.origin}/twice.shtml`));
      } finally {
        clearInterval(writer);
        writer = undefined;
        await stopServer(server);
      }
      const mixed = answers.filter((answer) => {
        const [first, second] = answer.body.split('|');
        return first !== second;
      });
      const unsettled = answers.filter((answer) => answer.headers['cache-control'] === 'no-store');
      const unsettledWithValidators = unsettled.filter(
        (answer) => answer.headers.etag !== undefined || answer.headers['last-modified'] !== undefined,
      );
      console.log(
        `mixed versions, serve ${flags.join(' ')}: ${answers.length} cold requests while ${version} versions were written (every 2 ms, ` +
          `${FRAGMENT_BYTES / 1024} KB): ${mixed.length} with two versions, ${unsettled.length} unsettled sent ` +
          `no-store, ${unsettledWithValidators.length} of them with a validator`,
      );
      expect(answers.every((answer) => answer.status === 200)).toBe(true);
      expect(mixed).toHaveLength(0);
      expect(unsettledWithValidators).toHaveLength(0);
    },
  );
});
