/**
 * Reads the small text an export carries inside its own file (issue 19): a TIFF tag of the first IFD
 * (e.g. {@link PROVENANCE_TAG}) or PNG tEXt chunks, touching only the header, the first IFD or the chunk headers,
 * never the pixel data. Unreadable or foreign files give `undefined` rather than an error: the caller only asks
 * "is this one of our exports, and of what?".
 */
import type { ByteSource } from './byteSource';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** What {@link readPngTextChunks} finds. */
export interface PngTextChunks {
  /** tEXt keyword → text (Latin-1). */
  text: Record<string, string>;
  /** CRC of each IDAT chunk, in order (they cover the compressed pixels). */
  idatCrcs: number[];
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

/** Whether the source starts with the PNG signature. */
export async function isPng(source: ByteSource): Promise<boolean> {
  const head = await source.read(0, 8);
  return head.length === 8 && PNG_SIGNATURE.every((b, i) => head[i] === b);
}

/** Whether the source starts with a TIFF header ("II*\0", "MM\0*", BigTIFF 43). */
export async function isTiff(source: ByteSource): Promise<boolean> {
  const head = await source.read(0, 4);
  if (head.length < 4) return false;
  return (head[0] === 0x49 && head[1] === 0x49 && (head[2] === 42 || head[2] === 43) && head[3] === 0)
    || (head[0] === 0x4d && head[1] === 0x4d && head[2] === 0 && (head[3] === 42 || head[3] === 43));
}

/**
 * tEXt chunks and IDAT CRCs of a PNG (chunk headers only; a tEXt chunk's body is read, IDAT bodies are not).
 * @returns undefined when the source is not a well-formed PNG up to IEND
 */
export async function readPngTextChunks(source: ByteSource): Promise<PngTextChunks | undefined> {
  if (!(await isPng(source))) return undefined;
  const result: PngTextChunks = { text: {}, idatCrcs: [] };
  let p = 8;
  for (let guard = 0; guard < 1_000_000; guard++) {
    const header = await source.read(p, 8);
    if (header.length < 8) return undefined;
    const view = new DataView(header.buffer, header.byteOffset, 8);
    const length = view.getUint32(0);
    const type = latin1(header.subarray(4, 8));
    if (p + 12 + length > source.size) return undefined;
    if (type === 'tEXt' && length <= 16 << 20) {
      const body = latin1(await source.read(p + 8, length));
      const nul = body.indexOf('\0');
      if (nul > 0) result.text[body.slice(0, nul)] = body.slice(nul + 1);
    } else if (type === 'IDAT') {
      const crc = await source.read(p + 8 + length, 4);
      result.idatCrcs.push(new DataView(crc.buffer, crc.byteOffset, 4).getUint32(0));
    } else if (type === 'IEND') {
      return result;
    }
    p += 12 + length;
  }
  return undefined;
}

/**
 * The text of an ASCII (or BYTE/UNDEFINED) tag of a TIFF's first IFD, without its trailing NULs.
 * @returns undefined when the file is not a TIFF, the tag is absent or does not fit in the file
 */
export async function readTiffTextTag(source: ByteSource, tag: number): Promise<string | undefined> {
  if (!(await isTiff(source))) return undefined;
  const head = await source.read(0, 16);
  const little = head[0] === 0x49;
  const hv = new DataView(head.buffer, head.byteOffset, head.length);
  const big = hv.getUint16(2, little) === 43;
  if (big && head.length < 16) return undefined;
  const u64 = (v: DataView, at: number): number => v.getUint32(at + (little ? 0 : 4), little) + v.getUint32(at + (little ? 4 : 0), little) * 2 ** 32;
  const ifd = big ? u64(hv, 8) : hv.getUint32(4, little);
  if (ifd < 8 || ifd >= source.size) return undefined;
  const countBytes = await source.read(ifd, big ? 8 : 2);
  if (countBytes.length < (big ? 8 : 2)) return undefined;
  const cv = new DataView(countBytes.buffer, countBytes.byteOffset, countBytes.length);
  const count = big ? u64(cv, 0) : cv.getUint16(0, little);
  const entrySize = big ? 20 : 12;
  if (count > 10_000) return undefined;
  const entries = await source.read(ifd + (big ? 8 : 2), count * entrySize);
  if (entries.length < count * entrySize) return undefined;
  const ev = new DataView(entries.buffer, entries.byteOffset, entries.length);
  for (let i = 0; i < count; i++) {
    const at = i * entrySize;
    if (ev.getUint16(at, little) !== tag) continue;
    const type = ev.getUint16(at + 2, little);
    if (type !== 1 && type !== 2 && type !== 7) return undefined;
    const n = big ? u64(ev, at + 4) : ev.getUint32(at + 4, little);
    const inline = big ? 8 : 4;
    let bytes: Uint8Array;
    if (n <= inline) bytes = entries.subarray(at + (big ? 12 : 8), at + (big ? 12 : 8) + n);
    else {
      const offset = big ? u64(ev, at + 12) : ev.getUint32(at + 8, little);
      if (offset + n > source.size || n > 16 << 20) return undefined;
      bytes = await source.read(offset, n);
      if (bytes.length < n) return undefined;
    }
    return latin1(bytes).replace(/\0+$/, '');
  }
  return undefined;
}
