// Remembers the tokens of each document's bytes, so a fragment shared by many pages is scanned once.
// Keyed by the Buffer itself (a WeakMap): when the fragment cache drops the bytes, their tokens go with them.

import { type Token, type TagPair, tokenize } from '../ssi/tokenizer';

const TOKENS = new WeakMap<Uint8Array, { tags: TagPair; tokens: readonly Token[] }>();

/**
 * The tokens of `bytes` under `tags`, scanned at most once per Buffer and tag pair.
 *
 * Sound because a caching file source hands out the same Buffer only while the file is unchanged, and
 * nobody writes into a document's bytes. The tokens are frozen so a handler cannot alter a shared copy.
 *
 * @example
 * for (const token of tokenizeCached(bytes, options.tags)) …
 */
export function tokenizeCached(bytes: Uint8Array, tags: TagPair): readonly Token[] {
  const cached = TOKENS.get(bytes);
  if (cached !== undefined && (cached.tags === tags || sameTags(cached.tags, tags))) return cached.tokens;
  const tokens = Object.freeze(tokenize(bytes, tags));
  TOKENS.set(bytes, { tags, tokens });
  return tokens;
}

function sameTags(a: TagPair, b: TagPair): boolean {
  return a.start === b.start && a.end === b.end;
}
