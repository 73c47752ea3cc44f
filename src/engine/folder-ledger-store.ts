// A validator ledger kept in a state folder: one small JSON file per page, replaced whole by rename, so every
// worker and every later process on this machine reads what was sent. Writers of one page take turns through a
// lock file, so no update is lost (a lost update could let a date go backwards); the writer holding it writes the
// new record into the lock file itself and renames it over the record, which publishes the record and frees the
// lock in one step. Readers take no lock, and keep what they read while one stat shows the same file (a rename by
// any writer gives it a new inode).
//
// The record files are a few hundred bytes on a local folder, so their syscalls are made synchronously: most cost
// a few microseconds, where an fs.promises call costs a thread-pool round trip and a FileHandle (on a page met for
// the first time those round trips were most of the request's CPU). Creating the lock file is dearer (a few hundred
// microseconds of kernel time on ext4), but that CPU is spent whichever thread makes the call, and it is made once
// per write. A lock held by another writer is still waited for asynchronously, so a held lock never blocks the
// event loop; and a lock this process takes is released in the same synchronous run that took it.

import { createHash } from 'node:crypto';
import {
  closeSync,
  fstatSync,
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
    let held: number | undefined;
    while ((held = tryLock(lock)) === undefined) {
      if (Date.now() > giveUpAt) throw new Error(`validator ledger: ${lock} stays locked`);
      await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
    }
    // From here to the unlock nothing awaits: the lock is held for one synchronous run.
    let renamed = false;
    try {
      const { write, value } = decide(readRecord(file));
      if (write) {
        writeFileSync(held, JSON.stringify(write));
        renamed = renameIfStillOurs(held, lock, file);
        if (!renamed) throw new Error(`validator ledger: ${lock} was broken while held`);
      }
      return value;
    } finally {
      // Unlocked before the descriptor is closed: telling our lock from another writer's needs it open.
      try {
        if (!renamed) unlinkIfStillOurs(held, lock);
      } finally {
        closeSync(held);
      }
    }
  }

  /**
   * The record of `page`, from memory while one stat shows the file unchanged (the cold render's one ledger cost is
   * then a stat, as for every file it rests on), else read again.
   */
  private async readKnown(page: string, file: string): Promise<PageRecord | undefined> {
    const stats = statSync(file, { throwIfNoEntry: false });
    if (stats === undefined) return undefined;
    const stamp: RecordStamp = [stats.ino, stats.size, stats.mtimeMs, stats.ctimeMs];
    const known = this.read.get(page);
    if (known && isSameRecordStamp(known.stamp, stamp)) return known.record;
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
  stamp: RecordStamp;
  record: PageRecord | undefined;
}

/** A record file's inode, size, mtime and ctime: any rename over it or write to it changes one of them. */
type RecordStamp = readonly [number, number, number, number];

// Compared as numbers: formatting four of them into a string cost more than the stat on a cold render.
function isSameRecordStamp(a: RecordStamp, b: RecordStamp): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}

// The cached entry, its stamp and the parsed record's objects, per byte of JSON read.
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

/**
 * Renames the lock file, holding the new record, over `file`: readers see the old record or the new one, and the
 * next writer may take the lock at once. Not when the lock was broken as stale meanwhile and another writer's
 * lock stands in its place (its record may be half written).
 */
function renameIfStillOurs(held: number, lock: string, file: string): boolean {
  if (!isStillOurs(held, lock)) return false;
  renameSync(lock, file);
  return true;
}

function unlinkIfStillOurs(held: number, lock: string): void {
  if (isStillOurs(held, lock)) unlinkQuietly(lock);
}

/** Whether the file named `lock` is the one open as `held` (a lock broken and taken again is another inode). */
function isStillOurs(held: number, lock: string): boolean {
  return statSync(lock, { throwIfNoEntry: false })?.ino === fstatSync(held).ino;
}

/**
 * Creates `lock` exclusively and returns it open for writing; undefined while another writer holds it. A lock
 * older than STALE_LOCK_MS is broken (its writer died holding it: a held lock lives one synchronous run).
 */
function tryLock(lock: string): number | undefined {
  const created = createExclusively(lock);
  if (created !== undefined) return created;
  const held = statSync(lock, { throwIfNoEntry: false });
  if (held === undefined || Date.now() - held.mtimeMs <= STALE_LOCK_MS) return undefined;
  unlinkQuietly(lock);
  return createExclusively(lock);
}

function createExclusively(file: string): number | undefined {
  try {
    return openSync(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw error;
  }
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone (a stale lock broken by another writer): nothing to undo.
  }
}
