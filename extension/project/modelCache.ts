/**
 * The model cache `<name>.pixelclass.model` beside a project (issue #5): the serialized forest behind a small
 * header carrying the training hash it was trained from. Safe to delete or ignore in git: a missing or stale
 * cache (hash differs from the project's current {@link trainingHash}) is rebuilt by retraining, which with the
 * same seed reproduces the same bytes.
 *
 * Layout (little endian): magic "PXCMODEL" (8 bytes), u32 header version (1), 64 ASCII hex digits of the
 * training hash, u32 payload length, payload (the forest helper's serializeForest bytes).
 */
import { files as fs } from '../core/platform/platform';
import { writeFileAtomic } from './projectFile';

const MAGIC = 'PXCMODEL';
const HEADER_VERSION = 1;
const HEADER_SIZE = 8 + 4 + 64 + 4;

/** Packs a forest payload behind the cache header. */
export function encodeModelCache(trainingHash: string, forestBytes: Uint8Array): Uint8Array {
  if (!/^[0-9a-f]{64}$/.test(trainingHash)) throw new Error('training hash must be 64 lowercase hex digits');
  const out = new Uint8Array(HEADER_SIZE + forestBytes.length);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) out[i] = MAGIC.charCodeAt(i);
  view.setUint32(8, HEADER_VERSION, true);
  for (let i = 0; i < 64; i++) out[12 + i] = trainingHash.charCodeAt(i);
  view.setUint32(76, forestBytes.length, true);
  out.set(forestBytes, HEADER_SIZE);
  return out;
}

/** Unpacks a cache file; `undefined` (with the reason) when it is not a valid cache. */
export function decodeModelCache(bytes: Uint8Array): { trainingHash: string; forestBytes: Uint8Array } | { invalid: string } {
  if (bytes.length < HEADER_SIZE) return { invalid: 'file too short' };
  for (let i = 0; i < 8; i++) if (bytes[i] !== MAGIC.charCodeAt(i)) return { invalid: 'not a Pixel Classifier model cache' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== HEADER_VERSION) return { invalid: `unsupported model cache version ${version}` };
  const trainingHash = String.fromCharCode(...bytes.subarray(12, 76));
  if (!/^[0-9a-f]{64}$/.test(trainingHash)) return { invalid: 'corrupt training hash' };
  const length = view.getUint32(76, true);
  if (bytes.length !== HEADER_SIZE + length) return { invalid: `truncated model (${bytes.length - HEADER_SIZE} of ${length} bytes)` };
  return { trainingHash, forestBytes: bytes.subarray(HEADER_SIZE) };
}

/** Result of {@link loadOrBuildModel}. */
export interface LoadedModel {
  forestBytes: Uint8Array;
  /** Whether the cache was used or the model was retrained (and why). */
  source: 'cache' | 'trained';
  reason?: string;
}

/**
 * Returns the forest bytes for `trainingHash`: from the cache file when it is present and matches, otherwise
 * from `train()` — and then writes the cache atomically (a cache write failure is not fatal: the result is
 * still returned, `reason` says why it was not cached).
 */
export async function loadOrBuildModel(cacheFile: string, trainingHash: string, train: () => Promise<Uint8Array>): Promise<LoadedModel> {
  let reason: string;
  try {
    const decoded = decodeModelCache(new Uint8Array(await fs.readFile(cacheFile)));
    if ('invalid' in decoded) reason = `model cache unusable: ${decoded.invalid}`;
    else if (decoded.trainingHash !== trainingHash) reason = 'model cache is stale (labels, images or settings changed)';
    else return { forestBytes: decoded.forestBytes, source: 'cache' };
  } catch (error) {
    reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no model cache yet' : `model cache unreadable: ${String(error)}`;
  }
  const forestBytes = await train();
  try {
    await writeFileAtomic(cacheFile, encodeModelCache(trainingHash, forestBytes));
  } catch (error) {
    reason += `; could not write the cache: ${error instanceof Error ? error.message : String(error)}`;
  }
  return { forestBytes, source: 'trained', reason };
}
