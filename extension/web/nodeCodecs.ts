/**
 * The browser's deflate codecs (counterpart of extension/node/nodeCodecs.ts, which the browser bundle resolves to
 * this module — issue #20): fflate instead of node:zlib. Inflating gives the same bytes (deflate decoding is
 * exact); deflated output may differ in its compressed bytes but decodes to the same samples.
 */
import { unzlibSync, zlibSync } from 'fflate';
import type { ImageCodecs } from '../core/image/tiffSource';

/** zlib inflate of a TIFF deflate strip/tile, capped at the size the TIFF declares. */
export function nodeInflate(data: Uint8Array, expectedLength: number): Uint8Array {
  const out = unzlibSync(data);
  return out.length > expectedLength ? out.subarray(0, Math.max(1, expectedLength)) : out;
}

/** zlib deflate (level 6) for the TIFF writer. */
export function nodeDeflate(data: Uint8Array): Uint8Array {
  return zlibSync(data, { level: 6 });
}

/** The codecs the browser provides to the core decoders. */
export const nodeCodecs: ImageCodecs = { inflate: nodeInflate };
