// Static files above the streaming threshold: sent from the handle opened for the request (a Range reads only
// its range), with a strong ETag hashed once per file version; never held in memory, never compressed.

import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { Context } from 'koa';
import { BodyDigests } from '../engine/body-digests';
import { type FileEntityTags, type FileVersionHashes, fileVersionKey } from '../engine/file-entity-tags';
import type { DigestAlgorithm } from '../fields/integrity-fields';
import { FileRangeStream } from '../engine/file-range-stream';
import { type FileSource } from '../engine/file-source';
import { type ByteRange } from './byte-range';
import {
  type Representation,
  representationOf,
  sendRepresentation,
  type StreamedBody,
} from './representation';
import { dateRepresentation } from './representation-dating';
import { type ResponseBuilderSettings, staticFieldsFor } from './response-builder';

/**
 * Static files bigger than this many bytes are streamed. Below it a file is read whole and kept in the caches,
 * which serve it faster (README "Big static files"); above it a file would crowd them, so it is sent from disk.
 */
export const DEFAULT_STREAM_THRESHOLD = 1024 * 1024;

/** A FileSource that can open files (NodeFileSource). */
export type OpeningFileSource = FileSource & Required<Pick<FileSource, 'open'>>;

/** What became of a request for a streamed file; `missing` and `forbidden` leave the answer to the caller. */
export type StreamedOutcome = 'sent' | 'missing' | 'forbidden';

// Hashing attempts before a file that keeps changing is answered 503: each takes as long as reading the file.
const MAX_HASH_ATTEMPTS = 3;

// A streamed representation's `body`: its bytes come from `streamed`.
const EMPTY = Buffer.alloc(0);

/**
 * Answers a GET or HEAD for the static file at `path` from an open handle: headers exactly as for a file held
 * in memory (same ETag for the same bytes), the body read from disk as it is sent. `onSent` is told what was
 * answered from, once the fields are set (the mirror links).
 */
export async function sendStreamedFile(
  ctx: Context,
  path: string,
  source: OpeningFileSource,
  tags: FileEntityTags,
  settings: ResponseBuilderSettings,
  now: number,
  onSent?: (representation: Representation) => void,
): Promise<StreamedOutcome> {
  const opened = await source.open(path);
  if (opened.status !== 'found') return opened.status;
  const body = new FileBody(opened.handle, opened.stats, path);
  try {
    // A directory swapped in after the lookup: the caller answers as for any path that is not a file.
    if (!opened.stats.isFile()) return 'missing';
    const version = await stableHashes(tags, opened.handle, opened.stats);
    if (version === undefined) {
      answerChanging(ctx);
      return 'sent';
    }
    body.stats = version.stats;
    const built = versionRepresentation(path, version, body, settings, now);
    const { mtimeMs, ctimeMs } = version.stats;
    const { representation } = await dateRepresentation(
      built,
      settings.ledger,
      { page: path, variant: '', changedAt: Math.max(mtimeMs, ctimeMs) },
      now,
    );
    sendRepresentation(ctx, representation, now);
    onSent?.(representation);
    return 'sent';
  } finally {
    await body.closeUnlessOpened();
  }
}

/**
 * The identity representation of the big static file at `path`, for what is derived from it (its checksum file):
 * hashed as for sending (the same ETag and digests), dated by its own mtime, its bytes never read for the answer.
 * Undefined when it is not a readable file or keeps changing.
 */
export async function streamedIdentity(
  path: string,
  source: OpeningFileSource,
  tags: FileEntityTags,
  settings: ResponseBuilderSettings,
  now: number,
): Promise<Representation | undefined> {
  const opened = await source.open(path);
  if (opened.status !== 'found') return undefined;
  try {
    if (!opened.stats.isFile()) return undefined;
    const version = await stableHashes(tags, opened.handle, opened.stats);
    if (version === undefined) return undefined;
    // Its length, for what describes it; its bytes are never sent from here.
    const streamed = { length: version.stats.size, open: notForSending };
    return versionRepresentation(path, version, streamed, settings, now);
  } finally {
    await opened.handle.close();
  }
}

/** The representation of one hashed version of a big file, its bytes coming from `streamed`. */
function versionRepresentation(
  path: string,
  version: { hashes: FileVersionHashes; stats: Stats },
  streamed: StreamedBody,
  settings: ResponseBuilderSettings,
  now: number,
): Representation {
  const { size, mtimeMs } = version.stats;
  const { contentType, fields } = staticFieldsFor(path, size, mtimeMs, true, settings, now);
  // Every digest served was made in the read that made the ETag: there is no other to make.
  const digests = new BodyDigests(unknownDigest, version.hashes.digests);
  return representationOf({ body: EMPTY, streamed, contentType, etag: version.hashes.etag, digests }, fields);
}

function notForSending(): never {
  throw new Error('the identity made for a derived file is never sent');
}

/** The ETag and digests of the version the handle shows, re-stat'ing while the file changes under the hashing. */
async function stableHashes(
  tags: FileEntityTags,
  handle: FileHandle,
  first: Stats,
): Promise<{ hashes: FileVersionHashes; stats: Stats } | undefined> {
  let stats = first;
  for (let attempt = 1; attempt <= MAX_HASH_ATTEMPTS; attempt++) {
    const hashes = await tags.hashes(handle, stats);
    if (hashes !== undefined) return { hashes, stats };
    stats = await handle.stat();
  }
  return undefined;
}

/** A streamed file's digests all come from the read that made its ETag; there is no other to make. */
function unknownDigest(algorithm: DigestAlgorithm): never {
  throw new Error(`no ${algorithm} digest was made for a streamed file`);
}

/** A file rewritten during every hashing has no ETag we could stand by: ask the client to come back. */
function answerChanging(ctx: Context): void {
  // RFC 9110 §15.6.4: 503 with Retry-After for a temporary condition.
  ctx.status = 503;
  ctx.set('Retry-After', '1');
  ctx.set('Cache-Control', 'no-store');
  ctx.type = 'text/plain';
  ctx.body = '503 Service Unavailable: the file is changing\n';
}

/** The body of one response: the open handle, handed to a stream if the response has a body to send. */
class FileBody implements StreamedBody {
  private opened = false;

  constructor(
    private readonly handle: FileHandle,
    /** The version whose ETag the response announces. */
    public stats: Stats,
    private readonly label: string,
  ) {}

  get length(): number {
    return this.stats.size;
  }

  open(range: ByteRange): FileRangeStream {
    this.opened = true;
    const promised = fileVersionKey(this.stats);
    return new FileRangeStream(this.handle, {
      start: range.start,
      end: range.end,
      label: this.label,
      isUnchanged: async () => fileVersionKey(await this.handle.stat()) === promised,
    });
  }

  /** Closes the handle when no stream took it (HEAD, 304, 412, 416, or an error before sending). */
  async closeUnlessOpened(): Promise<void> {
    if (!this.opened) await this.handle.close();
  }
}
