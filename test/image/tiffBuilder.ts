/**
 * Test-only TIFF builder for the variants our writer never produces: either byte order, BigTIFF,
 * tiles, planar configuration 2, multi-sample, LZW / deflate / PackBits, predictors 2 and 3,
 * sub-byte samples, and arbitrary extra or missing tags (for corrupt files).
 */
import { deflateSync } from 'node:zlib';
import { lzwEncode } from '../../extension/core/image/lzwDecode';
import { packbitsEncode } from '../../extension/core/image/packbitsDecode';

export interface BuildTag {
  tag: number;
  /** TIFF field type: 1 BYTE, 2 ASCII, 3 SHORT, 4 LONG, 5 RATIONAL, 12 DOUBLE, 16 LONG8 */
  type: number;
  values: number[];
}

export interface BuildPage {
  width: number;
  height: number;
  /** bits per sample: 1, 4, 8, 16, 32, 64 */
  bits: number;
  /** 1 uint, 2 int, 3 float */
  sampleFormat?: number;
  samplesPerPixel?: number;
  /** chunky samples: data[(y*width + x)*spp + s] */
  data: ArrayLike<number>;
  planar?: 1 | 2;
  tile?: { width: number; height: number };
  rowsPerStrip?: number;
  compression?: 1 | 5 | 8 | 32773;
  predictor?: 1 | 2 | 3;
  description?: string;
  photometric?: number;
  extraTags?: BuildTag[];
  /** tags to leave out (e.g. 258 to test the BitsPerSample default) */
  omitTags?: number[];
  /** pre-encoded blocks (e.g. JPEG streams) used instead of encoding `data`, with this compression id */
  rawBlocks?: { compression: number; blocks: Uint8Array[] };
}

export interface BuildOptions {
  littleEndian?: boolean;
  bigTiff?: boolean;
}

const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 12: 8, 16: 8 };

/** Encodes one sample value into `out` at `pos` with the given width/format/byte order. */
function putSample(v: DataView, pos: number, value: number, bits: number, format: number, le: boolean): void {
  if (format === 3 && bits !== 16) {
    if (bits === 32) v.setFloat32(pos, value, le);
    else v.setFloat64(pos, value, le);
    return;
  }
  if (bits === 8) v.setUint8(pos, value & 0xff);
  else if (bits === 16) v.setUint16(pos, value & 0xffff, le);
  else if (bits === 32) v.setUint32(pos, value >>> 0, le);
}

/** Bytes of one block (strip/tile): rows × (blockWidth·spp) samples, predictor applied, compressed. */
function encodeBlock(samples: number[], rowSamples: number, rows: number, spp: number, page: BuildPage, le: boolean): Uint8Array {
  const bits = page.bits;
  const format = page.sampleFormat ?? 1;
  const predictor = page.predictor ?? 1;
  let bytes: Uint8Array;
  if (bits < 8) {
    const rowBytes = Math.ceil(rowSamples * bits / 8);
    bytes = new Uint8Array(rowBytes * rows);
    for (let r = 0; r < rows; r++) {
      for (let s = 0; s < rowSamples; s++) {
        const bit = s * bits;
        bytes[r * rowBytes + (bit >> 3)] |= (samples[r * rowSamples + s] & ((1 << bits) - 1)) << (8 - bits - (bit & 7));
      }
    }
  } else {
    const bps = bits / 8;
    let values = samples;
    if (predictor === 2) {
      const mask = bits === 32 ? 2 ** 32 : 2 ** bits;
      values = samples.slice();
      for (let r = 0; r < rows; r++) {
        for (let i = rowSamples - 1; i >= spp; i--) {
          const k = r * rowSamples + i;
          values[k] = (((samples[k] - samples[k - spp]) % mask) + mask) % mask;
        }
      }
    }
    bytes = new Uint8Array(values.length * bps);
    const v = new DataView(bytes.buffer);
    if (predictor === 3) {
      // Big-endian byte planes per row, then byte differencing with stride spp (libtiff fpDiff).
      const tmp = new Uint8Array(bps);
      const tv = new DataView(tmp.buffer);
      for (let r = 0; r < rows; r++) {
        const base = r * rowSamples * bps;
        for (let s = 0; s < rowSamples; s++) {
          putSample(tv, 0, values[r * rowSamples + s], bits, format, false);
          for (let b = 0; b < bps; b++) bytes[base + b * rowSamples + s] = tmp[b];
        }
        for (let i = rowSamples * bps - 1; i >= spp; i--) bytes[base + i] = (bytes[base + i] - bytes[base + i - spp]) & 0xff;
      }
    } else {
      for (let i = 0; i < values.length; i++) putSample(v, i * bps, values[i], bits, format, le);
    }
  }
  switch (page.compression ?? 1) {
    case 5: return lzwEncode(bytes);
    case 8: return new Uint8Array(deflateSync(bytes));
    case 32773: return packbitsEncode(bytes);
    default: return bytes;
  }
}

