// A validator ledger kept in a state folder: one small JSON file per page, replaced whole by rename, so every
// worker and every later process on this machine reads what was sent. Writers of one page take turns through a
// lock file, so no update is lost (a lost update could let a date go backwards); readers take no lock, and keep
// what they read while one stat shows the same file (a rename by any writer gives it a new inode).
//
// The record files are a few hundred bytes on a local folder, so their syscalls are made synchronously: each costs
// a few microseconds, where an fs.promises call costs a thread-pool round trip and a FileHandle (on a page met for
// the first time those round trips were most of the request's CPU). A lock held by another writer is still waited
// for asynchronously, so a held lock never blocks the event loop; and a lock this process takes is released in the
// same synchronous run that took it, so it never outlives a crash of the loop by more than that run.

import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { stringBytes } from '../ssi/string-bytes';
import { ByteLru } from './byte-lru';
import { isPageRecord, type LedgerStore, type PageRecord } from './validator-ledger';

/** Bytes of records kept in memory between reads, with their file names. */
const READ_CACHE_BYTES = 4 * 1024 * 1024;

/** How long a lock file may stand before it is taken for one left by a process that died holding it. */
const STALE_LOCK_MS = 2000;
/** How long a writer waits for a page's lock before giving up (the request is then dated without the store). */
const LOCK_WAIT_MS = 1000;
const LOCK_RETRY_MS = 2;

/** Page records as files under `folder` (created when first written). */
export class FolderLedgerStore implements LedgerStore {
  private readonly madeFolders = new Set<string>();
  private readonly read = new ByteLru<string, ReadRecord>(READ_CACHE_BYTES);
  // One writer per page in this process at a time; other processes are kept out by the lock file.
  private readonly writing = new Map<string, Promise<unknown>>();

  constructor(readonly folder: string) {}

  async transact<T>(
    page: string,
    decide: (record: PageRecord | undefined) => { write?: PageRecord; value: T },
  ): Promise<T> {
    const file = this.read.peek(page)?.file ?? this.fileOf(page);
    // Most requests change nothing: decide on what is there, and lock only when there is something to write.
    const first = decide(await this.readKnown(page, file));
    if (!first.write) return first.value;
    const previous = this.writing.get(page) ?? Promise.resolve();
    const turn = previous.then(
      () => this.write(file, decide),
      () => this.write(file, decide),
    );
    this.writing.set(page, turn);
    try {
      return await turn;
    } finally {
      if (this.writing.get(page) === turn) this.writing.delete(page);
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.writing.values()]);
  }

  /** Waits for the page's lock, then reads the record again (another writer may have gone first), decides, writes. */
  private async write<T>(
    file: string,
    decide: (record: PageRecord | undefined) => { write?: PageRecord; value: T },
  ): Promise<T> {
    this.makeFolder(file);
    const lock = `${file}.lock`;
    const giveUpAt = Date.now() + LOCK_WAIT_MS;
    while (!tryLock(lock)) {
      if (Date.now() > giveUpAt) throw new Error(`validator ledger: ${lock} stays locked`);
      await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
    }
    // From here to the unlock nothing awaits: the lock is held for one synchronous run.
    try {
      const { write, value } = decide(readRecord(file));
      if (write) writeWhole(file, JSON.stringify(write));
      return value;
    } finally {
      unlinkQuietly(lock);
    }
  }

  /**
   * The record of `page`, from memory while one stat shows the file unchanged (the cold render's one ledger cost is
   * then a stat, as for every file it rests on), else read again.
   */
  private async readKnown(page: string, file: string): Promise<PageRecord | undefined> {
    const stats = statSync(file, { throwIfNoEntry: false });
    if (stats === undefined) return undefined;
    const stamp = `${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`;
    const known = this.read.get(page);
    if (known?.stamp === stamp) return known.record;
    const record = readRecord(file);
    // Should the file have been replaced since the stat, the next stat differs and it is read again.
    this.read.set(
      page,
      { file, stamp, record },
      READ_OVERHEAD + stringBytes(page) + stringBytes(file) + stats.size,
    );
    return record;
  }

  /** `/news/index.shtml` → FOLDER/pages/3f/3fa4….json: a fixed-length name whatever the path. */
  private fileOf(page: string): string {
    const digest = createHash('sha256').update(page).digest('hex');
    return join(this.folder, 'pages', digest.slice(0, 2), `${digest}.json`);
  }

  private makeFolder(file: string): void {
    const folder = join(file, '..');
    if (this.madeFolders.has(folder)) return;
    mkdirSync(folder, { recursive: true });
    this.madeFolders.add(folder);
  }
}

/** A record as last read, with the stamp of its file then. */
interface ReadRecord {
  file: string;
  stamp: string;
  record: PageRecord | undefined;
}

// The cached entry, its stamp string and the parsed record's objects, per byte of JSON read.
const READ_OVERHEAD = 200;

/** The record in `file`; a missing, unreadable or malformed one is no record (a page met for the first time). */
function readRecord(file: string): PageRecord | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const value: unknown = JSON.parse(text);
    return isPageRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Writes a temporary file beside `file` and renames it over: readers see the old record or the new one. */
function writeWhole(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, file);
  } catch (error) {
    unlinkQuietly(temporary);
    throw error;
  }
}

/** Creates `lock` exclusively; false while another writer holds it. A lock older than STALE_LOCK_MS is broken. */
function tryLock(lock: string): boolean {
  if (createExclusively(lock)) return true;
  const held = statSync(lock, { throwIfNoEntry: false });
  if (held === undefined || Date.now() - held.mtimeMs <= STALE_LOCK_MS) return false;
  unlinkQuietly(lock);
  return createExclusively(lock);
}

function createExclusively(file: string): boolean {
  try {
    closeSync(openSync(file, 'wx'));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone (a stale lock broken by another writer, a temporary file never made): nothing to undo.
  }
}
