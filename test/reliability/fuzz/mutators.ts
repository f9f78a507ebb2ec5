/**
 * Mutations for the fuzz campaigns. Generic byte mutations (bit flips, interesting bytes,
 * truncation, splices) plus structure-aware ones per format, because random flips rarely hit the
 * fields that matter: TIFF tag values/counts/types (huge declared sizes, wrong offsets, wrong channel
 * counts), IFD chain loops, NaN/Inf float pixels; PNG IHDR fields and chunk lengths; JPEG frame sizes,
 * component counts and segment lengths; project JSON values (1e999 → Infinity, huge shapes, wrong
 * types, prototype keys, deep nesting).
 */
import type { Random } from './random';
import { crc32 } from '../../../extension/core/forest/serializeForest';

/** 32-bit values that tend to break size and offset arithmetic. */
const INTERESTING_32 = [
  0, 1, 2, 3, 7, 8, 15, 16, 17, 255, 256, 4095, 4096, 0x7fff, 0x8000, 0xffff, 0x10000, 46341, 65537,
  0x100000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
];
const INTERESTING_16 = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 32, 64, 255, 256, 0x7fff, 0x8000, 0xffff];
const INTERESTING_8 = [0, 1, 2, 3, 4, 7, 8, 16, 32, 64, 127, 128, 255];

/** A mutation applied to a copy of the seed; returns the (possibly resized) bytes. */
export type Mutation = (bytes: Uint8Array, random: Random) => Uint8Array;

// ------------------------------------------------------------------ generic byte mutations

function bitFlips(bytes: Uint8Array, random: Random): Uint8Array {
  const flips = random.range(1, 8);
  for (let i = 0; i < flips && bytes.length > 0; i++) bytes[random.int(bytes.length)] ^= 1 << random.int(8);
  return bytes;
}

function interestingBytes(bytes: Uint8Array, random: Random): Uint8Array {
  const n = random.range(1, 4);
  for (let i = 0; i < n && bytes.length > 0; i++) bytes[random.int(bytes.length)] = random.pick(INTERESTING_8);
  return bytes;
}

function truncate(bytes: Uint8Array, random: Random): Uint8Array {
  return bytes.slice(0, random.int(bytes.length));
}

function deleteRange(bytes: Uint8Array, random: Random): Uint8Array {
  const start = random.int(bytes.length);
  const end = Math.min(bytes.length, start + random.range(1, 64));
  const out = new Uint8Array(bytes.length - (end - start));
  out.set(bytes.subarray(0, start));
  out.set(bytes.subarray(end), start);
  return out;
}

function duplicateRange(bytes: Uint8Array, random: Random): Uint8Array {
  const start = random.int(bytes.length);
  const chunk = bytes.slice(start, Math.min(bytes.length, start + random.range(1, 256)));
  const at = random.int(bytes.length + 1);
  const out = new Uint8Array(bytes.length + chunk.length);
  out.set(bytes.subarray(0, at));
  out.set(chunk, at);
  out.set(bytes.subarray(at), at + chunk.length);
  return out;
}

function appendGarbage(bytes: Uint8Array, random: Random): Uint8Array {
  const extra = new Uint8Array(random.range(1, 512));
  for (let i = 0; i < extra.length; i++) extra[i] = random.chance(0.5) ? 0 : random.int(256);
  const out = new Uint8Array(bytes.length + extra.length);
  out.set(bytes);
  out.set(extra, bytes.length);
  return out;
}

/** Mutations that work on any binary format; the last three change the length. */
export const GENERIC_MUTATIONS: Mutation[] = [bitFlips, interestingBytes, truncate, deleteRange, duplicateRange, appendGarbage];

function write(bytes: Uint8Array, pos: number, value: number, size: 1 | 2 | 4 | 8, littleEndian: boolean): void {
  if (pos < 0 || pos + size > bytes.length) return;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  if (size === 1) v.setUint8(pos, value & 0xff);
  else if (size === 2) v.setUint16(pos, value & 0xffff, littleEndian);
  else if (size === 4) v.setUint32(pos, value >>> 0, littleEndian);
  else {
    v.setUint32(pos + (littleEndian ? 0 : 4), value >>> 0, littleEndian);
    v.setUint32(pos + (littleEndian ? 4 : 0), Math.floor(value / 2 ** 32) >>> 0, littleEndian);
  }
}

