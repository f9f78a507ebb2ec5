/** NumPy `.npy` files (format version 1.0) of float32 arrays, C order: what bioimage.io test tensors are. */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/**
 * Encodes a little-endian float32 array of `shape` (row-major). The header is padded with spaces to a
 * multiple of 64 bytes including the magic and lengths, and ends with a newline, as numpy writes it.
 * @example encodeNpyFloat32(new Float32Array([1, 2]), [1, 2])
 */
export function encodeNpyFloat32(data: Float32Array, shape: number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new RangeError(`npy: shape ${shape.join('×')} needs ${count} values, got ${data.length}`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = MAGIC.length + 2 + 2 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(MAGIC.length + 4 + header.length + 4 * data.length);
  out.set(MAGIC, 0);
  out[6] = 1; // major version
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const view = new DataView(out.buffer, 10 + header.length);
  for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i], true);
  return out;
}
