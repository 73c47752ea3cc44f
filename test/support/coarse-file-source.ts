// An in-memory docroot on a file system with coarse timestamps (ext4 with 128-byte inodes, FAT, NFS): every write
// stamps mtime and ctime with the current tick of an injected clock, so two writes in one tick look alike.

import { type FileStamp } from '../../src/engine/file-stamp';
import { MemoryFileSource } from '../../src/engine/memory-file-source';

/** A MemoryFileSource whose stamps carry only the tick of their last write, like a one-second file system. */
export class CoarseFileSource extends MemoryFileSource {
  private readonly changedAt = new Map<string, number>();

  /**
   * @param clock epoch ms, read at each write.
   * @param tickMs the timestamp granularity of this file system.
   */
  constructor(
    private readonly clock: () => number,
    private readonly tickMs = 1000,
  ) {
    super();
  }

  /** Writes `content` stamped with the current tick: the same size in the same tick keeps the same stamp. */
  put(path: string, content: string): void {
    const tick = Math.floor(this.clock() / this.tickMs) * this.tickMs;
    this.write(path, content, tick);
    this.changedAt.set(path, tick);
  }

  override stampSync(path: string): FileStamp {
    const stamp = super.stampSync(path);
    const tick = this.changedAt.get(path);
    return tick === undefined ? stamp : { ...stamp, ctimeMs: tick };
  }
}
