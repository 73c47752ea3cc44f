// Applies echo's and set's `decoding=` and `encoding=` lists to a value: every decoding, then every encoding.

import { type ByteString } from '../../ssi/byte-string';
import { decodeValue, encodeValue, parseEncodingList } from '../../ssi/encodings';

/** The recoded value, or the attribute whose list has an unknown token. */
export type RecodeResult =
  { ok: true; value: ByteString } | { ok: false; attribute: 'decoding' | 'encoding'; list: ByteString };

/** Decodes then encodes a value as mod_include's handle_echo and handle_set do. */
export function recode(value: ByteString, decoding: ByteString, encoding: ByteString): RecodeResult {
  const decodings = parseEncodingList(decoding);
  if (!decodings) return { ok: false, attribute: 'decoding', list: decoding };
  const encodings = parseEncodingList(encoding);
  if (!encodings) return { ok: false, attribute: 'encoding', list: encoding };
  let result = value;
  for (const name of decodings) result = decodeValue(name, result);
  for (const name of encodings) result = encodeValue(name, result);
  return { ok: true, value: result };
}
