// The one rule for hidden docroot paths, shared by requests, includes, the build and the watcher.

import { isHiddenPath, isHiddenSegment } from '../../../src/engine/hidden-paths';

describe('isHiddenPath', () => {
  it.each([
    ['/.git/config', true],
    ['/a/.env', true],
    ['/.htpasswd', true],
    ['/a/.well-known/x', true],
    ['/.well-known/security.txt', false],
    ['/.well-known/acme-challenge/token', false],
    ['/index.shtml', false],
    ['/a/b.c/d', false],
  ])('%s › hidden: %s', (path, hidden) => {
    expect(isHiddenPath(path)).toBe(hidden);
  });
});

describe('isHiddenSegment', () => {
  it('.well-known › served at the root only', () => {
    expect(isHiddenSegment('.well-known', 0)).toBe(false);
    expect(isHiddenSegment('.well-known', 1)).toBe(true);
  });
});
