// The nginx include of the digests: the values of both maps, quoting, and the paths it must leave out so that
// nginx never refuses the config. Expected values are computed here with node:crypto.

import { createHash } from 'node:crypto';
import { type FileDigest } from '../../../src/site-build/digest-manifest';
import { nginxDigestMap, nginxString } from '../../../src/site-build/nginx-digest-map';

function entry(text: string): FileDigest {
  return { size: text.length, sha256: createHash('sha256').update(text).digest('base64'), etag: '"x"' };
}

/** The lines of the map named `variable`, between its braces. */
function mapLines(text: string, variable: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.endsWith(` ${variable} {`));
  const end = lines.indexOf('}', start);
  return lines.slice(start + 1, end).map((line) => line.trim());
}

describe('nginxDigestMap', () => {
  it('each path › maps $uri to its Repr-Digest and its RFC 3230 Digest', () => {
    const { text, omitted } = nginxDigestMap({ '/b.html': entry('b'), '/a.html': entry('a') });
    const base64 = (value: string) => createHash('sha256').update(value).digest('base64');
    expect(omitted).toEqual([]);
    expect(mapLines(text, '$cdn_include_repr_digest_of_uri')).toEqual([
      `"/a.html" "sha-256=:${base64('a')}:";`,
      `"/b.html" "sha-256=:${base64('b')}:";`,
    ]);
    expect(mapLines(text, '$cdn_include_digest_of_uri')).toEqual([
      `"/a.html" "SHA-256=${base64('a')}";`,
      `"/b.html" "SHA-256=${base64('b')}";`,
    ]);
  });

  it('the variables to send › are empty on a 304 and the per-path value otherwise', () => {
    const { text } = nginxDigestMap({ '/a.html': entry('a') });
    expect(mapLines(text, '$cdn_include_repr_digest')).toEqual([
      '304 "";',
      'default $cdn_include_repr_digest_of_uri;',
    ]);
    expect(mapLines(text, '$cdn_include_digest')).toEqual(['304 "";', 'default $cdn_include_digest_of_uri;']);
  });

  it.each([
    ['/plain.html', '"/plain.html"'],
    ['/a "quoted" name', '"/a \\"quoted\\" name"'],
    ['/back\\slash', '"/back\\\\slash"'],
    ['/p$1 {x};', '"/p$1 {x};"'],
    ['/ü.html', '"/ü.html"'],
  ])('nginxString(%j) › is %s', (path, quoted) => {
    expect(nginxString(path)).toBe(quoted);
  });

  it('a path with a control character › is left out, and said why', () => {
    const { text, omitted } = nginxDigestMap({
      '/a\nb': entry('x'),
      '/tab\t': entry('x'),
      '/ok': entry('y'),
    });
    expect(omitted.map(({ path }) => path)).toEqual(['/a\nb', '/tab\t']);
    expect(omitted[0].reason).toMatch(/control character/);
    expect(mapLines(text, '$cdn_include_repr_digest_of_uri')).toHaveLength(1);
  });

  it('paths that differ only in ASCII case › are all left out (nginx matches map keys without case)', () => {
    const { text, omitted } = nginxDigestMap({
      '/Read.me': entry('1'),
      '/read.me': entry('2'),
      '/Ä.txt': entry('3'),
      '/ä.txt': entry('4'),
    });
    expect(omitted.map(({ path }) => path)).toEqual(['/Read.me', '/read.me']);
    expect(omitted[0].reason).toMatch(/differ only in case/);
    expect(mapLines(text, '$cdn_include_repr_digest_of_uri').map((line) => line.split(' ')[0])).toEqual([
      '"/Ä.txt"',
      '"/ä.txt"',
    ]);
  });

  it('the hash sizes › come before the maps and fit the longest key', () => {
    const long = `/${'x'.repeat(300)}.html`;
    const { text } = nginxDigestMap({ [long]: entry('1'), '/a': entry('2') });
    const bucket = Number(/^map_hash_bucket_size (\d+);$/m.exec(text)?.[1]);
    // nginx keeps a key as a pointer plus its bytes and two more, aligned to 8, and a bucket ends with a pointer.
    expect(bucket).toBeGreaterThanOrEqual(8 + Math.ceil((long.length + 2) / 8) * 8 + 8);
    const firstMap = text.search(/^map /m);
    expect(text.indexOf('\nmap_hash_bucket_size')).toBeLessThan(firstMap);
    expect(text.indexOf('\nmap_hash_max_size 2048;')).toBeLessThan(firstMap);
  });
});
