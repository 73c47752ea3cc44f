// A real one-second-timestamp file system for the consistency scenarios: ext4 with 128-byte inodes on a loop
// device (root only), and plain HTTP GETs that keep the headers a cache would see.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A mounted loop file system; `remove()` unmounts it and deletes its image. */
export interface CoarseMount {
  root: string;
  remove(): void;
}

/** Whether this process may mount file systems (loop devices need root). */
export function canMount(): boolean {
  return process.getuid?.() === 0;
}

/** Creates a 32 MiB ext4 image with 128-byte inodes (whole-second timestamps) and mounts it on a new folder. */
export function mountCoarseExt4(): CoarseMount {
  const base = mkdtempSync(join(tmpdir(), 'cdn-include-racy-'));
  const image = join(base, 'fs.img');
  const root = join(base, 'mnt');
  execFileSync('truncate', ['-s', '32M', image]);
  execFileSync('mkfs.ext4', ['-q', '-F', '-I', '128', image], { stdio: 'ignore' });
  execFileSync('mkdir', [root]);
  execFileSync('mount', ['-o', 'loop', image, root]);
  return {
    root,
    remove() {
      execFileSync('umount', [root]);
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** One answer: status, headers and body text. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** GETs `url` with `headers` through node:http (fetch would add Cache-Control: no-cache). */
export function getAnswer(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = get(url, { headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}
