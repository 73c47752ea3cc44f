// A validator ledger kept in a state folder: one small JSON file per page, replaced whole by rename, so every
// worker and every later process on this machine reads what was sent. Writers of one page take turns through a
// lock file, so no update is lost (a lost update could let a date go backwards); readers take no lock, and keep
// what they read while one stat shows the same file (a rename by any writer gives it a new inode).

import { createHash, randomBytes } from 'node:crypto';
import { promises as fs, statSync } from 'node:fs';
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
      () => this.lockedWrite(file, decide),
      () => this.lockedWrite(file, decide),
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

  /** Under the page's lock: reads the record again (another writer may have gone first), decides, writes. */
  private async lockedWrite<T>(
    file: string,
    decide: (record: PageRecord | undefined) => { write?: PageRecord; value: T },
  ): Promise<T> {
    await this.makeFolder(file);
    const lock = `${file}.lock`;
    await acquireLock(lock);
    try {
      const { write, value } = decide(await readRecord(file));
      if (write) await writeWhole(file, JSON.stringify(write));
      return value;
    } finally {
      await fs.unlink(lock).catch(() => {});
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
    const record = await readRecord(file);
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

  private async makeFolder(file: string): Promise<void> {
    const folder = join(file, '..');
    if (this.madeFolders.has(folder)) return;
    await fs.mkdir(folder, { recursive: true });
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
async function readRecord(file: string): Promise<PageRecord | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
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
async function writeWhole(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await fs.writeFile(temporary, text);
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.unlink(temporary).catch(() => {});
    throw error;
  }
}

/** Creates `lock` exclusively, waiting for its holder, and breaking a lock older than STALE_LOCK_MS. */
async function acquireLock(lock: string): Promise<void> {
  const giveUpAt = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await (await fs.open(lock, 'wx')).close();
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const held = await fs.stat(lock).catch(() => undefined);
    if (held && Date.now() - held.mtimeMs > STALE_LOCK_MS) {
      await fs.unlink(lock).catch(() => {});
      continue;
    }
    if (Date.now() > giveUpAt) throw new Error(`validator ledger: ${lock} stays locked`);
    await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
  }
}
