import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FolderLedgerStore } from '../../../src/engine/folder-ledger-store';
import { MemoryLedgerStore } from '../../../src/engine/memory-ledger-store';
import {
  datePage,
  type DatingInput,
  type LedgerStore,
  MAX_VARIANTS,
  type PageRecord,
  promoteEntry,
  ValidatorLedger,
} from '../../../src/engine/validator-ledger';

const S = 1000;

function input(overrides: Partial<DatingInput>): DatingInput {
  return {
    page: '/p.shtml',
    variant: '',
    etag: '"a"',
    computed: 100 * S,
    changedAt: 100 * S,
    now: 500 * S,
    ...overrides,
  };
}

/** Dates `inputs` in turn against one record, as one store would. */
function dateAll(inputs: DatingInput[]) {
  let record: PageRecord | undefined;
  return inputs.map((given) => {
    const { write, value } = datePage(record, given);
    if (write) record = write;
    return value;
  });
}

describe('datePage', () => {
  it('first contact, files unchanged since their date › the files date them, and that date proves them', () => {
    const [first] = dateAll([input({})]);
    expect(first).toEqual({ lastModified: 100 * S, notModifiedSince: 100 * S });
  });

  it('first contact after an older file was swapped in (ctime later than mtime) › 304 only from the swap on', () => {
    // The client may hold bytes of before the swap dated anywhere up to the swap: only a later date proves them.
    const [first] = dateAll([input({ computed: 100 * S, changedAt: 300 * S + 400 })]);
    expect(first).toEqual({ lastModified: 100 * S, notModifiedSince: 300 * S });
  });

  it('the same bytes again › the same dates, nothing written', () => {
    const record = datePage(undefined, input({})).write;
    expect(datePage(record, input({ now: 900 * S }))).toEqual({
      value: { lastModified: 100 * S, notModifiedSince: 100 * S },
    });
  });

  it('an older file swapped in while running › the current second, later than anything sent', () => {
    const dated = dateAll([input({}), input({ etag: '"b"', computed: 90 * S, now: 600 * S })]);
    expect(dated[1]).toEqual({ lastModified: 600 * S, notModifiedSince: 600 * S });
  });

  it('a newer file › its own date', () => {
    const dated = dateAll([
      input({}),
      input({ etag: '"b"', computed: 700 * S, changedAt: 700 * S, now: 800 * S }),
    ]);
    expect(dated[1]).toEqual({ lastModified: 700 * S, notModifiedSince: 700 * S });
  });

  it('new bytes within the second of the newest date sent › no Last-Modified at all', () => {
    const dated = dateAll([
      input({}),
      input({ etag: '"b"', computed: 90 * S, now: 600 * S }),
      input({ etag: '"c"', computed: 90 * S, now: 600 * S + 900 }),
    ]);
    expect(dated[2]).toEqual({});
  });

  it('a rollback to bytes sent before › a date later than the bytes sent in between', () => {
    const dated = dateAll([
      input({}),
      input({ etag: '"b"', computed: 200 * S, changedAt: 200 * S, now: 600 * S }),
      input({ etag: '"a"', computed: 100 * S, now: 700 * S }),
    ]);
    expect(dated[2].lastModified).toBe(700 * S);
  });

  it('two variants of one page › each keeps its own date, neither pushes the other', () => {
    const dated = dateAll([
      input({ variant: 'en', etag: '"en"' }),
      input({ variant: 'fr', etag: '"fr"', now: 501 * S }),
      input({ variant: 'en', etag: '"en"', now: 502 * S }),
      input({ variant: 'fr', etag: '"fr"', now: 503 * S }),
    ]);
    expect(dated[2]).toEqual(dated[0]);
    expect(dated[3]).toEqual(dated[1]);
  });

  it('more variants than it keeps › a forgotten one is a newcomer: 304 only from a date after everything sent', () => {
    const inputs = Array.from({ length: MAX_VARIANTS + 1 }, (_, index) =>
      input({ variant: `v${index}`, etag: `"${index}"`, changedAt: 50 * S }),
    );
    let record: PageRecord | undefined;
    for (const given of inputs) record = datePage(record, given).write ?? record;
    expect(record?.variants).toHaveLength(MAX_VARIANTS);
    expect(record?.variants.some(([key]) => key === 'v0')).toBe(false);
    // v0's files are unchanged since 50 s: that date still proves them.
    expect(datePage(record, inputs[0]).value).toEqual({ lastModified: 100 * S, notModifiedSince: 100 * S });
    // Had they changed at 450 s, a client of v0 dated up to then may hold other bytes.
    const changed = { ...inputs[0], changedAt: 450 * S };
    expect(datePage(record, changed).value).toEqual({ lastModified: 100 * S, notModifiedSince: 450 * S });
  });
});

