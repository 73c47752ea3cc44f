// Content-coding negotiation (RFC 9110 §12.5.3, §8.4): which coding a request accepts and which responses are
// worth compressing (body-compression.ts does the compressing). Pure: no I/O.

import compressible from 'compressible';
import { BoundedMemo } from '../ssi/bounded-memo';
import { fieldValue, listMembers } from '../fields/http-fields';

/** A content-coding this server can send. */
export type ContentCoding = 'br' | 'gzip' | 'identity';

/** Bodies smaller than this are sent as they are: a coding saves little on them. @default 1024 */
export const DEFAULT_COMPRESSION_THRESHOLD = 1024;

/**
 * Bodies larger than this are sent as they are: compressing 32 MiB costs one threadpool thread about 0.6–1.3 s
 * (20–40 ms/MB measured for gzip 6 and brotli 5) and another copy in the cache. @default 33554432 (32 MiB)
 */
export const DEFAULT_MAX_COMPRESS_BYTES = 32 * 1024 * 1024;

// The project's own verdicts, consulted before the mime database's `compressible` flags (README "Compression").
const COMPRESSIBILITY_EXCEPTIONS: ReadonlyMap<string, boolean> = new Map([
  // mime-db marks it compressible, but it is what unknown binaries are served as: archives, installers and disk
  // images (.dmg, .deb, .iso, .exe) that are mostly compressed already.
  ['application/octet-stream', false],
  // An event stream is sent as events happen; a coding would hold them back until its buffer fills.
  ['text/event-stream', false],
  // Text (JSON5) on which mime-db has no verdict.
  ['application/json5', true],
]);

// Content types reach this from mime lookups (a few hundred at most), but the export takes any string: bounded.
const COMPRESSIBLE_TYPES = new BoundedMemo<boolean>({ maxBytes: 64 * 1024, maxEntries: 512, entryBytes: 64 });

/**
 * Whether a media type's bytes shrink under gzip or brotli (RFC 9110 §8.3, §8.4): the project's exceptions, else the
 * mime database's `compressible` flag (through jshttp's `compressible`, which also counts `text/*`, `+json` and
 * `+xml` types it does not list); parameters and case are ignored. Remembered per distinct value.
 *
 * @example
 * isCompressibleType('font/ttf') // true
 * isCompressibleType('image/png') // false
 */
export function isCompressibleType(contentType: string): boolean {
  const known = COMPRESSIBLE_TYPES.get(contentType);
  if (known !== undefined) return known;
  const essence = contentType.split(';', 1)[0].trim().toLowerCase();
  const verdict = COMPRESSIBILITY_EXCEPTIONS.get(essence) ?? compressible(essence) === true;
  return COMPRESSIBLE_TYPES.remember(contentType, verdict);
}

// Accept-Encoding is request-controlled: the memo is bounded by its keys' bytes (64 KiB), and a field longer than
// a tenth of that (no browser sends one) is negotiated every time rather than remembered.
const NEGOTIATED = new BoundedMemo<ContentCoding>({ maxBytes: 64 * 1024, maxEntries: 256, entryBytes: 64 });

/** Whether a response of this type and length is sent compressed to clients that accept it (and so varies). */
export function isCompressible(
  contentType: string | undefined,
  length: number,
  threshold: number,
  maximum = DEFAULT_MAX_COMPRESS_BYTES,
): boolean {
  return (
    contentType !== undefined && length >= threshold && length <= maximum && isCompressibleType(contentType)
  );
}

/**
 * The coding to send for an Accept-Encoding field: the acceptable one with the highest qvalue, brotli before
 * gzip before identity on a tie. No field means identity (RFC 9110 §12.5.3: any coding is acceptable, but
 * a client that says nothing is best served plainly). Results are remembered per distinct field value.
 *
 * @example
 * negotiateContentCoding('gzip, deflate, br') // 'br'
 * negotiateContentCoding('gzip;q=0.5, identity') // 'identity'
 */
export function negotiateContentCoding(acceptEncoding: string | string[] | undefined): ContentCoding {
  if (acceptEncoding === undefined) return 'identity';
  const field = fieldValue(acceptEncoding) as string;
  const known = NEGOTIATED.get(field);
  if (known !== undefined) return known;
  return NEGOTIATED.remember(field, chooseCoding(field));
}

function chooseCoding(field: string): ContentCoding {
  const weights = parseAcceptEncoding(field);
  const any = weights.get('*');
  const brotli = weights.get('br') ?? any ?? 0;
  // RFC 9110 §8.4.1.3: x-gzip is gzip.
  const namesGzip = weights.has('gzip') || weights.has('x-gzip');
  const gzip = namesGzip ? Math.max(weights.get('gzip') ?? 0, weights.get('x-gzip') ?? 0) : (any ?? 0);
  // RFC 9110 §12.5.3: identity is acceptable unless excluded by "identity;q=0" or by "*;q=0" without it.
  const identity = weights.get('identity') ?? (any === 0 ? 0 : 1);
  const best = Math.max(brotli, gzip, identity);
  if (best <= 0) return 'identity';
  if (brotli === best) return 'br';
  if (gzip === best) return 'gzip';
  return 'identity';
}

// Accept-Encoding = #( codings [ weight ] ); a malformed qvalue makes that member count as q=0.
function parseAcceptEncoding(field: string): Map<string, number> {
  const weights = new Map<string, number>();
  for (const member of listMembers(field)) {
    const [name, ...parameters] = member.split(';');
    const coding = name.trim().toLowerCase();
    if (coding === '') continue;
    let q = 1;
    for (const parameter of parameters) {
      const match = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(parameter);
      if (match) q = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(match[1]) ? Number(match[1]) : 0;
    }
    weights.set(coding, Math.max(q, weights.get(coding) ?? 0));
  }
  return weights;
}
