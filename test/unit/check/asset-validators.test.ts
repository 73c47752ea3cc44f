// The validator comparison of one asset on its asset host and on the canonical host, as a table of literals.

import { judgeValidators, type AssetResponse } from '../../../src/check/asset-validators';

const ETAG = '"5d-QmKk0x2c"';
const LAST_MODIFIED = 'Tue, 01 Dec 2026 00:00:00 GMT';
const shard = (overrides: Partial<AssetResponse> = {}): AssetResponse => ({
  url: 'https://a1.example.test/img/1.png',
  status: 200,
  etag: ETAG,
  lastModified: LAST_MODIFIED,
  ...overrides,
});
const canonical = (overrides: Partial<AssetResponse> = {}): AssetResponse => ({
  ...shard({ url: 'https://www.example.test/img/1.png' }),
  ...overrides,
});

describe('judgeValidators', () => {
  it.each([
    ['both 200 with equal validators', shard(), canonical(), 'same', 'the same ETag and Last-Modified'],
    [
      'another ETag on the canonical host',
      shard(),
      canonical({ etag: '"other"' }),
      'different',
      `ETag ${ETAG} ≠ "other"`,
    ],
    [
      'no Last-Modified on the asset host',
      shard({ lastModified: undefined }),
      canonical(),
      'different',
      `Last-Modified (none) ≠ ${LAST_MODIFIED}`,
    ],
    ['a 404 on the asset host', shard({ status: 404 }), canonical(), 'missing', 'answers 404, not 200'],
    [
      'no response from the asset host',
      shard({ status: undefined, error: 'GET …: ECONNRESET' }),
      canonical(),
      'missing',
      'answers nothing (GET …: ECONNRESET)',
    ],
    [
      'a 404 on the canonical host',
      shard(),
      canonical({ status: 404 }),
      'not-on-canonical',
      'serves other files',
    ],
  ])('%s › %s', (_name, onAssetHost, onCanonical, verdict, message) => {
    const comparison = judgeValidators('https://a1.example.test', onAssetHost, onCanonical);
    expect(comparison.verdict).toBe(verdict);
    expect(comparison.message).toContain(message);
  });
});
