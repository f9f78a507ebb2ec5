import type { ByteSource } from './byteSource';

/** What the header and the chain of IFDs tell before any tag is decoded. */
export interface TiffStructure {
  littleEndian: boolean;
  bigTiff: boolean;
  /** Every IFD of the main chain, in file order. */
  ifds: IfdSummary[];
}

/** One IFD of the main chain, with the few scalar tags needed to pick image pages. */
export interface IfdSummary {
  offset: number;
  /** Tag id → first value, for inline scalar tags only (e.g. 254, 256, 257, 277). */
  scalars: Map<number, number>;
  /** Offsets of the IFD's SubIFDs (tag 330: OME-TIFF pyramid levels), when it has any. */
  subIfds?: number[];
}

/** More SubIFDs than this in one IFD is treated as corruption. */
const MAX_SUB_IFDS = 64;
/** TIFF tag SubIFDs. */
const SUB_IFDS_TAG = 330;

/** Size in bytes of each TIFF field type (1..18); 0 = unknown. */
export const FIELD_TYPE_SIZE = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4, 0, 0, 8, 8, 8];

/** More IFDs than this is treated as corruption rather than a real file. */
const MAX_IFDS = 1_000_000;
/** More entries than this in one IFD is treated as corruption. */
const MAX_ENTRIES = 10_000;

/**
 * Reads the TIFF header and walks the IFD chain, validating each IFD before geotiff parses it:
 * the IFD and every out-of-line tag value must lie inside the file, the chain must not loop.
 * Throws a plain Error with the reason; the caller adds the file name.
 */
export async function walkTiffIfds(source: ByteSource): Promise<TiffStructure> {
  const size = source.size;
  const header = await source.read(0, 16);
  if (header.length < 8) throw new Error(`file is too short for a TIFF header (${size} bytes)`);
  const bom = (header[0] << 8) | header[1];
  if (bom !== 0x4949 && bom !== 0x4d4d) throw new Error('not a TIFF file (bad byte-order mark)');
  const littleEndian = bom === 0x4949;
  const hv = new DataView(header.buffer, header.byteOffset, header.length);
  const magic = hv.getUint16(2, littleEndian);
  let bigTiff: boolean;
  let first: number;
  if (magic === 42) {
    bigTiff = false;
    first = hv.getUint32(4, littleEndian);
  } else if (magic === 43) {
    if (header.length < 16) throw new Error('file is too short for a BigTIFF header');
    if (hv.getUint16(4, littleEndian) !== 8) throw new Error('unsupported BigTIFF offset size');
    bigTiff = true;
    first = readUint64(hv, 8, littleEndian);
  } else {
    throw new Error(`not a TIFF file (magic number ${magic})`);
  }
  const ifds: IfdSummary[] = [];
  const seen = new Set<number>();
  let offset = first;
  if (offset === 0) throw new Error('the file contains no image (first IFD offset is 0)');
  while (offset !== 0) {
    const page = ifds.length;
    if (seen.has(offset)) throw new Error(`IFD chain loops back to offset ${offset} after page ${page - 1}`);
    if (ifds.length >= MAX_IFDS) throw new Error(`more than ${MAX_IFDS} IFDs`);
    seen.add(offset);
    const { summary, next } = await readIfd(source, offset, `IFD ${page}`, littleEndian, bigTiff);
    ifds.push(summary);
    offset = next;
  }
  return { littleEndian, bigTiff, ifds };
}

function readUint64(v: DataView, pos: number, littleEndian: boolean): number {
  const lo = v.getUint32(pos + (littleEndian ? 0 : 4), littleEndian);
  const hi = v.getUint32(pos + (littleEndian ? 4 : 0), littleEndian);
  const value = hi * 2 ** 32 + lo;
  if (!Number.isSafeInteger(value)) throw new Error(`64-bit offset ${value} is beyond 2^53`);
  return value;
}

