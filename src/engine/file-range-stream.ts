// A readable stream of one byte range of an open file, read by position, that closes the file when it is done
// and fails rather than end when the file changed while it was read: its last bytes are held back until then.

import { Readable } from 'node:stream';
import type { FileHandle } from 'node:fs/promises';

// What one read asks for; with the stream's buffer this bounds the memory a response holds.
const CHUNK_BYTES = 256 * 1024;

/** Options of FileRangeStream. */
export interface FileRangeStreamOptions {
  /** First byte. */
  start: number;
  /** Last byte, inclusive (`start - 1` for no bytes). */
  end: number;
  /** Whether the file is still the version whose bytes are promised; asked before the last chunk is given. */
  isUnchanged: () => Promise<boolean>;
  /** Names the file in the error of a stream cut short. */
  label: string;
}

/**
 * Streams bytes `start`..`end` of `handle` and closes it at the end, on error and on destroy. When the file
 * shrank, or changed in any way (per `isUnchanged`) while it was read, the stream errors before its last chunk,
 * so a response built on it is cut short and no cache takes it for the complete version it announced.
 *
 * @example
 * ctx.body = new FileRangeStream(handle, { start: 0, end: size - 1, isUnchanged, label: '/big.iso' });
 */
export class FileRangeStream extends Readable {
  private position: number;

  constructor(
    private readonly handle: FileHandle,
    private readonly options: FileRangeStreamOptions,
  ) {
    super({ highWaterMark: CHUNK_BYTES });
    this.position = options.start;
  }

  override _read(): void {
    void this.readChunk();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.handle.close().then(
      () => callback(err),
      (closeError: Error) => callback(err ?? closeError),
    );
  }

  private async readChunk(): Promise<void> {
    try {
      const wanted = Math.min(CHUNK_BYTES, this.options.end + 1 - this.position);
      let chunk = Buffer.alloc(0);
      if (wanted > 0) {
        const buffer = Buffer.allocUnsafe(wanted);
        const { bytesRead } = await this.handle.read(buffer, 0, wanted, this.position);
        if (bytesRead === 0) return void this.destroy(this.changed('shrank'));
        chunk = buffer.subarray(0, bytesRead);
        this.position += bytesRead;
      }
      if (this.position <= this.options.end) return void this.push(chunk);
      if (!(await this.options.isUnchanged())) return void this.destroy(this.changed('changed'));
      if (chunk.length > 0) this.push(chunk);
      this.push(null);
    } catch (err) {
      this.destroy(err as Error);
    }
  }

  private changed(how: string): Error {
    return new Error(`${this.options.label} ${how} while it was being sent; the response was cut short`);
  }
}