// ------------------------------------------------------------------ TIFF

/** One IFD entry as laid out in the file. */
interface TiffEntry {
  pos: number;
  tag: number;
  type: number;
  count: number;
  /** Position of the value/offset field. */
  valuePos: number;
  /** Absolute position of the value (inline or out of line) when it lies inside the file. */
  dataPos: number;
}

/** The layout of a TIFF seed, found once per seed. */
export interface TiffLayout {
  littleEndian: boolean;
  bigTiff: boolean;
  ifdOffsets: number[];
  /** Position of each IFD's "next IFD" field. */
  nextFields: number[];
  entries: TiffEntry[];
}

const TYPE_SIZE = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4, 0, 0, 8, 8, 8];

/** Parses the IFD chain of a valid TIFF (seeds only; returns what it found before any problem). */
export function tiffLayout(bytes: Uint8Array): TiffLayout {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const littleEndian = bytes[0] === 0x49;
  const bigTiff = v.getUint16(2, littleEndian) === 43;
  const u64 = (p: number) => v.getUint32(p + (littleEndian ? 0 : 4), littleEndian) + v.getUint32(p + (littleEndian ? 4 : 0), littleEndian) * 2 ** 32;
  const layout: TiffLayout = { littleEndian, bigTiff, ifdOffsets: [], nextFields: [], entries: [] };
  let offset = bigTiff ? u64(8) : v.getUint32(4, littleEndian);
  while (offset > 0 && offset < bytes.length && layout.ifdOffsets.length < 64 && !layout.ifdOffsets.includes(offset)) {
    layout.ifdOffsets.push(offset);
    const n = bigTiff ? u64(offset) : v.getUint16(offset, littleEndian);
    const first = offset + (bigTiff ? 8 : 2);
    const entrySize = bigTiff ? 20 : 12;
    for (let e = 0; e < n; e++) {
      const pos = first + e * entrySize;
      const tag = v.getUint16(pos, littleEndian);
      const type = v.getUint16(pos + 2, littleEndian);
      const count = bigTiff ? u64(pos + 4) : v.getUint32(pos + 4, littleEndian);
      const valuePos = pos + (bigTiff ? 12 : 8);
      const inline = (TYPE_SIZE[type] ?? 1) * count <= (bigTiff ? 8 : 4);
      const dataPos = inline ? valuePos : (bigTiff ? u64(valuePos) : v.getUint32(valuePos, littleEndian));
      layout.entries.push({ pos, tag, type, count, valuePos, dataPos });
    }
    const nextField = first + n * entrySize;
    layout.nextFields.push(nextField);
    offset = bigTiff ? u64(nextField) : v.getUint32(nextField, littleEndian);
  }
  return layout;
}

/** Tags whose values steer allocation and addressing. */
const CRITICAL_TAGS = new Set([254, 256, 257, 258, 259, 262, 266, 270, 273, 277, 278, 279, 284, 317, 322, 323, 324, 325, 339, 347]);

function interesting32(random: Random, fileSize: number): number {
  const r = random.int(10);
  if (r < 6) return random.pick(INTERESTING_32);
  if (r < 8) return random.pick([fileSize, fileSize - 1, fileSize + 1, fileSize - 2, Math.floor(fileSize / 2)]);
  return random.uint32();
}

/**
 * Structure-aware TIFF mutations. Each returns a mutation bound to the seed's layout; positions
 * refer to the unmutated seed, so they are applied before any length-changing generic mutation.
 */
