// Loads parse5's SAX parser, an ES module, once: `import()` from this CommonJS package (jest compiles it to a
// require of the transformed module, see test/support/jest-transforms.js). Nothing else.

import type * as Parse5Sax from 'parse5-sax-parser' with { 'resolution-mode': 'import' };

type SaxModule = typeof Parse5Sax;

/** A start tag as the SAX parser reports it (with source locations on). */
export type SaxStartTag = Parse5Sax.StartTag;

let loading: Promise<SaxModule> | undefined;

/** The `parse5-sax-parser` module, loaded on first use. */
export function loadSaxParser(): Promise<SaxModule> {
  loading ??= import('parse5-sax-parser');
  return loading;
}
