import {
  describeFileSystem,
  fileSystemFacts,
  journalOf,
  mountOf,
  parseMounts,
} from '../../../bench/build/file-system-facts';
import { everyPageRebuildEstimateMs, type BuildFloors } from '../../../bench/build/build-floors';

const MOUNTS = [
  '/dev/vda / ext4 rw,relatime,discard,resv_strict 0 0',
  'proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0',
  'tmpfs /tmp tmpfs rw,nosuid,nodev 0 0',
  '/dev/loop0 /mnt/with\\040space ext4 rw,relatime 0 0',
  '/dev/loop1 /tmp/inner ext4 rw 0 0',
  '',
].join('\n');

describe('parseMounts', () => {
  it('reads device, mount point, type and options, decoding octal escapes', () => {
    const entries = parseMounts(MOUNTS);
    expect(entries).toHaveLength(5);
    expect(entries[0]).toEqual({
      device: '/dev/vda',
      mountPoint: '/',
      type: 'ext4',
      options: ['rw', 'relatime', 'discard', 'resv_strict'],
    });
    expect(entries[3]?.mountPoint).toBe('/mnt/with space');
  });
});

describe('mountOf', () => {
  const entries = parseMounts(MOUNTS);

  it('picks the longest mount point holding the folder', () => {
    expect(mountOf(entries, '/tmp/inner/out')?.device).toBe('/dev/loop1');
    expect(mountOf(entries, '/tmp/other')?.type).toBe('tmpfs');
    expect(mountOf(entries, '/work/site')?.mountPoint).toBe('/');
  });

  it('does not take a mount point that is only a prefix of a folder name', () => {
    expect(mountOf(entries, '/tmpx/out')?.mountPoint).toBe('/');
    expect(mountOf(entries, '/tmp')?.type).toBe('tmpfs');
  });

  it('takes the later of two mounts on one point (the one on top)', () => {
    const stacked = parseMounts('/dev/a /data ext4 rw 0 0\n/dev/b /data xfs rw 0 0\n/dev/r / ext4 rw 0 0');
    expect(mountOf(stacked, '/data/out')?.device).toBe('/dev/b');
  });
});

describe('journalOf', () => {
  const ext4 = (device: string) => ({ device, mountPoint: '/', type: 'ext4', options: ['rw'] });
  const proc =
    (...paths: string[]) =>
    (path: string) =>
      paths.includes(path);

  it('reads the journal by the kernel name of the device, a mapper link resolved', () => {
    const names = (device: string) => ({ '/dev/vda': 'vda', '/dev/mapper/vg-root': 'dm-0' })[device];
    expect(journalOf(ext4('/dev/vda'), proc('/proc/fs/ext4/vda'), names)).toBe(false);
    expect(journalOf(ext4('/dev/vda'), proc('/proc/fs/ext4/vda', '/proc/fs/jbd2/vda-8'), names)).toBe(true);
    expect(
      journalOf(ext4('/dev/mapper/vg-root'), proc('/proc/fs/ext4/dm-0', '/proc/fs/jbd2/dm-0-8'), names),
    ).toBe(true);
  });

  it('claims nothing when the kernel does not list the device under that name, or for another type', () => {
    const same = (device: string) => device.split('/').pop();
    expect(journalOf(ext4('/dev/root'), proc('/proc/fs/jbd2/root-8'), () => undefined)).toBeUndefined();
    expect(journalOf(ext4('/dev/sdb1'), proc(), same)).toBeUndefined();
    expect(journalOf({ ...ext4('tmpfs'), type: 'tmpfs' }, proc(), same)).toBeUndefined();
  });
});

describe('describeFileSystem', () => {
  it('says what no journal and discard cost', () => {
    const text = describeFileSystem({ mountPoint: '/', type: 'ext4', journal: false, discard: true });
    expect(text).toMatch(/^\/ is ext4 without a journal \(an inode freed in the last minute is not reused/);
    expect(text).toMatch(/mounted with discard \(each block freed is trimmed/);
  });

  it('is short for a journalled file system without discard, or one it cannot tell', () => {
    expect(describeFileSystem({ mountPoint: '/mnt', type: 'ext4', journal: true, discard: false })).toBe(
      '/mnt is ext4 with a journal',
    );
    expect(
      describeFileSystem({ mountPoint: '/tmp', type: 'tmpfs', journal: undefined, discard: false }),
    ).toBe('/tmp is tmpfs');
    expect(describeFileSystem(undefined)).toMatch(/could not be read/);
  });
});

describe('fileSystemFacts', () => {
  it('finds the mount of a folder on this machine', () => {
    const facts = fileSystemFacts(process.cwd());
    if (process.platform !== 'linux') return expect(facts).toBeUndefined();
    expect(facts?.mountPoint).toMatch(/^\//);
    expect(typeof facts?.type).toBe('string');
  });
});

describe('everyPageRebuildEstimateMs', () => {
  it('adds the manifest, the stats and what replacing costs over creating to the cold build', () => {
    const floors: BuildFloors = {
      startMs: 200,
      manifestBytes: 1,
      manifestMs: 150,
      sourceFiles: 10,
      statsMs: 110,
      files: 10,
      fileBytes: 1,
      createMs: 600,
      replaceMs: 2100,
      fileSystem: undefined,
    };
    expect(everyPageRebuildEstimateMs(floors, 2800)).toBe(2800 + 150 + 110 + 1500);
  });
});