export function tiffMutations(layout: TiffLayout): Mutation[] {
  const { littleEndian: le, bigTiff } = layout;
  const offSize = bigTiff ? 8 : 4;
  const entries = layout.entries;
  const critical = entries.filter((e) => CRITICAL_TAGS.has(e.tag));
  const valueSize = (e: TiffEntry): 2 | 4 | 8 => (e.type === 3 || e.type === 8 ? 2 : e.type === 16 || e.type === 17 ? 8 : 4);
  return [
    // huge / zero / off-the-end values of size, offset and count tags
    (bytes, random) => {
      const e = random.chance(0.8) && critical.length ? random.pick(critical) : random.pick(entries);
      const size = valueSize(e);
      const value = size === 2 ? random.pick(INTERESTING_16) : interesting32(random, bytes.length);
      if (e.dataPos !== e.valuePos && random.chance(0.5)) {
        // an element of an out-of-line array (strip offsets, byte counts, bits per sample)
        write(bytes, e.dataPos + random.int(Math.max(1, e.count)) * (TYPE_SIZE[e.type] || 1), value, size, le);
      } else {
        write(bytes, e.valuePos, value, size, le);
      }
      return bytes;
    },
    // wrong counts (e.g. a 4-billion-entry StripOffsets)
    (bytes, random) => {
      const e = random.pick(critical.length ? critical : entries);
      write(bytes, e.pos + 4, interesting32(random, bytes.length), bigTiff ? 8 : 4, le);
      return bytes;
    },
    // wrong field types (SHORT ↔ LONG ↔ RATIONAL ↔ unknown)
    (bytes, random) => {
      const e = random.pick(entries);
      write(bytes, e.pos + 2, random.pick([0, 1, 2, 3, 4, 5, 7, 11, 12, 13, 14, 16, 17, 18, 19, 0xffff]), 2, le);
      return bytes;
    },
    // wrong channel counts and sample layouts
    (bytes, random) => {
      const e = entries.find((x) => x.tag === random.pick([277, 258, 284, 339, 262, 317, 259]));
      if (e) write(bytes, e.valuePos, random.pick([0, 1, 2, 3, 4, 5, 7, 8, 16, 32, 64, 255, 256, 0xffff]), 2, le);
      return bytes;
    },
    // IFD chain loops: next IFD → itself, an earlier IFD, or the header
    (bytes, random) => {
      const i = random.int(layout.nextFields.length);
      const target = random.chance(0.7) ? random.pick(layout.ifdOffsets.slice(0, i + 1)) : random.pick([8, 0, 4, bytes.length - 2]);
      write(bytes, layout.nextFields[i], target, offSize as 4 | 8, le);
      return bytes;
    },
    // first IFD offset / IFD entry count
    (bytes, random) => {
      if (random.chance(0.5)) write(bytes, bigTiff ? 8 : 4, interesting32(random, bytes.length), offSize as 4 | 8, le);
      else write(bytes, random.pick(layout.ifdOffsets), random.pick(INTERESTING_16), bigTiff ? 8 : 2, le);
      return bytes;
    },
    // absurd metadata: digits of ImageJ/OME descriptions → huge or zero plane counts
    (bytes, random) => {
      const desc = entries.find((e) => e.tag === 270);
      if (!desc) return bytes;
      const end = Math.min(bytes.length, desc.dataPos + desc.count);
      const digits: number[] = [];
      for (let p = desc.dataPos; p < end; p++) if (bytes[p] >= 0x30 && bytes[p] <= 0x39) digits.push(p);
      const n = random.range(1, 4);
      for (let i = 0; i < n && digits.length; i++) bytes[random.pick(digits)] = random.pick([0x30, 0x39, 0x2d, 0x2e, 0x65]);
      return bytes;
    },
    // NaN / Inf / denormal patterns over pixel data
    (bytes, random) => {
      const strips = entries.filter((e) => e.tag === 273 || e.tag === 324);
      const base = strips.length ? 8 : 0;
      const pos = base + random.int(Math.max(1, bytes.length - base - 8));
      const patterns = [[0x7f, 0xc0, 0, 0], [0x7f, 0x80, 0, 0], [0xff, 0x80, 0, 0], [0, 0, 0x80, 0x7f], [0, 0, 0xc0, 0xff], [0x7f, 0xf0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0xf8, 0x7f], [0, 0, 0, 1]];
      bytes.set(random.pick(patterns).slice(0, bytes.length - pos), pos);
      return bytes;
    },
  ];
}

// ------------------------------------------------------------------ PNG

interface PngChunk { pos: number; length: number; type: string }

function pngChunks(bytes: Uint8Array): PngChunk[] {
  const chunks: PngChunk[] = [];
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  let p = 8;
  while (p + 12 <= bytes.length && chunks.length < 64) {
    const length = v.getUint32(p);
    chunks.push({ pos: p, length, type: String.fromCharCode(...bytes.subarray(p + 4, p + 8)) });
    p += 12 + length;
  }
  return chunks;
}


