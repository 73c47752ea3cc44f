// The digest fields we write are the Structured Field dictionaries RFC 9651 serializes, and read back as such.

import { createHash, randomBytes } from 'node:crypto';
import { serializeDictionary } from 'structured-headers';
import { DIGEST_ALGORITHMS, digestFieldValue, digestFromField } from '../../../src/fields/integrity-fields';
import type * as IntegrityFields from '../../../src/fields/integrity-fields';

const NODE_NAMES = { 'sha-256': 'sha256', 'sha-512': 'sha512' } as const;

describe('digestFieldValue', () => {
  it.each(DIGEST_ALGORITHMS)('when %s › what the RFC 9651 serializer writes, for any bytes', (algorithm) => {
    for (let i = 0; i < 50; i++) {
      const digest = createHash(NODE_NAMES[algorithm])
        .update(randomBytes(i * 7))
        .digest();
      expect(digestFieldValue(algorithm, digest)).toBe(
        serializeDictionary(new Map([[algorithm, [digest, new Map()]]])),
      );
    }
  });

  it('when the digest is a view into a larger buffer › only its own bytes are written', () => {
    const backing = Buffer.from('xxxxabcdefyyyy');
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 4, 6);
    expect(digestFieldValue('sha-256', view)).toBe(`sha-256=:${Buffer.from('abcdef').toString('base64')}:`);
  });

  it('when read back › the same bytes', () => {
    const digest = createHash('sha256').update('page').digest();
    expect(Buffer.from(digestFromField(digestFieldValue('sha-256', digest), 'sha-256')!)).toEqual(digest);
  });
});

describe('the structured-headers library', () => {
  it('is loaded when a field is first parsed, not when the module is imported or a value written', () => {
    jest.isolateModules(() => {
      const loaded = jest.fn();
      jest.doMock('structured-headers', () => {
        loaded();
        return jest.requireActual('structured-headers');
      });
      const fields = jest.requireActual<typeof IntegrityFields>('../../../src/fields/integrity-fields');
      fields.digestFieldValue('sha-256', new Uint8Array(32));
      expect(loaded).not.toHaveBeenCalled();
      expect(fields.preferredDigestAlgorithm('sha-512=3')).toBe('sha-512');
      expect(fields.digestFromField('sha-256=:AQID:', 'sha-256')).toEqual(new Uint8Array([1, 2, 3]));
      expect(loaded).toHaveBeenCalledTimes(1);
    });
  });
});
