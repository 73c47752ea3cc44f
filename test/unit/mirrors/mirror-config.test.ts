// The `mirrors` list of a config file: each wrong entry is one line naming the entry and its field.

import { checkMirrorList, priorityOf } from '../../../src/mirrors/mirror-config';

describe('checkMirrorList', () => {
  it('a good list › normalised: a final / added to the URL, geo in lower case, order kept', () => {
    expect(
      checkMirrorList([
        { name: 'm1', url: 'http://127.0.0.2:8081/', geo: 'DE', priority: 1 },
        { name: 'm2', url: 'https://mirror.example/site', weight: 3 },
      ]),
    ).toEqual([
      { name: 'm1', url: 'http://127.0.0.2:8081/', geo: 'de', priority: 1 },
      { name: 'm2', url: 'https://mirror.example/site/', weight: 3 },
    ]);
  });

  it.each([
    ['not a list', { name: 'm1' }, 'mirrors must be a list of mirror objects'],
    ['an entry that is no object', ['m1'], 'mirrors[0] must be an object'],
    [
      'an unknown key',
      [{ name: 'm1', url: 'http://a/', region: 'eu' }],
      "mirrors[0] has an unknown key 'region'",
    ],
    ['no name', [{ url: 'http://a/' }], 'mirrors[0].name must be 1 to 64 letters'],
    ['a name with a space', [{ name: 'm 1', url: 'http://a/' }], 'mirrors[0].name must be'],
    ['no URL', [{ name: 'm1' }], 'mirrors[0].url must be an http:// or https:// base URL'],
    ['a bad URL', [{ name: 'm1', url: 'not a url' }], "not 'not a url'"],
    [
      'an ftp URL',
      [{ name: 'm1', url: 'ftp://a/' }],
      'mirrors[0].url must be an http:// or https:// base URL',
    ],
    ['a URL with a query', [{ name: 'm1', url: 'http://a/?x=1' }], 'mirrors[0].url must have no query'],
    ['a URL with credentials', [{ name: 'm1', url: 'http://u:p@a/' }], 'no query, fragment or credentials'],
    [
      'a three-letter geo',
      [{ name: 'm1', url: 'http://a/', geo: 'deu' }],
      'mirrors[0].geo must be a two-letter country code',
    ],
    ['a numeric geo', [{ name: 'm1', url: 'http://a/', geo: 49 }], 'mirrors[0].geo must be'],
    [
      'priority 0',
      [{ name: 'm1', url: 'http://a/', priority: 0 }],
      'mirrors[0].priority must be a whole number from 1 to 999999',
    ],
    [
      'a fractional weight',
      [{ name: 'm1', url: 'http://a/', weight: 1.5 }],
      'mirrors[0].weight must be a whole number from 1 to 1000',
    ],
    [
      'a duplicate name',
      [
        { name: 'm1', url: 'http://a/' },
        { name: 'm1', url: 'http://b/' },
      ],
      "mirrors[1].name 'm1' is used by an earlier mirror",
    ],
  ])('%s › one line naming it', (_case, value, message) => {
    expect(() => checkMirrorList(value)).toThrow(message);
  });

  it('more than 100 mirrors › refused', () => {
    const many = Array.from({ length: 101 }, (_, index) => ({ name: `m${index}`, url: 'http://a/' }));
    expect(() => checkMirrorList(many)).toThrow('at most 100 mirrors');
  });

  it('no priority › counts as the last, 999999 (RFC 6249 §3.2)', () => {
    expect(priorityOf({ name: 'm1', url: 'http://a/' })).toBe(999_999);
  });
});