describe('promoteEntry', () => {
  const doubted = () => datePage(undefined, input({ changedAt: 300 * S + 400 })).write;

  it('a first-contact entry doubted from the files date › moved to the date that proves it', () => {
    const { write, value } = promoteEntry(doubted(), '', '"a"', 500 * S);
    expect(value).toBe(300 * S);
    expect(write?.variants).toEqual([
      ['', { etag: '"a"', lastModified: 300 * S, notModifiedSince: 300 * S }],
    ]);
    expect(write?.newest).toBeGreaterThanOrEqual(300 * S);
  });

  it('other bytes, another variant, an entry already proven, or a proof ahead of the clock › nothing', () => {
    expect(promoteEntry(doubted(), '', '"b"', 500 * S)).toEqual({ value: undefined });
    expect(promoteEntry(doubted(), 'fr', '"a"', 500 * S)).toEqual({ value: undefined });
    const proven = datePage(undefined, input({})).write;
    expect(promoteEntry(proven, '', '"a"', 500 * S)).toEqual({ value: undefined });
    expect(promoteEntry(doubted(), '', '"a"', 299 * S)).toEqual({ value: undefined });
  });
});

describe('ValidatorLedger', () => {
  it('a store that fails › dates by the files, proven only from their change time, unrecorded, reported once', async () => {
    let calls = 0;
    const failing: LedgerStore = {
      transact: () => {
        calls++;
        return Promise.reject(new Error('store down'));
      },
      close: async () => {},
    };
    const errors: Error[] = [];
    const ledger = new ValidatorLedger(failing, (error) => errors.push(error));
    const given = input({ changedAt: 300 * S + 1 });
    expect(await ledger.date(given)).toEqual({
      lastModified: 100 * S,
      notModifiedSince: 300 * S,
      unrecorded: true,
    });
    // Within the next second the store is left alone; after it, asked again.
    await ledger.date({ ...given, now: given.now + 500 });
    expect(calls).toBe(1);
    await ledger.date({ ...given, now: given.now + 1000 });
    expect(calls).toBe(2);
    expect(errors.map((error) => error.message)).toEqual(['store down']);
  });
});

// The folders of the folder stores made below, removed once their tests are done.
const storeFolders: string[] = [];
afterAll(() => {
  for (const folder of storeFolders) rmSync(folder, { recursive: true, force: true });
});

function folderStore(): FolderLedgerStore {
  const folder = mkdtempSync(join(tmpdir(), 'ledger-'));
  storeFolders.push(folder);
  return new FolderLedgerStore(folder);
}

describe.each([
  ['MemoryLedgerStore', () => new MemoryLedgerStore()],
  ['FolderLedgerStore', folderStore],
])('%s', (_name, makeStore) => {
  it('concurrent datings of new bytes › every one is kept: the newest date never goes back', async () => {
    const store = makeStore();
    const nows = Array.from({ length: 40 }, (_, index) => (600 + index) * S);
    await Promise.all(
      nows.map((now, index) =>
        store.transact('/p', (record) =>
          datePage(record, input({ etag: `"${index}"`, computed: 90 * S, now })),
        ),
      ),
    );
    const newest = await store.transact('/p', (record) => ({ value: record?.newest }));
    expect(newest).toBe(Math.max(...nows));
    await store.close();
  });
});

