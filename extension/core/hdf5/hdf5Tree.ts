/**
 * The view of an HDF5 file the engine needs (issue #17: ilastik projects and `.h5` images), independent of
 * the library that reads it: groups with children and attributes, datasets with shape, sample type,
 * attributes, whole reads and hyperslab reads. The Node adaptor (extension/node/hdf5File.ts) implements it
 * with h5wasm; tests can implement it in memory.
 */
import type { DType, PixelArray } from '../image/imageModel';

/** An attribute or string dataset value as read: numbers, strings, typed arrays or arrays of those. */
export type Hdf5Value = number | bigint | boolean | string | PixelArray | BigInt64Array | BigUint64Array | Hdf5Value[] | null;

interface Hdf5Node {
  /** Absolute path inside the file, e.g. `/PixelClassification/LabelSets/labels000`. */
  readonly path: string;
  /** Attribute names. */
  attributeNames(): string[];
  /** An attribute's value, undefined when absent. */
  attribute(name: string): Hdf5Value | undefined;
}

/** A group: named children. */
export interface Hdf5Group extends Hdf5Node {
  readonly kind: 'group';
  /** Child names, in the file's order. */
  keys(): string[];
  /** A child by name or relative path (`a/b`); undefined when absent. */
  get(name: string): Hdf5Group | Hdf5Dataset | undefined;
}

/** A dataset. */
export interface Hdf5Dataset extends Hdf5Node {
  readonly kind: 'dataset';
  /** Extent per dimension (slowest first); `[]` for a scalar. */
  readonly shape: number[];
  /** Chunk extent per dimension for chunked datasets; undefined for contiguous or compact ones. */
  readonly chunks?: readonly number[];
  /** Numeric sample type, or `string` for (fixed or variable length) strings, `other` for the rest. */
  readonly dtype: DType | 'int64' | 'uint64' | 'bool' | 'string' | 'other';
  /** Whole value (numbers as a typed array in row-major order; strings as string or string[]). */
  read(): Hdf5Value;
  /**
   * Reads the hyperslab `[start, stop)` per dimension as a row-major typed array of the numeric dtype.
   * Only the chunks that intersect the box are read.
   */
  readBox(box: readonly (readonly [number, number])[]): PixelArray;
}

/** An open file (a group at `/`). */
export interface Hdf5File extends Hdf5Group {
  /** The file's name or path, for messages. */
  readonly name: string;
  close(): void;
}

/** Decodes an HDF5 string value (bytes or string, maybe an array of one) as UTF-8 text. */
export function hdf5Text(value: Hdf5Value | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array || value instanceof Int8Array) return new TextDecoder().decode(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)).replace(/\0+$/, '');
  if (Array.isArray(value) && value.length === 1) return hdf5Text(value[0]);
  return undefined;
}

/** A dataset's value as a list of strings (one per element). */
export function hdf5TextList(value: Hdf5Value | undefined): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.map((v) => hdf5Text(v) ?? String(v));
  const one = hdf5Text(value);
  return one === undefined ? [] : [one];
}

/** A numeric dataset or attribute as a plain number array. */
export function hdf5Numbers(value: Hdf5Value | undefined): number[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'number' || typeof value === 'boolean') return [Number(value)];
  if (typeof value === 'bigint') return [Number(value)];
  if (typeof value === 'string') return [];
  if (Array.isArray(value)) return value.flatMap((v) => hdf5Numbers(v));
  return Array.from(value as ArrayLike<number | bigint>, (v) => Number(v));
}
