/**
 * Where a Zarr chunk lives in the store: the key of chunk (i, j, …) of an array under its v2 `.zarray`
 * (`dimension_separator`) or v3 `zarr.json` (`chunk_key_encoding`), and for sharded arrays the shard that holds it.
 * Used to name the file in an error about a chunk.
 */

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Builds `chunk coordinates → key relative to the store root` for an array at `path` with raw metadata `meta`. */
export function chunkKeyEncoder(path: string, meta: Record<string, unknown>, zarrFormat: 2 | 3): (coords: readonly number[]) => string {
  const prefix = path === '' ? '' : `${path.replace(/\/+$/, '')}/`;
  if (zarrFormat === 2) {
    const sep = meta.dimension_separator === '/' ? '/' : '.';
    return (coords) => prefix + (coords.length ? coords.join(sep) : '0');
  }
  const encoding = isRecord(meta.chunk_key_encoding) ? meta.chunk_key_encoding : { name: 'default' };
  const config = isRecord(encoding.configuration) ? encoding.configuration : {};
  if (encoding.name === 'v2') {
    const sep = config.separator === '/' ? '/' : '.';
    return (coords) => prefix + (coords.length ? coords.join(sep) : '0');
  }
  const sep = config.separator === '.' ? '.' : '/';
  return (coords) => prefix + ['c', ...coords].join(sep);
}

/** Human words for chunk `coords`: `chunk 0/c/1/2`, or `chunk (1, 2) in shard 0/c/0/0` for a sharded array. */
export function describeChunk(coords: readonly number[], keyOf: (c: readonly number[]) => string, shardInner?: readonly number[]): string {
  if (!shardInner) return `chunk ${keyOf(coords)}`;
  const shard = coords.map((c, i) => Math.floor(c / shardInner[i]));
  return `chunk (${coords.join(', ')}) in shard ${keyOf(shard)}`;
}
