/**
 * TIFF writer that Fiji/ImageJ, tifffile, napari and our reader all read (see
 * shared/reference/image-io.md): little-endian, strips, one page per (t, z, c) plane in ImageJ
 * hyperstack order (c fastest, then z, then t), the ImageJ description in IFD 0 (ASCII only),
 * channel names as ImageJ slice labels (IJMetadata "labl"), pixel data contiguous with the IFDs at the
 * end (the layout ImageJ writes), deflate *without* predictor, classic
 * TIFF below 4 GiB and BigTIFF above (or when asked).
 *
 * {@link TiffStreamEncoder} is pure: it turns pixels into `(position, bytes)` chunks, so the node
 * writer (extension/node/tiffFileWriter.ts) can stream them to a file band by band, and
 * {@link encodeTiff} can assemble them in memory.
 */
import { BYTES_PER_SAMPLE, type DType, type PixelArray } from './imageModel';
import { dtypeOf, pixelBytes } from './pixelArrays';

/** Options of {@link encodeTiff} and {@link TiffStreamEncoder}. */
export interface TiffWriteOptions {
  /** Columns. */
  width: number;
  /** Rows. */
  height: number;
  dtype: DType;
  /** Axes of the data, informational (pages are always written t-major, then z, then c). */
  axes?: string;
  /** Sizes of T, Z, C; pages = t·z·c. @default {t:1, z:1, c:1} */
  shape?: { t: number; z: number; c: number };
  /** One name per channel; written as ImageJ slice labels (Fiji shows them per channel). */
  channelNames?: string[];
  /** @default 'none'. 'deflate' needs {@link deflate} (no predictor: ImageJ ignores it for deflate). */
  compression?: 'none' | 'deflate';
  /** zlib deflate, e.g. node:zlib deflateSync (core has no zlib). */
  deflate?: (data: Uint8Array) => Uint8Array;
  /** true = always BigTIFF, false = never, 'auto' = when the file could exceed 4 GiB. @default 'auto' */
  bigTiff?: boolean | 'auto';
  /** ImageDescription of page 0 instead of the ImageJ one (ASCII). */
  description?: string;
  /**
   * Provenance text (ASCII, e.g. JSON) for the private tag {@link PROVENANCE_TAG} of page 0. A tag of its own, so
   * the ImageJ description that gives Fiji and tifffile the hyperstack axes stays as ImageJ writes it, and
   * programs that rewrite the file drop it (an edited output no longer claims to be our export).
   */
  provenance?: string;
  /** Pixel size in `unit`s per pixel (x, y) and z spacing; written as TIFF resolution + ImageJ unit/spacing. */
  resolution?: { x: number; y: number; z?: number; unit?: string };
  /** Rows per strip. @default as many rows as fit in 256 KiB (at least 1) */
  rowsPerStrip?: number;
}

/** A piece of the file: `bytes` go at byte `position` (uncompressed pixels are a view of the caller's array: write them before changing it). */
export interface TiffChunk {
  position: number;
  bytes: Uint8Array;
}

/**
 * Private TIFF tag holding an export's provenance (ASCII JSON) in page 0. In the reusable private range
 * (65000–65535) and unknown to tifffile's tag registry (which names only 65200 there).
 */
export const PROVENANCE_TAG = 65400;

/** ASCII bytes of a string, NUL-terminated (TIFF ASCII). */
function asciiBytes(text: string): Uint8Array {
  const ascii = new Uint8Array(text.length + 1);
  for (let i = 0; i < text.length; i++) ascii[i] = text.charCodeAt(i);
  return ascii;
}

const SAMPLE_FORMAT: Record<DType, number> = {
  uint8: 1, uint16: 1, uint32: 1, int8: 2, int16: 2, int32: 2, float32: 3, float64: 3,
};

/** The ImageJ hyperstack description (ASCII) for a TZC stack. */
export function imageJDescription(shape: { t: number; z: number; c: number }, resolution?: TiffWriteOptions['resolution']): string {
  const images = shape.t * shape.z * shape.c;
  const lines = ['ImageJ=1.11a'];
  if (images > 1) lines.push(`images=${images}`);
  if (shape.c > 1) lines.push(`channels=${shape.c}`);
  if (shape.z > 1) lines.push(`slices=${shape.z}`);
  if (shape.t > 1) lines.push(`frames=${shape.t}`);
  if (images > 1) lines.push('hyperstack=true');
  if (shape.c > 1) lines.push('mode=composite');
  if (resolution) {
    lines.push(`unit=${asciiOnly(resolution.unit === 'µm' || resolution.unit === undefined ? 'micron' : resolution.unit)}`);
    if (resolution.z !== undefined) lines.push(`spacing=${resolution.z}`);
  }
  if (images > 1) lines.push('loop=false');
  return `${lines.join('\n')}\n`;
}