/** Builds a TIFF file from pages. Layout: header, then per page its blocks and its IFD. */
export function buildTiff(pages: BuildPage[], options: BuildOptions = {}): Uint8Array {
  const le = options.littleEndian ?? true;
  const big = options.bigTiff ?? false;
  const parts: Uint8Array[] = [];
  let pos = big ? 16 : 8;
  const header = new Uint8Array(pos);
  const hv = new DataView(header.buffer);
  hv.setUint16(0, le ? 0x4949 : 0x4d4d);
  hv.setUint16(2, big ? 43 : 42, le);
  if (big) hv.setUint16(4, 8, le);
  parts.push(header);
  let prevNextField = big ? 8 : 4;
  const patches: { at: number; value: number }[] = [];
  const append = (b: Uint8Array): number => {
    const at = pos;
    parts.push(b);
    pos += b.length;
    if (pos & 1) { parts.push(new Uint8Array(1)); pos++; }
    return at;
  };
  for (const page of pages) {
    const spp = page.samplesPerPixel ?? 1;
    const planar = page.planar ?? 1;
    const tiled = Boolean(page.tile);
    const bw = page.tile ? page.tile.width : page.width;
    const bh = page.tile ? page.tile.height : Math.min(page.height, page.rowsPerStrip ?? page.height);
    const across = Math.ceil(page.width / bw);
    const down = Math.ceil(page.height / bh);
    const groups = planar === 2 ? spp : 1;
    const sppIn = planar === 2 ? 1 : spp;
    const offsets: number[] = [];
    const counts: number[] = [];
    for (let g = 0; g < groups; g++) {
      for (let r = 0; r < down; r++) {
        for (let c = 0; c < across; c++) {
          const rows = tiled ? bh : Math.min(bh, page.height - r * bh);
          const samples: number[] = [];
          for (let y = 0; y < rows; y++) {
            for (let x = 0; x < bw; x++) {
              for (let s = 0; s < sppIn; s++) {
                const yy = r * bh + y;
                const xx = c * bw + x;
                const sample = planar === 2 ? g : s;
                samples.push(yy < page.height && xx < page.width ? page.data[(yy * page.width + xx) * spp + sample] : 0);
              }
            }
          }
          const block = page.rawBlocks ? page.rawBlocks.blocks[offsets.length] : encodeBlock(samples, bw * sppIn, rows, sppIn, page, le);
          offsets.push(append(block));
          counts.push(block.length);
        }
      }
    }
    const tags: BuildTag[] = [
      { tag: 256, type: 4, values: [page.width] },
      { tag: 257, type: 4, values: [page.height] },
      { tag: 258, type: 3, values: new Array(spp).fill(page.bits) },
      { tag: 259, type: 3, values: [page.rawBlocks?.compression ?? page.compression ?? 1] },
      { tag: 262, type: 3, values: [page.photometric ?? (spp >= 3 ? 2 : 1)] },
      { tag: 277, type: 3, values: [spp] },
      { tag: 284, type: 3, values: [planar] },
      { tag: 339, type: 3, values: new Array(spp).fill(page.sampleFormat ?? 1) },
    ];
    if (page.predictor && page.predictor !== 1) tags.push({ tag: 317, type: 3, values: [page.predictor] });
    if (tiled) {
      tags.push({ tag: 322, type: 4, values: [bw] }, { tag: 323, type: 4, values: [bh] });
      tags.push({ tag: 324, type: big ? 16 : 4, values: offsets }, { tag: 325, type: big ? 16 : 4, values: counts });
    } else {
      tags.push({ tag: 278, type: 4, values: [bh] });
      tags.push({ tag: 273, type: big ? 16 : 4, values: offsets }, { tag: 279, type: big ? 16 : 4, values: counts });
    }
    if (page.description !== undefined) {
      tags.push({ tag: 270, type: 2, values: [...Array.from(page.description, (ch) => ch.charCodeAt(0)), 0] });
    }
    const entries = tags.filter((t) => !(page.omitTags ?? []).includes(t.tag));
    entries.push(...(page.extraTags ?? []));
    entries.sort((a, b) => a.tag - b.tag);
    const ifdAt = writeIfd(entries, le, big, append, patches, () => pos);
    patches.push({ at: prevNextField, value: ifdAt.offset });
    prevNextField = ifdAt.nextField;
  }
  const out = new Uint8Array(pos);
  let p = 0;
  for (const part of parts) { out.set(part, p); p += part.length; }
  const ov = new DataView(out.buffer);
  for (const { at, value } of patches) {
    if (big) { ov.setUint32(at + (le ? 0 : 4), value % 2 ** 32, le); ov.setUint32(at + (le ? 4 : 0), Math.floor(value / 2 ** 32), le); } else ov.setUint32(at, value, le);
  }
  return out;
}

