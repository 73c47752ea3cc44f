// The `offload` setting checked once: defaults, normalised values, and one message naming the field per mistake.

import { checkOffload, DEFAULT_BOUNCE_PARAM } from '../../../src/server/offload-config';

describe('checkOffload', () => {
  it('only `to` › the defaults: when overloaded, every path, the documented bounce marker', () => {
    const config = checkOffload({ to: 'https://CDN.example.net' });
    expect(config).toMatchObject({
      to: 'https://cdn.example.net/',
      toHost: 'cdn.example.net',
      when: 'overloaded',
      paths: ['/'],
      bounceParam: DEFAULT_BOUNCE_PARAM,
      addresses: undefined,
    });
    expect(DEFAULT_BOUNCE_PARAM).toBe('cdn-include-local');
    expect([...config.ownHosts]).toEqual(['cdn.example.net']);
  });

  it('every key › kept, names lowercased, origins serialised, own hosts beside the target', () => {
    const config = checkOffload({
      to: 'http://mirror.example:8080/site',
      when: { referrerOrigins: ['https://News.Example/some/page', 'http://portal.example:80'] },
      paths: ['/news/', '/img/'],
      edges: { cdnLoop: ['Our-Edge'], addresses: ['10.0.0.0/8', '2001:db8::/32'] },
      bounceParam: 'back',
      ownHosts: ['Assets.Example'],
    });
    expect(config.to).toBe('http://mirror.example:8080/site/');
    expect(config.when).toEqual({
      referrerOrigins: new Set(['https://news.example', 'http://portal.example']),
    });
    expect([...config.cdnLoop]).toEqual(['our-edge']);
    expect(config.addresses?.has('10.1.2.3')).toBe(true);
    expect(config.addresses?.has('2001:db8::1')).toBe(true);
    expect(config.addresses?.has('11.0.0.1')).toBe(false);
    expect([...config.ownHosts]).toEqual(['mirror.example', 'assets.example']);
  });

  it.each([
    [undefined, /^offload must be an object such as/],
    [{}, /^offload\.to must be an http:\/\/ or https:\/\/ URL/],
    [{ to: 'ftp://x/' }, /^offload\.to must be an http/],
    [{ to: 'https://x/?a=1' }, /^offload\.to must be an http.* without query/],
    [{ to: 'https://u:p@x/' }, /^offload\.to must not hold a user name/],
    [{ to: 'https://x/', colour: 1 }, /^offload has an unknown key 'colour' \(known: to, when/],
    [{ to: 'https://x/', when: 'busy' }, /^offload\.when must be "overloaded", "always" or .*, not "busy"/],
    [
      { to: 'https://x/', when: { referrerOrigins: [] } },
      /^offload\.when\.referrerOrigins must list at least one/,
    ],
    [
      { to: 'https://x/', when: { referrerOrigins: ['news'] } },
      /^offload\.when\.referrerOrigins\[0\] must be an origin/,
    ],
    [{ to: 'https://x/', when: { referers: [] } }, /^offload\.when has an unknown key 'referers'/],
    [
      { to: 'https://x/', paths: ['news/'] },
      /^offload\.paths\[0\] must be a URL-path prefix starting with "\/"/,
    ],
    [{ to: 'https://x/', paths: [] }, /^offload\.paths must be a URL-path prefix/],
    [{ to: 'https://x/', paths: '/' }, /^offload\.paths must be a list of URL-path prefixes/],
    [{ to: 'https://x/', edges: { cdnLoop: 'e' } }, /^offload\.edges\.cdnLoop must be a list of names/],
    [
      { to: 'https://x/', edges: { addresses: ['10.0.0.0/99'] } },
      /^offload\.edges\.addresses\[0\]: '10\.0\.0\.0\/99' has no valid prefix/,
    ],
    [{ to: 'https://x/', edges: { ips: [] } }, /^offload\.edges has an unknown key 'ips'/],
    [{ to: 'https://x/', bounceParam: 'a&b' }, /^offload\.bounceParam must be a query parameter name/],
    [{ to: 'https://x/', ownHosts: [1] }, /^offload\.ownHosts must be a list of host names/],
  ])('%j › %s', (value, message) => {
    expect(() => checkOffload(value)).toThrow(message);
  });
});