describe('FolderLedgerStore', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'ledger-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('a second store on the same folder (a restart, another worker) › reads what the first wrote', async () => {
    const first = new FolderLedgerStore(folder);
    await first.transact('/p', (record) => datePage(record, input({})));
    await first.transact('/p', (record) =>
      datePage(record, input({ etag: '"b"', computed: 90 * S, now: 600 * S })),
    );
    const second = new FolderLedgerStore(folder);
    const dated = await second.transact('/p', (record) =>
      datePage(record, input({ etag: '"a"', now: 700 * S })),
    );
    expect(dated.lastModified).toBe(700 * S);
  });

  it('a record already read, then written by another store (another worker) › read again, not from memory', async () => {
    const reader = new FolderLedgerStore(folder);
    const writer = new FolderLedgerStore(folder);
    await reader.transact('/p', (record) => datePage(record, input({})));
    const seen = async () => reader.transact('/p', (record) => ({ value: record }));
    expect((await seen())?.variants.map(([, entry]) => entry.etag)).toEqual(['"a"']);
    await writer.transact('/p', (record) =>
      datePage(record, input({ etag: '"b"', computed: 90 * S, now: 600 * S })),
    );
    expect((await seen())?.variants.map(([, entry]) => entry.etag)).toEqual(['"b"']);
  });

  it('a damaged record › read as no record (a first contact), then replaced whole', async () => {
    const store = new FolderLedgerStore(folder);
    await store.transact('/p', (record) => datePage(record, input({})));
    const [sub] = readdirSync(join(folder, 'pages'));
    const [file] = readdirSync(join(folder, 'pages', sub));
    writeFileSync(join(folder, 'pages', sub, file), '{"newest": "x"');
    const dated = await store.transact('/p', (record) =>
      datePage(record, input({ etag: '"b"', changedAt: 450 * S })),
    );
    expect(dated).toEqual({ lastModified: 100 * S, notModifiedSince: 450 * S });
    expect(readdirSync(join(folder, 'pages', sub))).toEqual([file]);
  });

  it('a lock held by another writer › waited for, then the record is written and no lock is left', async () => {
    const { store, sub, file, lock } = await storeWithHeldLock(folder);
    const dating = store.transact('/p', (record) =>
      datePage(record, input({ etag: '"b"', computed: 90 * S, now: 600 * S })),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(existsSync(lock)).toBe(true);
    rmSync(lock);
    expect((await dating).lastModified).toBe(600 * S);
    expect(readdirSync(join(folder, 'pages', sub))).toEqual([file]);
  });

  it('a write found needless once the lock is held (another writer went first) › the lock is released at once', async () => {
    const store = new FolderLedgerStore(folder);
    await store.transact('/p', (record) => datePage(record, input({})));
    let decisions = 0;
    // The first decision (on the record as read) writes; the second (under the lock) finds it already written.
    const value = await store.transact('/p', (record) => {
      const dated = datePage(record, input({ etag: '"b"', computed: 90 * S, now: 600 * S }));
      return decisions++ === 0 ? dated : { value: dated.value };
    });
    expect(value.lastModified).toBe(600 * S);
    const [sub] = readdirSync(join(folder, 'pages'));
    expect(readdirSync(join(folder, 'pages', sub)).filter((name) => name.endsWith('.lock'))).toEqual([]);
  });

  it('a lock left by a process that died › broken once it is stale', async () => {
    const { store, lock } = await storeWithHeldLock(folder);
    utimesSync(lock, new Date(Date.now() - 10_000), new Date(Date.now() - 10_000));
    const dated = await store.transact('/p', (record) =>
      datePage(record, input({ etag: '"b"', computed: 90 * S, now: 600 * S })),
    );
    expect(dated.lastModified).toBe(600 * S);
  });
});

/** A folder store with a record of /p and, beside it, a lock file as another writer would hold it. */
async function storeWithHeldLock(
  folder: string,
): Promise<{ store: FolderLedgerStore; sub: string; file: string; lock: string }> {
  const store = new FolderLedgerStore(folder);
  await store.transact('/p', (record) => datePage(record, input({})));
  const [sub] = readdirSync(join(folder, 'pages'));
  const [file] = readdirSync(join(folder, 'pages', sub));
  const lock = join(folder, 'pages', sub, `${file}.lock`);
  writeFileSync(lock, '');
  return { store, sub, file, lock };
}