/** Recomputes every chunk CRC (so a strict decoder still reaches the mutated fields). */
function fixPngCrcs(bytes: Uint8Array): Uint8Array {
  for (const c of pngChunks(bytes)) {
    const end = c.pos + 8 + c.length;
    if (end + 4 <= bytes.length) write(bytes, end, crc32(bytes.subarray(c.pos + 4, end)), 4, false);
  }
  return bytes;
}

function insertChunk(bytes: Uint8Array, where: number, type: string, data: Uint8Array): Uint8Array {
  const at = Math.min(where, bytes.length);
  const chunk = new Uint8Array(12 + data.length);
  const v = new DataView(chunk.buffer);
  v.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) chunk[4 + i] = type.charCodeAt(i);
  chunk.set(data, 8);
  v.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  const out = new Uint8Array(bytes.length + chunk.length);
  out.set(bytes.subarray(0, at));
  out.set(chunk, at);
  out.set(bytes.subarray(at), at + chunk.length);
  return out;
}

/** Structure-aware PNG mutations (IHDR fields, chunk lengths, palettes), CRCs fixed up half the time. */
export const PNG_MUTATIONS: Mutation[] = [
  // huge / zero sizes
  (bytes, random) => {
    write(bytes, random.pick([16, 20]), random.chance(0.7) ? random.pick(INTERESTING_32) : random.range(1, 5000), 4, false);
    return random.chance(0.5) ? fixPngCrcs(bytes) : bytes;
  },
  // bit depth, colour type (wrong channel counts), compression/filter/interlace methods
  (bytes, random) => {
    const field = random.pick([24, 25, 26, 27, 28]);
    const values = field === 24 ? [0, 1, 2, 3, 4, 5, 8, 16, 32, 255] : field === 25 ? [0, 1, 2, 3, 4, 5, 6, 7, 255] : [0, 1, 2, 255];
    bytes[field] = random.pick(values);
    return random.chance(0.7) ? fixPngCrcs(bytes) : bytes;
  },
  // chunk length lies
  (bytes, random) => {
    const chunks = pngChunks(bytes);
    if (chunks.length) write(bytes, random.pick(chunks).pos, random.pick(INTERESTING_32), 4, false);
    return bytes;
  },
  // corrupt the zlib stream inside IDAT (CRC fixed, so only the inflater sees it)
  (bytes, random) => {
    const idat = pngChunks(bytes).filter((c) => c.type === 'IDAT');
    if (!idat.length) return bytes;
    const c = random.pick(idat);
    const n = random.range(1, 4);
    for (let i = 0; i < n && c.length > 0; i++) bytes[c.pos + 8 + random.int(c.length)] = random.int(256);
    return fixPngCrcs(bytes);
  },
  // a short palette (indices past its end), or a palette on a grey image
  (bytes, random) => {
    const ihdr = pngChunks(bytes)[0];
    if (!ihdr) return bytes;
    if (random.chance(0.7)) { bytes[25] = 3; bytes[24] = random.pick([1, 2, 4, 8]); }
    const entries = random.pick([0, 1, 2, 3, 256, 300]);
    const plte = new Uint8Array(entries * 3).map((_, i) => i * 37);
    return fixPngCrcs(insertChunk(bytes, ihdr.pos + 12 + ihdr.length, 'PLTE', plte));
  },
  // drop or duplicate a chunk
  (bytes, random) => {
    const chunks = pngChunks(bytes);
    if (!chunks.length) return bytes;
    const c = random.pick(chunks);
    const end = Math.min(bytes.length, c.pos + 12 + c.length);
    if (random.chance(0.5)) {
      const out = new Uint8Array(bytes.length - (end - c.pos));
      out.set(bytes.subarray(0, c.pos));
      out.set(bytes.subarray(end), c.pos);
      return out;
    }
    const copy = bytes.slice(c.pos, end);
    const out = new Uint8Array(bytes.length + copy.length);
    out.set(bytes.subarray(0, end));
    out.set(copy, end);
    out.set(bytes.subarray(end), end + copy.length);
    return out;
  },
];

// ------------------------------------------------------------------ JPEG

interface JpegSegment { pos: number; marker: number; length: number }

