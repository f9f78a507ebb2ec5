/**
 * Lookup tables and contrast mapping: raw samples → display RGBA. Pure (no DOM) so it is unit-testable.
 *
 * A LUT is a Uint8Array of 256 × 3 bytes (r, g, b for display index 0..255). Contrast maps a raw value v
 * to the index round(255 · (v − min) / (max − min)), clamped to 0..255; when max ≤ min the mapping is a
 * step at `min` (v < min → 0, else 255).
 */
import type { PlaneDType } from '../../extension/protocol';

/** Names of the LUTs offered for display. */
export const LUT_NAMES = ['grey', 'fire', 'green', 'magenta', 'cyan', 'red', 'blue', 'yellow', 'magma', 'inverted'] as const;
export type LutName = (typeof LUT_NAMES)[number];

/** Typed array of one raw plane. */
export type PlaneArray = Uint8Array | Uint16Array | Uint32Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** Wraps a raw plane buffer as the typed array of `dtype`; throws when the byte length does not fit. */
export function planeArray(dtype: PlaneDType, buffer: ArrayBuffer, length: number): PlaneArray {
  const ctor = {
    uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, int8: Int8Array,
    int16: Int16Array, int32: Int32Array, float32: Float32Array, float64: Float64Array,
  }[dtype];
  if (!ctor) throw new Error(`unsupported sample type ${String(dtype)}`);
  if (buffer.byteLength < length * ctor.BYTES_PER_ELEMENT) {
    throw new Error(`plane data too short: ${buffer.byteLength} bytes for ${length} ${dtype} samples`);
  }
  return new ctor(buffer, 0, length);
}

function ramp(r: number, g: number, b: number): Uint8Array {
  const lut = new Uint8Array(768);
  for (let i = 0; i < 256; i++) {
    lut[i * 3] = Math.round((i * r) / 255);
    lut[i * 3 + 1] = Math.round((i * g) / 255);
    lut[i * 3 + 2] = Math.round((i * b) / 255);
  }
  return lut;
}

/** Linear interpolation of evenly spaced control points (each [r, g, b]) to 256 entries. */
export function interpolateLut(points: readonly (readonly [number, number, number])[]): Uint8Array {
  const lut = new Uint8Array(768);
  const n = points.length - 1;
  for (let i = 0; i < 256; i++) {
    const pos = (i / 255) * n;
    const k = Math.min(n - 1, Math.floor(pos));
    const f = pos - k;
    for (let ch = 0; ch < 3; ch++) lut[i * 3 + ch] = Math.round(points[k][ch] * (1 - f) + points[k + 1][ch] * f);
  }
  return lut;
}

// ImageJ's "Fire" (32 control points).
const FIRE_R = [0, 0, 1, 25, 49, 73, 98, 122, 146, 162, 173, 184, 195, 207, 217, 229, 240, 252, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255];
const FIRE_G = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 14, 35, 57, 79, 101, 117, 133, 147, 161, 175, 190, 205, 219, 234, 248, 255, 255, 255, 255];
const FIRE_B = [0, 61, 96, 130, 165, 192, 220, 227, 210, 181, 151, 122, 93, 64, 35, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 35, 98, 160, 223, 255];
// matplotlib "magma" sampled at 9 evenly spaced points.
const MAGMA: [number, number, number][] = [
  [0, 0, 4], [28, 16, 68], [79, 18, 123], [129, 37, 129], [181, 54, 122], [229, 80, 100], [251, 135, 97], [254, 194, 135], [252, 253, 191],
];

const cache = new Map<LutName, Uint8Array>();

/** The 256×3 table of a named LUT (cached; do not modify). */
export function getLut(name: LutName): Uint8Array {
  let lut = cache.get(name);
  if (lut) return lut;
  switch (name) {
    case 'grey': lut = ramp(255, 255, 255); break;
    case 'red': lut = ramp(255, 0, 0); break;
    case 'green': lut = ramp(0, 255, 0); break;
    case 'blue': lut = ramp(0, 0, 255); break;
    case 'cyan': lut = ramp(0, 255, 255); break;
    case 'magenta': lut = ramp(255, 0, 255); break;
    case 'yellow': lut = ramp(255, 255, 0); break;
    case 'fire': lut = interpolateLut(FIRE_R.map((r, i) => [r, FIRE_G[i], FIRE_B[i]] as [number, number, number])); break;
    case 'magma': lut = interpolateLut(MAGMA); break;
    case 'inverted': {
      lut = new Uint8Array(768);
      for (let i = 0; i < 256; i++) lut[i * 3] = lut[i * 3 + 1] = lut[i * 3 + 2] = 255 - i;
      break;
    }
    default: {
      const never: never = name;
      throw new Error(`unknown LUT ${String(never)}`);
    }
  }
  cache.set(name, lut);
  return lut;
}

