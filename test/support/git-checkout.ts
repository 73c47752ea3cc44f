// Test helper: real git repositories in temporary folders, with fixed author and committer dates, and clones
// whose files all get one chosen mtime (a checkout made at that moment).

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A git work tree in a temporary folder. */
export class GitCheckout {
  constructor(readonly root: string) {}

  /** A new repository with a fixed identity. */
  static init(): GitCheckout {
    const root = mkdtempSync(join(tmpdir(), 'cdn-include-git-'));
    const checkout = new GitCheckout(root);
    checkout.git(['init', '-q', '-b', 'main']);
    checkout.git(['config', 'user.name', 'Test']);
    checkout.git(['config', 'user.email', 'test@example.invalid']);
    return checkout;
  }

  /** A fresh clone of `origin` whose every file and folder has the mtime `checkoutSeconds`. */
  static clone(origin: GitCheckout, checkoutSeconds: number): GitCheckout {
    const root = mkdtempSync(join(tmpdir(), 'cdn-include-clone-'));
    execFileSync('git', ['clone', '-q', origin.root, root], { stdio: 'pipe' });
    touchTree(root, checkoutSeconds);
    return new GitCheckout(root);
  }

  path(relative: string): string {
    return join(this.root, relative);
  }

  /** Writes a file (creating its folders) with the given mtime. */
  write(relative: string, text: string, mtimeSeconds: number): this {
    const file = this.path(relative);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    utimesSync(file, mtimeSeconds, mtimeSeconds);
    return this;
  }

  /** Commits everything with author and committer date `seconds`. */
  commit(message: string, seconds: number): this {
    const date = `${seconds} +0000`;
    this.git(['add', '-A']);
    this.git(['commit', '-q', '-m', message], { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
    return this;
  }

  git(args: string[], env: Record<string, string> = {}): string {
    return execFileSync('git', args, {
      cwd: this.root,
      env: { ...process.env, ...env },
      encoding: 'utf8',
      stdio: 'pipe',
    });
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Sets every file's and folder's mtime below `root` (not .git) to `seconds`. */
function touchTree(root: string, seconds: number): void {
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (entry.name === '.git') continue;
    const full = join(root, entry.name);
    if (entry.isDirectory()) touchTree(full, seconds);
    utimesSync(full, seconds, seconds);
  }
  utimesSync(root, seconds, seconds);
}