function jpegSegments(bytes: Uint8Array): JpegSegment[] {
  const out: JpegSegment[] = [];
  let p = 2;
  while (p + 4 <= bytes.length && out.length < 64) {
    if (bytes[p] !== 0xff) break;
    const marker = bytes[p + 1];
    const length = (bytes[p + 2] << 8) | bytes[p + 3];
    out.push({ pos: p, marker, length });
    if (marker === 0xda) break;
    p += 2 + length;
  }
  return out;
}

/** Structure-aware JPEG mutations (frame header, component table, segment lengths, scan data). */
export const JPEG_MUTATIONS: Mutation[] = [
  // frame size: zero, huge, odd
  (bytes, random) => {
    const sof = jpegSegments(bytes).find((s) => s.marker >= 0xc0 && s.marker <= 0xc3);
    if (sof) write(bytes, sof.pos + random.pick([5, 7]), random.pick(INTERESTING_16.concat([1, 3, 17, 4097, 30000])), 2, false);
    return bytes;
  },
  // component count and sampling factors / table ids (wrong channel counts)
  (bytes, random) => {
    const sof = jpegSegments(bytes).find((s) => s.marker >= 0xc0 && s.marker <= 0xc3);
    if (!sof) return bytes;
    if (random.chance(0.5)) bytes[sof.pos + 9] = random.pick([0, 1, 2, 3, 4, 5, 255]);
    else bytes[sof.pos + 10 + 3 * random.int(3) + random.range(1, 2)] = random.pick([0, 0x11, 0x22, 0x44, 0x41, 0x14, 0xff, 3, 4, 255]);
    bytes[sof.pos + 4] = random.chance(0.2) ? random.pick([0, 1, 12, 16, 255]) : bytes[sof.pos + 4];
    return bytes;
  },
  // frame type: baseline ↔ progressive ↔ lossless/arithmetic (unsupported)
  (bytes, random) => {
    const sof = jpegSegments(bytes).find((s) => s.marker >= 0xc0 && s.marker <= 0xcf && s.marker !== 0xc4 && s.marker !== 0xc8 && s.marker !== 0xcc);
    if (sof) bytes[sof.pos + 1] = random.pick([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc9, 0xcb, 0xcf]);
    return bytes;
  },
  // segment length lies (DQT, DHT, SOF, SOS, APP0)
  (bytes, random) => {
    const segments = jpegSegments(bytes);
    if (segments.length) write(bytes, random.pick(segments).pos + 2, random.pick(INTERESTING_16.concat([2, 3, 1000])), 2, false);
    return bytes;
  },
  // Huffman / quantisation table contents
  (bytes, random) => {
    const tables = jpegSegments(bytes).filter((s) => s.marker === 0xc4 || s.marker === 0xdb);
    if (!tables.length) return bytes;
    const t = random.pick(tables);
    const n = random.range(1, 6);
    for (let i = 0; i < n; i++) bytes[Math.min(bytes.length - 1, t.pos + 4 + random.int(Math.max(1, t.length - 2)))] = random.pick([0, 1, 16, 17, 255, random.int(256)]);
    return bytes;
  },
  // scan data: random bytes, restart markers, premature EOI
  (bytes, random) => {
    const sos = jpegSegments(bytes).find((s) => s.marker === 0xda);
    if (!sos) return bytes;
    const start = sos.pos + 2 + sos.length;
    if (start >= bytes.length - 2) return bytes;
    const p = start + random.int(bytes.length - 2 - start);
    const r = random.int(3);
    if (r === 0) bytes[p] = random.int(256);
    else if (r === 1 && p + 1 < bytes.length) { bytes[p] = 0xff; bytes[p + 1] = 0xd0 + random.int(8); }
    else if (p + 1 < bytes.length) { bytes[p] = 0xff; bytes[p + 1] = 0xd9; }
    return bytes;
  },
];

// ------------------------------------------------------------------ project JSON

const RAW_VALUES = [
  '1e999', '-1e999', '-0', '0', '-1', '0.5', '1.5', '255', '256', '65536', '4294967295', '4294967296', '9007199254740993',
  '1e308', '2147483648', '100000', '1000000000', '""', '"x"', 'null', 'true', 'false', '[]', '{}', '[1]', '{"a":1}',
  '"../../../etc/passwd"', '"/etc/passwd"', '"C:\\\\Windows\\\\win.ini"', '"a/../../b.tif"', '"sub/\\u0000.tif"',
  '"t0z0"', '"t99999999z0"', '["0+5=1"]', '["9999999999=1"]', '["0+1=256"]', '["0+1=-1"]', '["=1"]', '"NaN"', '"#zzzzzz"',
  '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}',
];

