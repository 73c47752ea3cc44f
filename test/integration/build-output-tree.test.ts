// What `cdn-include build` puts in its output folder besides the site: /.well-known/ is copied as serve serves it,
// other dotfiles are not, and temporary files of a build that was killed are removed by the next build.

import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { NodeOutputFs } from '../../src/site-build/node-output-fs';
import { isHiddenPath } from '../../src/site-build/site-lister';
import { runCliOnce } from '../support/running-cli';
import { TempSite } from '../support/temp-site';

describe('/.well-known/ (RFC 8615)', () => {
  let site: TempSite;
  let out: TempSite;
  beforeEach(() => {
    site = new TempSite()
      .write('index.shtml', 'home')
      .write('.well-known/security.txt', 'Contact: mailto:security@example.com')
      .write('.well-known/acme-challenge/token', 'token.key')
      .write('.env', 'SECRET=1')
      .write('a/.well-known/x.txt', 'not the root one')
      .write('.well-known/.secret', 'hidden inside');
    out = new TempSite();
  });
  afterEach(() => {
    site.remove();
    out.remove();
  });

  it('build › copies /.well-known/ like serve serves it, and still no other dotfile', async () => {
    const result = await runCliOnce(['build', site.root, '--out', out.root]);
    expect(result.code).toBe(0);
    expect(readFileSync(out.path('.well-known/security.txt'), 'utf8')).toContain('Contact:');
    expect(readFileSync(out.path('.well-known/acme-challenge/token'), 'utf8')).toBe('token.key');
    expect(existsSync(out.path('.env'))).toBe(false);
    expect(existsSync(out.path('a/.well-known/x.txt'))).toBe(false);
    expect(existsSync(out.path('.well-known/.secret'))).toBe(false);
  });

  it.each([
    ['/.well-known/security.txt', false],
    ['/.well-known/acme-challenge/t', false],
    ['/.well-known/.secret', true],
    ['/a/.well-known/x', true],
    ['/.well-knownx/y', true],
  ])('isHiddenPath(%s) › %s', (path, hidden) => {
    expect(isHiddenPath(path)).toBe(hidden);
  });
});

describe('temporary files of a killed build', () => {
  let site: TempSite;
  let out: TempSite;
  beforeEach(() => {
    site = new TempSite().write('index.shtml', 'home').write('css/site.css', 'body{}');
    out = new TempSite();
  });
  afterEach(() => {
    site.remove();
    out.remove();
  });

  /** The id of a process that has exited, as a build killed with SIGKILL has. */
  async function deadPid(): Promise<number> {
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    await new Promise((resolve) => child.once('exit', resolve));
    return child.pid ?? 0;
  }

  it('the next build › removes those of a dead process, keeps those of a running one, leaves none of its own', async () => {
    const first = await runCliOnce(['build', site.root, '--out', out.root]);
    expect(first.code).toBe(0);
    expect(readdirSync(out.root).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    const stale = `.cdn-include-${await deadPid()}-0a1b2c3d4e5f.tmp`;
    const running = spawn('sleep', ['30'], { stdio: 'ignore' });
    const live = `.cdn-include-${running.pid}-0a1b2c3d4e5f.tmp`;
    writeFileSync(out.path(stale), 'half a page');
    writeFileSync(out.path(live), 'being written');
    try {
      const second = await runCliOnce(['build', site.root, '--out', out.root]);
      expect(second.code).toBe(0);
      const left = readdirSync(out.root).filter((name) => name.endsWith('.tmp'));
      expect(left).toEqual([live]);
    } finally {
      running.kill('SIGKILL');
    }
  });

  it('in a page folder (where pages are written) › removed by the next build that writes a page there', async () => {
    site.write('news/item.shtml', 'first');
    expect((await runCliOnce(['build', site.root, '--out', out.root])).code).toBe(0);
    const stale = `.cdn-include-${await deadPid()}-0a1b2c3d4e5f.tmp`;
    writeFileSync(out.path(`news/${stale}`), 'half a page');
    site.write('news/item.shtml', 'second', 1_800_000_000);
    const second = await runCliOnce(['build', site.root, '--out', out.root]);
    expect(second.code).toBe(0);
    expect(readFileSync(out.path('news/item.shtml'), 'utf8')).toBe('second');
    expect(readdirSync(out.path('news')).sort()).toEqual(['item.shtml']);
  });

  it.each([false, true])(
    'NodeOutputFs writing into a folder (blocking: %s) › removes the stale ones there, leaves none of its own',
    async (blocking) => {
      const stale = `.cdn-include-${await deadPid()}-0a1b2c3d4e5f.tmp`;
      out.write(`news/${stale}`, 'half a page');
      const output = new NodeOutputFs(out.root, { blocking });
      await output.write('/news/item.shtml', Buffer.from('page'), 1_700_000_000_000);
      expect(readdirSync(out.path('news')).sort()).toEqual(['item.shtml']);
    },
  );
});
