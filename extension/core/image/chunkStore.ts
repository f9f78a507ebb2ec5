/**
 * Byte access for Zarr stores, injected so that extension/core never touches a platform (../shared design
 * "byte access stays injected"): Node reads a local folder (extension/node/folderChunkStore.ts), tests use memory.
 */

/** A byte range of one stored object: `offset`+`length`, or the last `suffixLength` bytes. */
export type ByteRange = { offset: number; length: number } | { suffixLength: number };

/** A key → bytes store; keys are relative to the store's root and use `/` (e.g. `zarr.json`, `0/c/0/1/2`). */
export interface ChunkStore {
  /** The bytes stored under `key`, or `undefined` when there is none (a missing chunk is the fill value). */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Part of the bytes under `key` (sharded arrays read shard indexes and inner chunks this way). */
  getRange?(key: string, range: ByteRange): Promise<Uint8Array | undefined>;
}

/** A store over a map of keys to bytes (tests, in-memory stores). */
export function memoryChunkStore(entries: Map<string, Uint8Array> | Record<string, Uint8Array>): ChunkStore {
  const map = entries instanceof Map ? entries : new Map(Object.entries(entries));
  return {
    get: async (key) => map.get(key),
    getRange: async (key, range) => {
      const bytes = map.get(key);
      return bytes ? sliceRange(bytes, range) : undefined;
    },
  };
}

/** `range` of `bytes` (clipped to its ends). */
export function sliceRange(bytes: Uint8Array, range: ByteRange): Uint8Array {
  if ('suffixLength' in range) return bytes.subarray(Math.max(0, bytes.length - range.suffixLength));
  return bytes.subarray(range.offset, range.offset + range.length);
}