function rawValue(random: Random): string {
  const r = random.int(20);
  if (r === 0) return `${'['.repeat(5000)}${']'.repeat(5000)}`; // deep nesting (far past any recursion guard)
  if (r === 1) return `[${'0,'.repeat(10000)}0]`; // huge array
  if (r === 2) return JSON.stringify('a'.repeat(20000)); // huge string
  if (r === 3) return `{${Array.from({ length: 1000 }, (_, i) => `"k${i}":${i}`).join(',')}}`; // many keys
  return random.pick(RAW_VALUES);
}

type JsonPath = (string | number)[];

function collectPaths(value: unknown, path: JsonPath, out: JsonPath[]): void {
  out.push(path);
  if (path.length >= 8 || out.length > 5000) return; // earlier mutations may have nested or grown it
  if (Array.isArray(value)) value.forEach((v, i) => collectPaths(v, [...path, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) collectPaths(v, [...path, k], out);
}

function setAt(root: unknown, path: JsonPath, value: unknown): unknown {
  if (path.length === 0) return value;
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]] = value;
  return root;
}

/** Structure-aware project mutations on the JSON text (raw tokens, so `1e999` and deep nesting get through). */
export const PROJECT_MUTATIONS: Mutation[] = [
  // replace a random value with a nasty raw token
  (bytes, random) => {
    const text = new TextDecoder().decode(bytes);
    let root: unknown;
    try { root = JSON.parse(text); } catch { return bytes; }
    const paths: JsonPath[] = [];
    collectPaths(root, [], paths);
    // favour the fields that steer allocation: shapes, labels, scales, classes
    const weighted = paths.filter((p) => p.some((k) => k === 'shape' || k === 'labels' || k === 'scales' || k === 'classifier'));
    const path = random.chance(0.6) && weighted.length ? random.pick(weighted) : random.pick(paths);
    const marker = '@@RAW@@';
    const replaced = JSON.stringify(setAt(root, path, marker), null, random.chance(0.5) ? 2 : undefined);
    return new TextEncoder().encode(replaced.replace(`"${marker}"`, rawValue(random)));
  },
  // rename or delete a key (unknown keys, missing required keys, __proto__)
  (bytes, random) => {
    const text = new TextDecoder().decode(bytes);
    const keys = [...text.matchAll(/"([A-Za-z0-9_/.]+)"\s*:/g)];
    if (!keys.length) return bytes;
    const k = random.pick(keys);
    const replacement = random.pick(['"__proto__":', '"constructor":', '"prototype":', '"":', '"x":', '']);
    const at = k.index ?? 0;
    return new TextEncoder().encode(text.slice(0, at) + replacement + text.slice(at + k[0].length));
  },
  // duplicate a key (JSON.parse keeps the last one)
  (bytes, random) => {
    const text = new TextDecoder().decode(bytes);
    const keys = [...text.matchAll(/"([A-Za-z0-9_]+)"\s*:\s*("[^"]*"|-?\d+(\.\d+)?|true|false|null)/g)];
    if (!keys.length) return bytes;
    const k = random.pick(keys);
    const at = (k.index ?? 0) + k[0].length;
    return new TextEncoder().encode(`${text.slice(0, at)}, ${k[0].replace(/:\s*.*/, `: ${rawValue(random)}`)}${text.slice(at)}`);
  },
  // character-level damage: stray characters, unterminated strings, invalid UTF-8, BOM
  (bytes, random) => {
    const junk = random.pick(['"', '{', '}', '[', ']', ',', ':', '\\', '\u0000', '\ud800', '\ufeff', 'NaN', 'Infinity', '/*', '\n']);
    const at = random.int(bytes.length + 1);
    const text = new TextDecoder().decode(bytes);
    const out = new TextEncoder().encode(text.slice(0, at) + junk + text.slice(at));
    if (random.chance(0.2) && out.length > 0) out[random.int(out.length)] = random.pick([0xff, 0xc0, 0x80, 0xfe]);
    return out;
  },
];