function asciiOnly(text: string): string {
  return text.replace(/µ/g, 'u').replace(/[^\x20-\x7e\n\r\t]/g, '?');
}

/** IJMetadata tags (50838 byte counts, 50839 data, little-endian) holding one slice label per page. */
export function imageJLabelTags(labels: string[]): { counts: number[]; data: Uint8Array } {
  const header = new Uint8Array(12);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, 0x494a494a, true); // "IJIJ" read in file byte order
  hv.setUint32(4, 0x6c61626c, true); // "labl"
  hv.setUint32(8, labels.length, true);
  const bodies = labels.map((label) => {
    const out = new Uint8Array(label.length * 2);
    const v = new DataView(out.buffer);
    for (let i = 0; i < label.length; i++) v.setUint16(i * 2, label.charCodeAt(i), true);
    return out;
  });
  const total = header.length + bodies.reduce((s, b) => s + b.length, 0);
  const data = new Uint8Array(total);
  data.set(header, 0);
  let p = header.length;
  for (const b of bodies) { data.set(b, p); p += b.length; }
  return { counts: [header.length, ...bodies.map((b) => b.length)], data };
}

interface IfdEntry {
  tag: number;
  type: number;
  /** numbers for numeric types; bytes for BYTE/ASCII/UNDEFINED */
  values: number[] | Uint8Array;
}

const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 16: 8 };

/** Serialises an IFD (entries sorted by tag) at `position`; returns its bytes and where its next-IFD field is. */
function serializeIfd(entries: IfdEntry[], position: number, bigTiff: boolean): { bytes: Uint8Array; nextFieldPosition: number } {
  entries.sort((a, b) => a.tag - b.tag);
  const entrySize = bigTiff ? 20 : 12;
  const countSize = bigTiff ? 8 : 2;
  const offsetSize = bigTiff ? 8 : 4;
  const headLength = countSize + entries.length * entrySize + offsetSize;
  let extra = 0;
  const extraOffsets: number[] = [];
  for (const e of entries) {
    const n = e.type === 5 ? e.values.length / 2 : e.values.length;
    const bytes = n * TYPE_SIZE[e.type];
    if (bytes > offsetSize) {
      extraOffsets.push(extra);
      extra += bytes + (bytes & 1);
    } else {
      extraOffsets.push(-1);
    }
  }
  const out = new Uint8Array(headLength + extra);
  const v = new DataView(out.buffer);
  const put = (type: number, at: number, value: number): void => {
    switch (type) {
      case 1: case 2: case 7: v.setUint8(at, value); break;
      case 3: v.setUint16(at, value, true); break;
      case 4: v.setUint32(at, value, true); break;
      case 16: v.setUint32(at, value % 2 ** 32, true); v.setUint32(at + 4, Math.floor(value / 2 ** 32), true); break;
    }
  };
  if (bigTiff) put(16, 0, entries.length); else put(3, 0, entries.length);
  entries.forEach((e, i) => {
    const p = countSize + i * entrySize;
    const n = e.type === 5 ? e.values.length / 2 : e.values.length;
    put(3, p, e.tag);
    put(3, p + 2, e.type);
    if (bigTiff) put(16, p + 4, n); else put(4, p + 4, n);
    const valuePos = p + (bigTiff ? 12 : 8);
    let at = valuePos;
    if (extraOffsets[i] >= 0) {
      const where = headLength + extraOffsets[i];
      if (bigTiff) put(16, valuePos, position + where); else put(4, valuePos, position + where);
      at = where;
    }
    const size = e.type === 5 ? 4 : TYPE_SIZE[e.type];
    const valueType = e.type === 5 ? 4 : e.type;
    for (let k = 0; k < e.values.length; k++) put(valueType, at + k * size, e.values[k]);
  });
  return { bytes: out, nextFieldPosition: position + countSize + entries.length * entrySize };
}

/** Best rational approximation p/q (q ≤ 1e6) for TIFF RATIONAL tags. */
function toRational(value: number): [number, number] {
  if (!(value > 0) || !Number.isFinite(value)) return [1, 1];
  let q = 1;
  while (q < 1_000_000 && Math.abs(Math.round(value * q) - value * q) > 1e-9 * q) q *= 10;
  const p = Math.round(value * q);
  return p > 0xffffffff ? [0xffffffff, Math.max(1, Math.round(0xffffffff / value))] : [p, q];
}