/** True for a known LUT name (state restored from getState is untrusted). */
export function isLutName(name: unknown): name is LutName {
  return typeof name === 'string' && (LUT_NAMES as readonly string[]).includes(name);
}

/** Display index 0..255 of raw value `v` under contrast [min, max] (see module doc). */
export function contrastIndex(v: number, min: number, max: number): number {
  if (!(max > min)) return v < min ? 0 : 255;
  const i = Math.round((255 * (v - min)) / (max - min));
  return i < 0 ? 0 : i > 255 ? 255 : i;
}

/**
 * For 8- and 16-bit integer types: the table raw → display index for every representable value,
 * indexed by (v − typeMinimum). Undefined for wider types (computed per pixel instead).
 */
export function contrastTable(dtype: PlaneDType, min: number, max: number): { table: Uint8Array; base: number } | undefined {
  let base: number; let size: number;
  switch (dtype) {
    case 'uint8': base = 0; size = 256; break;
    case 'int8': base = -128; size = 256; break;
    case 'uint16': base = 0; size = 65536; break;
    case 'int16': base = -32768; size = 65536; break;
    default: return undefined;
  }
  const table = new Uint8Array(size);
  for (let i = 0; i < size; i++) table[i] = contrastIndex(i + base, min, max);
  return { table, base };
}

/** One channel to draw: its raw samples, contrast and LUT. */
export interface DisplayLayer {
  data: PlaneArray;
  dtype: PlaneDType;
  min: number;
  max: number;
  lut: Uint8Array;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Packs a LUT entry as the Uint32 whose bytes in memory are r, g, b, 255 (this host's byte order). */
function packRgba(lut: Uint8Array, i: number): number {
  const r = lut[i * 3], g = lut[i * 3 + 1], b = lut[i * 3 + 2];
  return LITTLE_ENDIAN ? ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0 : ((r << 24) | (g << 16) | (b << 8) | 255) >>> 0;
}

/**
 * Renders `layers` additively into `out` (RGBA, 4·n bytes, alpha 255): each layer contributes
 * lut[contrastIndex(v)], sums are clamped to 255. One layer with a LUT = single-channel display;
 * up to four layers with colour LUTs = composite. `n` is the pixel count.
 *
 * The first layer is written as whole RGBA words through a raw → RGBA table (8/16-bit types) or a
 * 256-entry packed LUT (wider types), which is several times faster than byte-wise writes.
 */
export function renderLayers(layers: readonly DisplayLayer[], n: number, out: Uint8ClampedArray): void {
  const out32 = new Uint32Array(out.buffer, out.byteOffset, n);
  if (layers.length === 0) {
    out32.fill(LITTLE_ENDIAN ? 0xff000000 : 0x000000ff);
    return;
  }
  let index: Uint8Array | undefined;
  layers.forEach((layer, k) => {
    const { data, lut } = layer;
    const t = contrastTable(layer.dtype, layer.min, layer.max);
    if (k === 0) {
      const packed = new Uint32Array(256);
      for (let i = 0; i < 256; i++) packed[i] = packRgba(lut, i);
      if (t) {
        const { table, base } = t;
        const rgba = new Uint32Array(table.length);
        for (let j = 0; j < table.length; j++) rgba[j] = packed[table[j]];
        for (let i = 0; i < n; i++) out32[i] = rgba[data[i] - base];
      } else {
        const { min, max } = layer;
        for (let i = 0; i < n; i++) out32[i] = packed[contrastIndex(data[i], min, max)];
      }
      return;
    }
    index ??= new Uint8Array(n);
    if (t) {
      const { table, base } = t;
      for (let i = 0; i < n; i++) index[i] = table[data[i] - base];
    } else {
      const { min, max } = layer;
      for (let i = 0; i < n; i++) index[i] = contrastIndex(data[i], min, max);
    }
    // Uint8ClampedArray clamps the sums to 255.
    for (let i = 0; i < n; i++) {
      const j = index[i] * 3; const o = i * 4;
      out[o] += lut[j]; out[o + 1] += lut[j + 1]; out[o + 2] += lut[j + 2];
    }
  });
}

/** Parses "#rrggbb" to [r, g, b]; grey for anything else. */
export function parseHexColor(color: string): [number, number, number] {
  const m = /^#?([0-9a-f]{6})$/i.exec(color.trim());
  if (!m) return [128, 128, 128];
  const v = parseInt(m[1], 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** Formats a raw sample for the readout: integers as is, floats with up to 6 significant digits. */
export function formatValue(v: number): string {
  if (Number.isInteger(v)) return String(v);
  if (!Number.isFinite(v)) return String(v);
  return String(Number(v.toPrecision(6)));
}
