/**
 * Random access to the bytes of a file, so decoders read only the strips/tiles they need.
 * Core code never touches the file system: the node adaptor (extension/node/fileByteSource.ts)
 * implements this over a file handle, {@link memoryByteSource} over bytes already in memory.
 */
export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /**
   * Reads `length` bytes starting at `offset`. Reads past the end return only the bytes that exist
   * (possibly none); callers check the length. The result may be a view of shared memory: callers
   * must not modify it.
   */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Releases the underlying handle (idempotent). */
  close(): Promise<void>;
}

/** A {@link ByteSource} over bytes already in memory (reads are zero-copy views). */
export function memoryByteSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    async read(offset, length) {
      const start = Math.max(0, Math.min(offset, bytes.length));
      return bytes.subarray(start, Math.min(bytes.length, start + Math.max(0, length)));
    },
    async close() { /* nothing to release */ },
  };
}

/**
 * Wraps a source with a small LRU cache of fixed-size blocks for small reads (IFDs, tag arrays),
 * which otherwise cost one file read each. Large reads (pixel data) bypass the cache.
 */
export class CachedByteSource implements ByteSource {
  private readonly blocks = new Map<number, Uint8Array>();

  constructor(readonly inner: ByteSource, private readonly blockSize = 65536, private readonly maxBlocks = 64) {}

  get size(): number {
    return this.inner.size;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (length > this.blockSize) return this.inner.read(offset, length);
    const end = Math.min(this.size, offset + length);
    if (offset >= end) return new Uint8Array(0);
    const first = Math.floor(offset / this.blockSize);
    const last = Math.floor((end - 1) / this.blockSize);
    if (first === last) {
      const block = await this.block(first);
      const start = offset - first * this.blockSize;
      return block.subarray(start, start + (end - offset));
    }
    const out = new Uint8Array(end - offset);
    for (let b = first; b <= last; b++) {
      const block = await this.block(b);
      const blockStart = b * this.blockSize;
      const from = Math.max(offset, blockStart);
      const to = Math.min(end, blockStart + block.length);
      out.set(block.subarray(from - blockStart, to - blockStart), from - offset);
    }
    return out;
  }

  private async block(index: number): Promise<Uint8Array> {
    const hit = this.blocks.get(index);
    if (hit) {
      this.blocks.delete(index);
      this.blocks.set(index, hit);
      return hit;
    }
    const data = await this.inner.read(index * this.blockSize, this.blockSize);
    this.blocks.set(index, data);
    if (this.blocks.size > this.maxBlocks) this.blocks.delete(this.blocks.keys().next().value as number);
    return data;
  }

  close(): Promise<void> {
    this.blocks.clear();
    return this.inner.close();
  }
}
