import { encode } from 'fast-png';

/**
 * Encodes a 2D greyscale image as PNG (fast-png): uint8 → 8-bit, uint16 → 16-bit.
 * `data` is row-major, `width·height` samples.
 * @example encodePng(new Uint8Array([0, 255]), 2, 1)
 */
export function encodePng(data: Uint8Array | Uint16Array, width: number, height: number): Uint8Array {
  if (data.length !== width * height) throw new Error(`PNG data has ${data.length} samples, expected ${width}×${height}`);
  return encode({ width, height, data, depth: data instanceof Uint16Array ? 16 : 8, channels: 1 });
}
