// mediaTypeOf answers as mime-types does, and loads mime-types (and its JSON database) only when first asked, so a
// command that never looks up a type does not pay for it at start.

import { lookup } from 'mime-types';
import type * as MediaTypes from '../../../src/engine/media-types';

describe('mediaTypeOf', () => {
  it('answers what mime-types answers, false for an unknown extension', () => {
    jest.isolateModules(() => {
      const { mediaTypeOf } = jest.requireActual<typeof MediaTypes>('../../../src/engine/media-types');
      for (const path of ['/a.css', '/b/c.html', '/d.shtml', '/e.js', '/f.png', '/g', '/h.unknown-ext'])
        expect(mediaTypeOf(path)).toBe(lookup(path));
      expect(mediaTypeOf('/h.unknown-ext')).toBe(false);
    });
  });

  it('loads mime-types on the first lookup, not when imported', () => {
    jest.isolateModules(() => {
      const loaded = jest.fn();
      jest.doMock('mime-types', () => {
        loaded();
        return { lookup: () => 'text/css' };
      });
      const { mediaTypeOf } = jest.requireActual<typeof MediaTypes>('../../../src/engine/media-types');
      expect(loaded).not.toHaveBeenCalled();
      expect(mediaTypeOf('/a.css')).toBe('text/css');
      mediaTypeOf('/b.css');
      expect(loaded).toHaveBeenCalledTimes(1);
    });
  });
});
