/**
 * What the OME-Zarr writer needs from its platform (issue #13): a key → bytes store (a folder on Node, one file
 * per key) whose writes are atomic, and the chunk compressor. Injected so extension/core stays platform-free.
 */

/** A Zarr store. Keys use "/" separators (`0/1/0/3/2`, `.zattrs`, `zarr.json`). */
export interface ZarrStore {
  /** The bytes under `key`, or undefined when there are none. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Whether `key` exists. */
  has(key: string): Promise<boolean>;
  /** Writes `key` atomically: readers (and other tasks) see the old bytes or the new, never a part. */
  set(key: string, bytes: Uint8Array): Promise<void>;
}

/** The chunk compressor (gzip). */
export interface ZarrChunkCodec {
  encode(bytes: Uint8Array): Uint8Array;
  /** @param expectedLength the decoded size; more is an error (a corrupt chunk cannot balloon) */
  decode(bytes: Uint8Array, expectedLength: number): Uint8Array;
}
