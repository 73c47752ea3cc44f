// The asset-hosts configuration: each mistake named by its key; equal configurations hash alike, any change differs.

import {
  isAssetPath,
  resolveAssetHosts,
  type AssetHostsOptions,
} from '../../../src/asset-hosts/asset-host-options';

const GOOD: AssetHostsOptions = {
  hosts: ['https://a1.example', { origin: 'https://a2.example', weight: 2 }],
  paths: ['/img/', '/css/'],
  epoch: '2026-12-01T00:00:00Z',
};

describe('resolveAssetHosts', () => {
  it('the documented example › hosts with weights, the epoch in ms', () => {
    const resolved = resolveAssetHosts(GOOD);
    expect(resolved.hosts).toEqual([
      { origin: 'https://a1.example', weight: 1 },
      { origin: 'https://a2.example', weight: 2 },
    ]);
    expect(resolved.epochMs).toBe(Date.UTC(2026, 11, 1));
    expect(resolved.cors).toBe(false);
  });

  it.each([
    [{ ...GOOD, hosts: [] }, 'assetHosts.hosts'],
    [{ ...GOOD, hosts: ['a1.example'] }, 'assetHosts.hosts[0]'],
    [{ ...GOOD, hosts: ['https://a1.example/path'] }, 'assetHosts.hosts[0]'],
    [{ ...GOOD, hosts: [{ origin: 'https://a.example', weight: 0 }] }, 'assetHosts.hosts[0].weight'],
    [{ ...GOOD, hosts: ['https://a.example', 'https://a.example/'] }, 'each origin once'],
    [{ ...GOOD, paths: ['img/'] }, 'assetHosts.paths'],
    [{ ...GOOD, paths: [] }, 'assetHosts.paths'],
    [{ ...GOOD, epoch: 'yesterday' }, 'assetHosts.epoch'],
    [{ ...GOOD, origin: 'https://a1.example' }, 'assetHosts.origin'],
    [{ ...GOOD, cors: 'yes' }, 'assetHosts.cors'],
    [{ ...GOOD, cors: true }, 'assetHosts.cors needs assetHosts.origin'],
    [{ ...GOOD, extensions: ['png'] }, 'assetHosts.extensions'],
  ])('%j › a TypeError naming %s', (options, key) => {
    expect(() => resolveAssetHosts(options as AssetHostsOptions)).toThrow(TypeError);
    expect(() => resolveAssetHosts(options as AssetHostsOptions)).toThrow(key);
  });

  it('the same configuration › the same hash; another epoch or weight › another', () => {
    const hash = resolveAssetHosts(GOOD).hash;
    expect(resolveAssetHosts({ ...GOOD }).hash).toBe(hash);
    expect(resolveAssetHosts({ ...GOOD, epoch: '2026-12-02T00:00:00Z' }).hash).not.toBe(hash);
    expect(resolveAssetHosts({ ...GOOD, hosts: ['https://a1.example', 'https://a2.example'] }).hash).not.toBe(
      hash,
    );
  });

  it('asset paths › by prefix or extension', () => {
    const resolved = resolveAssetHosts({ ...GOOD, extensions: ['.PNG'] });
    expect(isAssetPath('/img/a.jpg', resolved)).toBe(true);
    expect(isAssetPath('/photos/a.png', resolved)).toBe(true);
    expect(isAssetPath('/photos/a.jpg', resolved)).toBe(false);
  });
});