/**
 * Reads and validates one IFD (the IFD and every out-of-line tag value inside the file) without following the
 * chain: for SubIFDs, whose own "next" pointers are not pages of the main chain.
 * @param label names the IFD in errors, e.g. "IFD 3" or "SubIFD 1 of IFD 0"
 */
export async function readIfd(source: ByteSource, offset: number, label: string, littleEndian: boolean, bigTiff: boolean): Promise<{ summary: IfdSummary; next: number }> {
  const size = source.size;
  const entrySize = bigTiff ? 20 : 12;
  const countSize = bigTiff ? 8 : 2;
  const offsetSize = bigTiff ? 8 : 4;
  if (offset < 8 || offset + countSize > size) {
    throw new Error(`${label} at offset ${offset} lies outside the file (${size} bytes); the file is truncated or corrupt`);
  }
  const countBytes = await source.read(offset, countSize);
  const cv = new DataView(countBytes.buffer, countBytes.byteOffset, countBytes.length);
  const n = bigTiff ? readUint64(cv, 0, littleEndian) : cv.getUint16(0, littleEndian);
  if (n === 0 || n > MAX_ENTRIES) throw new Error(`${label} at offset ${offset} has an implausible entry count ${n}`);
  const ifdBytes = countSize + n * entrySize + offsetSize;
  if (offset + ifdBytes > size) {
    throw new Error(`${label} at offset ${offset} extends past the end of the file (${size} bytes); the file is truncated`);
  }
  const bytes = await source.read(offset, ifdBytes);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const scalars = new Map<number, number>();
  let subIfds: number[] | undefined;
  for (let e = 0; e < n; e++) {
    const p = countSize + e * entrySize;
    const tag = v.getUint16(p, littleEndian);
    const type = v.getUint16(p + 2, littleEndian);
    const count = bigTiff ? readUint64(v, p + 4, littleEndian) : v.getUint32(p + 4, littleEndian);
    const typeSize = FIELD_TYPE_SIZE[type] ?? 0;
    if (typeSize === 0) throw new Error(`${label}: tag ${tag} has unknown field type ${type}`);
    const byteCount = typeSize * count;
    const valuePos = p + (bigTiff ? 12 : 8);
    let valueOffset = -1;
    if (byteCount > offsetSize) {
      valueOffset = bigTiff ? readUint64(v, valuePos, littleEndian) : v.getUint32(valuePos, littleEndian);
      if (valueOffset + byteCount > size) {
        throw new Error(`${label}: tag ${tag} points to ${byteCount} bytes at offset ${valueOffset}, past the end of the file (${size} bytes)`);
      }
    } else if (count >= 1) {
      if (type === 3 || type === 8) scalars.set(tag, v.getUint16(valuePos, littleEndian));
      else if (type === 4 || type === 9 || type === 13) scalars.set(tag, v.getUint32(valuePos, littleEndian));
      else if (type === 16 || type === 18) scalars.set(tag, readUint64(v, valuePos, littleEndian));
      else if (type === 1 || type === 7) scalars.set(tag, v.getUint8(valuePos));
    }
    if (tag === SUB_IFDS_TAG && count >= 1) {
      if (![4, 13, 16, 18].includes(type)) throw new Error(`${label}: SubIFDs tag has field type ${type}, not an offset type`);
      if (count > MAX_SUB_IFDS) throw new Error(`${label}: ${count} SubIFDs is implausible`);
      const values = valueOffset < 0 ? bytes.subarray(valuePos, valuePos + byteCount) : await source.read(valueOffset, byteCount);
      const vv = new DataView(values.buffer, values.byteOffset, values.length);
      subIfds = [];
      for (let i = 0; i < count; i++) subIfds.push(typeSize === 8 ? readUint64(vv, i * 8, littleEndian) : vv.getUint32(i * 4, littleEndian));
    }
  }
  const nextPos = countSize + n * entrySize;
  const next = bigTiff ? readUint64(v, nextPos, littleEndian) : v.getUint32(nextPos, littleEndian);
  return { summary: { offset, scalars, ...(subIfds ? { subIfds } : {}) }, next };
}
