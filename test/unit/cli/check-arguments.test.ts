// `check`'s arguments for asset hosts: --asset-hosts, --ca FILE (a path, read when the command runs) and --resolve
// NAME:ADDRESS[,ADDRESS…]. Pure: parseCheckArguments reads no file.

import { parseCheckArguments } from '../../../src/cli/check-command';

const URL_ARGUMENT = 'https://www.example.test/';

describe('parseCheckArguments', () => {
  it('no asset-host flag › off, no CA, nothing pinned', () => {
    expect(parseCheckArguments([URL_ARGUMENT])).toMatchObject({
      kind: 'run',
      options: { assetHosts: false, caFile: undefined, resolve: {} },
    });
  });

  it('--asset-hosts --ca ca.pem --resolve, twice, IPv6 too › the switch, the CA path, each name lower case', () => {
    const result = parseCheckArguments([
      URL_ARGUMENT,
      '--asset-hosts',
      '--ca',
      '/etc/private/ca.pem',
      '--resolve',
      'WWW.example.test:127.0.0.1',
      '--resolve',
      'a1.example.test:192.0.2.1,2001:db8::1',
    ]);
    expect(result).toMatchObject({
      kind: 'run',
      options: {
        assetHosts: true,
        caFile: '/etc/private/ca.pem',
        resolve: { 'www.example.test': ['127.0.0.1'], 'a1.example.test': ['192.0.2.1', '2001:db8::1'] },
      },
    });
  });

  it.each([
    ['a1.example.test'],
    [':127.0.0.1'],
    ['a1.example.test:'],
    ['a1.example.test:127.0.0.1,'],
    ['a1 example:127.0.0.1'],
  ])('--resolve %s › a usage error naming the option and the form', (rule) => {
    expect(parseCheckArguments([URL_ARGUMENT, '--resolve', rule])).toEqual({
      kind: 'usage-error',
      message: `option '--resolve' needs 'NAME:ADDRESS[,ADDRESS…]' (IP addresses), not '${rule}'`,
    });
  });
});