/**
 * Streaming TIFF encoder. Pages go in order `index = (t·Z + z)·C + c`; within a page, rows go in
 * order, in bands of any height ({@link writeRows}). Each call returns the chunks to write; pixel
 * data is written contiguously and {@link finish} appends all IFDs (a few hundred bytes per page).
 */
export class TiffStreamEncoder {
  readonly bigTiff: boolean;
  readonly pageCount: number;
  private readonly rowBytes: number;
  private readonly rowsPerStrip: number;
  private readonly strip: Uint8Array;
  private stripRows = 0;
  private page = 0;
  private rowsDone = 0;
  private position: number;
  private offsets: number[] = [];
  private counts: number[] = [];
  private readonly pages: { offsets: number[]; counts: number[] }[] = [];
  private finished = false;

  constructor(readonly options: TiffWriteOptions) {
    const { width, height, dtype } = options;
    const shape = options.shape ?? { t: 1, z: 1, c: 1 };
    if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
      throw new Error(`invalid TIFF size ${width}×${height}`);
    }
    if (options.compression === 'deflate' && !options.deflate) throw new Error('deflate compression needs a deflate codec');
    this.pageCount = shape.t * shape.z * shape.c;
    if (!(this.pageCount >= 1)) throw new Error('invalid TIFF shape');
    this.rowBytes = width * BYTES_PER_SAMPLE[dtype];
    this.rowsPerStrip = Math.max(1, Math.min(height, options.rowsPerStrip ?? Math.floor(262144 / this.rowBytes)));
    this.strip = new Uint8Array(this.rowsPerStrip * this.rowBytes);
    const rawBytes = this.pageCount * height * this.rowBytes;
    const bigTiff = options.bigTiff ?? 'auto';
    // Deflate can exceed the raw size slightly; leave a generous margin for IFDs and worst cases.
    this.bigTiff = bigTiff === 'auto' ? rawBytes * 1.01 + this.pageCount * 4096 + 2 ** 20 > 2 ** 32 - 1 : bigTiff;
    this.position = this.bigTiff ? 16 : 8;
  }

  /** The file header (first IFD offset is patched later). */
  header(): TiffChunk[] {
    const h = new Uint8Array(this.bigTiff ? 16 : 8);
    const v = new DataView(h.buffer);
    v.setUint16(0, 0x4949);
    v.setUint16(2, this.bigTiff ? 43 : 42, true);
    if (this.bigTiff) v.setUint16(4, 8, true);
    return [{ position: 0, bytes: h }];
  }

  /**
   * Appends rows `y0 … y0 + rows − 1` of page `pageIndex` (`data` holds `rows·width` samples of the
   * writer's dtype). Pages and rows must come in order.
   */
  writeRows(pageIndex: number, y0: number, data: PixelArray): TiffChunk[] {
    if (this.finished) throw new Error('TIFF writer already finished');
    if (dtypeOf(data) !== this.options.dtype) throw new Error(`expected ${this.options.dtype} samples, got ${dtypeOf(data)}`);
    if (pageIndex !== this.page || y0 !== this.rowsDone) {
      throw new Error(`rows must be written in order: expected page ${this.page} row ${this.rowsDone}, got page ${pageIndex} row ${y0}`);
    }
    const bytes = pixelBytes(data);
    if (bytes.length % this.rowBytes !== 0) throw new Error('band is not a whole number of rows');
    const rows = bytes.length / this.rowBytes;
    if (y0 + rows > this.options.height) throw new Error(`band rows ${y0}..${y0 + rows} exceed the height ${this.options.height}`);
    const chunks: TiffChunk[] = [];
    if (this.options.compression !== 'deflate') {
      // Uncompressed strips are contiguous in the file: the band goes out as one chunk viewing the caller's
      // pixels (no copy); only the strip table is cut by row count.
      const height = this.options.height;
      for (let y = y0; y < y0 + rows; y++) {
        if (y % this.rowsPerStrip !== 0) continue;
        this.offsets.push(this.position + (y - y0) * this.rowBytes);
        this.counts.push(Math.min(this.rowsPerStrip, height - y) * this.rowBytes);
      }
      chunks.push({ position: this.position, bytes });
      this.position += bytes.length;
      if (!this.bigTiff && this.position > 2 ** 32 - 1) throw new Error('classic TIFF would exceed 4 GiB; use bigTiff');
      this.rowsDone += rows;
      if (this.rowsDone === height) chunks.push(...this.finishPage());
      return chunks;
    }
    let r = 0;
    while (r < rows) {
      const take = Math.min(rows - r, this.rowsPerStrip - this.stripRows);
      this.strip.set(bytes.subarray(r * this.rowBytes, (r + take) * this.rowBytes), this.stripRows * this.rowBytes);
      this.stripRows += take;
      r += take;
      this.rowsDone += take;
      if (this.stripRows === this.rowsPerStrip || this.rowsDone === this.options.height) chunks.push(this.flushStrip());
    }
    if (this.rowsDone === this.options.height) chunks.push(...this.finishPage());
    return chunks;
  }

  /** Appends a whole page (`width·height` samples). */
  writePlane(pageIndex: number, data: PixelArray): TiffChunk[] {
    return this.writeRows(pageIndex, 0, data);
  }

  /**
   * Where the pixel data of every page goes when the file is uncompressed and nothing was written yet:
   * page `p` row `y` starts at byte `dataStart + p·pageBytes + y·rowBytes` (pages contiguous, as
   * {@link writeRows} lays them out). Lets several writers put rows at their final places in any order
   * (then call {@link pagesWrittenInPlace}). Undefined for compressed files or once writing has begun.
   */
  inPlaceLayout(): { dataStart: number; pageBytes: number; rowBytes: number } | undefined {
    if (this.options.compression === 'deflate' || this.page !== 0 || this.rowsDone !== 0 || this.finished) return undefined;
    return { dataStart: this.position, pageBytes: this.options.height * this.rowBytes, rowBytes: this.rowBytes };
  }

  /**
   * Records that every page's pixels were written at the places {@link inPlaceLayout} gave (strips of
   * `rowsPerStrip` rows, as {@link writeRows} would have cut them), so {@link finish} can write the IFDs.
   */
  pagesWrittenInPlace(): void {
    const layout = this.inPlaceLayout();
    if (!layout) throw new Error('pages can be written in place only into an uncompressed TIFF before any page was written');
    const { height } = this.options;
    for (let p = 0; p < this.pageCount; p++) {
      for (let y = 0; y < height; y += this.rowsPerStrip) {
        const rows = Math.min(this.rowsPerStrip, height - y);
        this.offsets.push(layout.dataStart + p * layout.pageBytes + y * this.rowBytes);
        this.counts.push(rows * this.rowBytes);
      }
      this.position = layout.dataStart + (p + 1) * layout.pageBytes;
      this.finishPage();
    }
    if (!this.bigTiff && this.position > 2 ** 32 - 1) throw new Error('classic TIFF would exceed 4 GiB; use bigTiff');
  }

  /** True once every page has been written. */
  get complete(): boolean {
    return this.page === this.pageCount;
  }

  /**
   * Checks that all pages were written and returns the IFDs. They go after all pixel data, so the
   * planes are contiguous as in files ImageJ writes (tifffile and ImageJ read contiguous ImageJ
   * hyperstacks by offset arithmetic).
   */
  finish(): TiffChunk[] {
    if (!this.complete) throw new Error(`only ${this.page} of ${this.pageCount} pages were written`);
    if (this.finished) return [];
    this.finished = true;
    // All IFDs go after the pixels as one chunk (each one's next-IFD field patched in memory), plus the header's
    // first-IFD offset: two writes, not two per page.
    const start = this.position + (this.position & 1);
    const ifds: { position: number; bytes: Uint8Array; nextField: number }[] = [];
    let position = start;
    this.pages.forEach((strips, index) => {
      const { bytes, nextFieldPosition } = serializeIfd(this.ifdEntries(index, strips.offsets, strips.counts), position, this.bigTiff);
      if (!this.bigTiff && position + bytes.length > 2 ** 32 - 1) throw new Error('classic TIFF would exceed 4 GiB; use bigTiff');
      ifds.push({ position, bytes, nextField: nextFieldPosition });
      position += bytes.length + (bytes.length & 1);
    });
    const block = new Uint8Array(position - start);
    ifds.forEach((ifd, i) => {
      block.set(ifd.bytes, ifd.position - start);
      if (i + 1 < ifds.length) block.set(this.offsetBytes(ifds[i + 1].position), ifd.nextField - start);
    });
    this.position = position;
    return [{ position: this.bigTiff ? 8 : 4, bytes: this.offsetBytes(start) }, { position: start, bytes: block }];
  }

  private offsetBytes(value: number): Uint8Array {
    const out = new Uint8Array(this.bigTiff ? 8 : 4);
    const v = new DataView(out.buffer);
    v.setUint32(0, value % 2 ** 32, true);
    if (this.bigTiff) v.setUint32(4, Math.floor(value / 2 ** 32), true);
    return out;
  }

  private flushStrip(): TiffChunk {
    const raw = this.strip.subarray(0, this.stripRows * this.rowBytes);
    const bytes = this.options.compression === 'deflate' ? this.options.deflate!(raw) : raw.slice();
    const chunk = { position: this.position, bytes };
    this.offsets.push(this.position);
    this.counts.push(bytes.length);
    this.position += bytes.length;
    if (!this.bigTiff && this.position > 2 ** 32 - 1) throw new Error('classic TIFF would exceed 4 GiB; use bigTiff');
    this.stripRows = 0;
    return chunk;
  }

  private finishPage(): TiffChunk[] {
    this.pages.push({ offsets: this.offsets, counts: this.counts });
    this.page++;
    this.rowsDone = 0;
    this.offsets = [];
    this.counts = [];
    return [];
  }

  private ifdEntries(pageIndex: number, offsets: number[], counts: number[]): IfdEntry[] {
    const { width, height, dtype } = this.options;
    const big = this.bigTiff;
    const entries: IfdEntry[] = [
      { tag: 254, type: 4, values: [0] },
      { tag: 256, type: 4, values: [width] },
      { tag: 257, type: 4, values: [height] },
      { tag: 258, type: 3, values: [BYTES_PER_SAMPLE[dtype] * 8] },
      { tag: 259, type: 3, values: [this.options.compression === 'deflate' ? 8 : 1] },
      { tag: 262, type: 3, values: [1] },
      { tag: 273, type: big ? 16 : 4, values: offsets },
      { tag: 277, type: 3, values: [1] },
      { tag: 278, type: 4, values: [this.rowsPerStrip] },
      { tag: 279, type: big ? 16 : 4, values: counts },
      { tag: 339, type: 3, values: [SAMPLE_FORMAT[dtype]] },
    ];
    if (this.options.resolution) {
      const { x, y } = this.options.resolution;
      entries.push({ tag: 282, type: 5, values: toRational(1 / x) });
      entries.push({ tag: 283, type: 5, values: toRational(1 / y) });
      entries.push({ tag: 296, type: 3, values: [1] });
    }
    if (pageIndex === 0) {
      const shape = this.options.shape ?? { t: 1, z: 1, c: 1 };
      const description = asciiOnly(this.options.description ?? imageJDescription(shape, this.options.resolution));
      entries.push({ tag: 270, type: 2, values: asciiBytes(description) });
      if (this.options.provenance !== undefined) entries.push({ tag: PROVENANCE_TAG, type: 2, values: asciiBytes(asciiOnly(this.options.provenance)) });
      const names = this.options.channelNames;
      if (names && names.length > 0) {
        const labels: string[] = [];
        for (let p = 0; p < this.pageCount; p++) labels.push(names[p % shape.c] ?? '');
        const { counts: labelCounts, data } = imageJLabelTags(labels);
        entries.push({ tag: 50838, type: 4, values: labelCounts });
        entries.push({ tag: 50839, type: 1, values: data });
      }
    }
    return entries;
  }
}

/**
 * Encodes planes into one TIFF in memory. `planes[i]` (or `planes(i)`) is page
 * `i = (t·Z + z)·C + c`, `width·height` samples of `opts.dtype`.
 * @example encodeTiff([plane], { width: 64, height: 48, dtype: 'uint16' })
 */
export function encodeTiff(planes: PixelArray[] | ((index: number) => PixelArray), opts: TiffWriteOptions): Uint8Array {
  const encoder = new TiffStreamEncoder(opts);
  const chunks: TiffChunk[] = [...encoder.header()];
  for (let i = 0; i < encoder.pageCount; i++) {
    const plane = typeof planes === 'function' ? planes(i) : planes[i];
    if (!plane) throw new Error(`missing plane ${i}`);
    chunks.push(...encoder.writePlane(i, plane));
  }
  chunks.push(...encoder.finish());
  const total = chunks.reduce((m, c) => Math.max(m, c.position + c.bytes.length), 0);
  const out = new Uint8Array(total);
  for (const c of chunks) out.set(c.bytes, c.position);
  return out;
}
