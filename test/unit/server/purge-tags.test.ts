// Purge tags (README "Behind a CDN"): the tag scheme, the header limits, the folder fallback, and no truncation.

import { createHash } from 'node:crypto';
import { type CdnFields, cdnFieldsFor } from '../../../src/server/cdn-headers';
import { directoryTagOf, MAX_TAG_HEADER_BYTES, purgeTagsFor, tagOf } from '../../../src/server/purge-tags';

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

function configuredFields(): CdnFields {
  return Object.freeze({ cacheControl: 'public, max-age=60, s-maxage=600', cdnHeaders: undefined });
}

describe('tagOf', () => {
  it('for a docroot path › the first 12 hex digits of SHA-256 of the path (the documented formula)', () => {
    expect(tagOf('/inc/header.html')).toBe(sha('/inc/header.html').slice(0, 12));
    expect(tagOf('/inc/header.html')).toMatch(/^[0-9a-f]{12}$/);
  });

  it('for a non-ASCII path › hashes its UTF-8 bytes', () => {
    expect(tagOf('/inc/über.html')).toBe(sha('/inc/über.html').slice(0, 12));
  });

  it('for a file › its folder tag is tagOf the folder path with a trailing slash', () => {
    expect(directoryTagOf('/inc/nav/header.html')).toBe(tagOf('/inc/nav/'));
    expect(directoryTagOf('/index.shtml')).toBe(tagOf('/'));
  });
});

describe('purgeTagsFor', () => {
  it('when the set fits › one tag per file, Surrogate-Key space- and Cache-Tag comma-separated', () => {
    const result = purgeTagsFor(['/index.shtml', '/inc/a.html', '/inc/missing.html', '/inc/a.html']);
    const tags = ['/index.shtml', '/inc/a.html', '/inc/missing.html'].map(tagOf);
    expect(result).toEqual({
      level: 'file',
      tags,
      headers: [
        ['Surrogate-Key', tags.join(' ')],
        ['Cache-Tag', tags.join(',')],
      ],
    });
  });

  it('with other header names, or one turned off › only the named headers', () => {
    const result = purgeTagsFor(['/a.html'], { surrogateKeyHeader: 'xkey', cacheTagHeader: false });
    expect(result.headers).toEqual([['xkey', tagOf('/a.html')]]);
  });

  it('at exactly the limit › still one tag per file; one byte over › folder tags', () => {
    const paths = Array.from({ length: 10 }, (_, i) => `/inc/f${i}.html`);
    expect(purgeTagsFor(paths, { maxHeaderBytes: 10 * 13 - 1 }).level).toBe('file');
    expect(purgeTagsFor(paths, { maxHeaderBytes: 10 * 13 - 2 }).level).toBe('directory');
  });

  it('when file tags exceed the limit › the page tag plus one tag per folder, never a truncated list', () => {
    const paths = ['/index.shtml', ...Array.from({ length: 2000 }, (_, i) => `/inc/d${i % 3}/f${i}.html`)];
    const result = purgeTagsFor(paths);
    expect(result.level).toBe('directory');
    expect(result.tags).toEqual([
      tagOf('/index.shtml'),
      tagOf('/'),
      tagOf('/inc/d0/'),
      tagOf('/inc/d1/'),
      tagOf('/inc/d2/'),
    ]);
    for (const [, value] of result.headers)
      expect(Buffer.byteLength(value)).toBeLessThanOrEqual(MAX_TAG_HEADER_BYTES);
  });

  it('when even folder tags exceed the limit › no tags at all', () => {
    const paths = Array.from({ length: 2000 }, (_, i) => `/d${i}/f.html`);
    expect(purgeTagsFor(paths)).toEqual({ level: 'none', tags: [], headers: [] });
  });
});

describe('cdnFieldsFor', () => {
  it('when tags are off › the fields as given', () => {
    const target = cdnFieldsFor(configuredFields(), ['/a.shtml'], { tags: undefined });
    expect(target.diagnostic).toBeUndefined();
    expect(target.cdnHeaders).toBeUndefined();
  });

  it('when the file tags do not fit › folder tags and a purge-tags-coarsened warning', () => {
    const target = cdnFieldsFor(configuredFields(), ['/a.shtml', '/b.html', '/c.html'], {
      tags: { maxHeaderBytes: 30 },
    });
    const { diagnostic } = target;
    expect(diagnostic).toMatchObject({ code: 'purge-tags-coarsened', severity: 'warning', file: '/a.shtml' });
    expect(target.cdnHeaders?.[0]).toEqual(['Surrogate-Key', `${tagOf('/a.shtml')} ${tagOf('/')}`]);
    expect(target.cacheControl).toBe('public, max-age=60, s-maxage=600');
  });

  it('when nothing fits › no tag header, private Cache-Control, a purge-tags-dropped error', () => {
    const target = cdnFieldsFor(configuredFields(), ['/a.shtml', '/x/b.html', '/y/c.html'], {
      tags: { maxHeaderBytes: 30 },
    });
    const { diagnostic } = target;
    expect(diagnostic).toMatchObject({ code: 'purge-tags-dropped', severity: 'error' });
    expect(target.cdnHeaders).toEqual([]);
    expect(target.cacheControl).toBe('private, max-age=60');
  });
});
