import { BYTES_PER_SAMPLE, type DType, type PixelArray } from './imageModel';

/** Allocates a zeroed typed array of `length` samples of `dtype`. */
export function allocatePixels(dtype: DType, length: number): PixelArray {
  switch (dtype) {
    case 'uint8': return new Uint8Array(length);
    case 'int8': return new Int8Array(length);
    case 'uint16': return new Uint16Array(length);
    case 'int16': return new Int16Array(length);
    case 'uint32': return new Uint32Array(length);
    case 'int32': return new Int32Array(length);
    case 'float32': return new Float32Array(length);
    case 'float64': return new Float64Array(length);
  }
}

/** The {@link DType} of a typed array. */
export function dtypeOf(array: PixelArray): DType {
  if (array instanceof Uint8Array) return 'uint8';
  if (array instanceof Int8Array) return 'int8';
  if (array instanceof Uint16Array) return 'uint16';
  if (array instanceof Int16Array) return 'int16';
  if (array instanceof Uint32Array) return 'uint32';
  if (array instanceof Int32Array) return 'int32';
  if (array instanceof Float32Array) return 'float32';
  return 'float64';
}

/** A typed array of `dtype` viewing `bytes` (which must be aligned to the sample size). */
export function viewPixels(dtype: DType, bytes: Uint8Array): PixelArray {
  const n = Math.floor(bytes.length / BYTES_PER_SAMPLE[dtype]);
  const { buffer, byteOffset } = bytes;
  switch (dtype) {
    case 'uint8': return bytes;
    case 'int8': return new Int8Array(buffer, byteOffset, n);
    case 'uint16': return new Uint16Array(buffer, byteOffset, n);
    case 'int16': return new Int16Array(buffer, byteOffset, n);
    case 'uint32': return new Uint32Array(buffer, byteOffset, n);
    case 'int32': return new Int32Array(buffer, byteOffset, n);
    case 'float32': return new Float32Array(buffer, byteOffset, n);
    case 'float64': return new Float64Array(buffer, byteOffset, n);
  }
}

/** The bytes of a typed array (a view, no copy). */
export function pixelBytes(array: PixelArray): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/**
 * Converts samples to float32 (raw values, no scaling) into `target` when it is given and long
 * enough, else into a new array.
 */
export function toFloat32(source: PixelArray, target?: Float32Array): Float32Array {
  const out = target && target.length >= source.length ? target : new Float32Array(source.length);
  if (source instanceof Float32Array && source === out) return out;
  out.set(source);
  return out;
}
