import { encode } from 'fast-png';
import { crc32 } from '../crc32';

/**
 * Encodes a 2D greyscale image as PNG (fast-png): uint8 → 8-bit, uint16 → 16-bit.
 * `data` is row-major, `width·height` samples. `text` entries become tEXt chunks placed right after IHDR
 * (before the image data, so a reader finds them without reading the pixels); keywords are 1–79 Latin-1
 * characters, texts Latin-1 (use ASCII JSON).
 * @example encodePng(new Uint8Array([0, 255]), 2, 1)
 */
export function encodePng(data: Uint8Array | Uint16Array, width: number, height: number, text: Record<string, string> = {}): Uint8Array {
  if (data.length !== width * height) throw new Error(`PNG data has ${data.length} samples, expected ${width}×${height}`);
  return insertPngText(encode({ width, height, data, depth: data instanceof Uint16Array ? 16 : 8, channels: 1 }), text);
}

/** `png` with tEXt chunks for `text` inserted right after its IHDR chunk. */
export function insertPngText(png: Uint8Array, text: Record<string, string>): Uint8Array {
  const chunks = Object.entries(text).map(([keyword, value]) => textChunk(keyword, value));
  if (chunks.length === 0) return png;
  // Signature (8) + IHDR (4 length + 4 type + 13 data + 4 CRC) = 33 bytes.
  const afterIhdr = 33;
  const out = new Uint8Array(png.length + chunks.reduce((n, c) => n + c.length, 0));
  out.set(png.subarray(0, afterIhdr), 0);
  let p = afterIhdr;
  for (const chunk of chunks) { out.set(chunk, p); p += chunk.length; }
  out.set(png.subarray(afterIhdr), p);
  return out;
}

/** A complete tEXt chunk (length, type, keyword NUL text, CRC). */
function textChunk(keyword: string, value: string): Uint8Array {
  if (!/^[\x20-\x7e\xa1-\xff]{1,79}$/.test(keyword) || keyword !== keyword.trim()) throw new Error(`invalid PNG text keyword "${keyword}"`);
  if (/[^\x0a\x20-\x7e\xa1-\xff]/.test(value)) throw new Error(`PNG text of "${keyword}" is not Latin-1`);
  const length = keyword.length + 1 + value.length;
  const chunk = new Uint8Array(12 + length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, length);
  const body = `tEXt${keyword}\0${value}`;
  for (let i = 0; i < body.length; i++) chunk[4 + i] = body.charCodeAt(i);
  view.setUint32(8 + length, crc32(chunk.subarray(4, 8 + length)));
  return chunk;
}

