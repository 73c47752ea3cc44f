// What `cdn-include build` puts in its output folder besides the site: /.well-known/ is copied as serve serves it,
// other dotfiles are not, and temporary files of a build that was killed are removed by the next build.

import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isHiddenPath } from '../../src/build/site-lister';
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