function writeIfd(
  entries: BuildTag[], le: boolean, big: boolean, append: (b: Uint8Array) => number,
  _patches: unknown, currentPos: () => number,
): { offset: number; nextField: number } {
  const entrySize = big ? 20 : 12;
  const countSize = big ? 8 : 2;
  const offSize = big ? 8 : 4;
  const start = currentPos();
  const head = countSize + entries.length * entrySize + offSize;
  let extra = 0;
  const extraAt: number[] = [];
  for (const e of entries) {
    const n = e.type === 5 ? e.values.length / 2 : e.values.length;
    const size = n * TYPE_SIZE[e.type];
    if (size > offSize) { extraAt.push(extra); extra += size + (size & 1); } else extraAt.push(-1);
  }
  const buf = new Uint8Array(head + extra);
  const v = new DataView(buf.buffer);
  const put = (type: number, at: number, value: number): void => {
    switch (type) {
      case 1: case 2: case 7: v.setUint8(at, value); break;
      case 3: v.setUint16(at, value, le); break;
      case 4: v.setUint32(at, value, le); break;
      case 12: v.setFloat64(at, value, le); break;
      case 16:
        v.setUint32(at + (le ? 0 : 4), value % 2 ** 32, le);
        v.setUint32(at + (le ? 4 : 0), Math.floor(value / 2 ** 32), le);
        break;
    }
  };
  if (big) put(16, 0, entries.length); else put(3, 0, entries.length);
  entries.forEach((e, i) => {
    const p = countSize + i * entrySize;
    const n = e.type === 5 ? e.values.length / 2 : e.values.length;
    put(3, p, e.tag);
    put(3, p + 2, e.type);
    if (big) put(16, p + 4, n); else put(4, p + 4, n);
    let at = p + (big ? 12 : 8);
    if (extraAt[i] >= 0) {
      if (big) put(16, at, start + head + extraAt[i]); else put(4, at, start + head + extraAt[i]);
      at = head + extraAt[i];
    }
    const t = e.type === 5 ? 4 : e.type;
    const size = e.type === 5 ? 4 : TYPE_SIZE[e.type];
    e.values.forEach((value, k) => put(t, at + k * size, value));
  });
  const offset = append(buf);
  return { offset, nextField: offset + countSize + entries.length * entrySize };
}
