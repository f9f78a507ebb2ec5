import { deflateSync, inflateSync } from 'node:zlib';
import type { ImageCodecs } from '../core/image/tiffSource';

/**
 * zlib inflate for TIFF deflate strips/tiles: native speed, and the output size is capped at what
 * the TIFF declares so a corrupt stream cannot balloon.
 */
export function nodeInflate(data: Uint8Array, expectedLength: number): Uint8Array {
  const out = inflateSync(data, { maxOutputLength: Math.max(1, expectedLength), finishFlush: 2 /* Z_SYNC_FLUSH: tolerate truncated streams */ });
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** zlib deflate (level 6) for the TIFF writer. */
export function nodeDeflate(data: Uint8Array): Uint8Array {
  const out = deflateSync(data, { level: 6 });
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** The codecs node provides to the core decoders. */
export const nodeCodecs: ImageCodecs = { inflate: nodeInflate };
