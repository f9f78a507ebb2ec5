import { describe, expect, it } from 'vitest';
import {
  contrastIndex, contrastTable, formatValue, getLut, interpolateLut, isLutName, LUT_NAMES, parseHexColor, planeArray, renderLayers,
} from '../../webview/canvas/lut';

describe('contrast mapping', () => {
  it('maps min→0, max→255, linear and clamped', () => {
    expect(contrastIndex(100, 100, 355)).toBe(0);
    expect(contrastIndex(355, 100, 355)).toBe(255);
    expect(contrastIndex(227.5, 100, 355)).toBe(128);
    expect(contrastIndex(50, 100, 355)).toBe(0);
    expect(contrastIndex(1e9, 100, 355)).toBe(255);
    expect(contrastIndex(-0.5, -1, 1)).toBe(64);
  });

  it('degenerate window is a step at min', () => {
    expect(contrastIndex(9, 10, 10)).toBe(0);
    expect(contrastIndex(10, 10, 10)).toBe(255);
    expect(contrastIndex(11, 10, 5)).toBe(255);
  });

  it('tables match the per-pixel mapping for 8/16-bit types', () => {
    const t = contrastTable('int16', -100, 100)!;
    expect(t.base).toBe(-32768);
    expect(t.table.length).toBe(65536);
    for (const v of [-32768, -101, -100, 0, 50, 100, 32767]) expect(t.table[v - t.base]).toBe(contrastIndex(v, -100, 100));
    expect(contrastTable('uint8', 0, 255)!.table[200]).toBe(200);
    expect(contrastTable('float32', 0, 1)).toBeUndefined();
  });
});

describe('LUTs', () => {
  it('grey is the identity ramp, colours are single-hue ramps', () => {
    const g = getLut('grey');
    expect(g.length).toBe(768);
    expect([g[0], g[1], g[2]]).toEqual([0, 0, 0]);
    expect([g[128 * 3], g[128 * 3 + 1], g[128 * 3 + 2]]).toEqual([128, 128, 128]);
    const m = getLut('magenta');
    expect([m[255 * 3], m[255 * 3 + 1], m[255 * 3 + 2]]).toEqual([255, 0, 255]);
    const c = getLut('cyan');
    expect([c[255 * 3], c[255 * 3 + 1], c[255 * 3 + 2]]).toEqual([0, 255, 255]);
    const inv = getLut('inverted');
    expect([inv[0], inv[255 * 3]]).toEqual([255, 0]);
  });

  it('fire goes black → blue → red → yellow → white', () => {
    const f = getLut('fire');
    expect([f[0], f[1], f[2]]).toEqual([0, 0, 0]);
    expect([f[765], f[766], f[767]]).toEqual([255, 255, 255]);
    const mid = 16 * 255 / 31; // near control point 16: (240, 79, 0)
    const i = Math.round(mid);
    expect(f[i * 3]).toBeGreaterThan(200);
    expect(f[i * 3 + 2]).toBeLessThan(20);
  });

  it('interpolates control points', () => {
    const l = interpolateLut([[0, 0, 0], [255, 0, 100]]);
    expect([l[0], l[1], l[2]]).toEqual([0, 0, 0]);
    expect([l[255 * 3], l[255 * 3 + 2]]).toEqual([255, 100]);
    expect(l[51 * 3]).toBe(51);
  });

  it('knows its names', () => {
    for (const n of LUT_NAMES) expect(isLutName(n)).toBe(true);
    expect(isLutName('rainbow')).toBe(false);
    expect(isLutName(3)).toBe(false);
  });
});

describe('renderLayers', () => {
  it('renders one uint16 channel through a LUT', () => {
    const data = new Uint16Array([100, 227, 355, 1000]);
    const out = new Uint8ClampedArray(16);
    renderLayers([{ data, dtype: 'uint16', min: 100, max: 355, lut: getLut('grey') }], 4, out);
    expect(Array.from(out)).toEqual([0, 0, 0, 255, 127, 127, 127, 255, 255, 255, 255, 255, 255, 255, 255, 255]);
  });

  it('renders float data and composites additively with clamping', () => {
    const a = new Float32Array([0, 0.5, 1]);
    const b = new Uint8Array([255, 0, 255]);
    const out = new Uint8ClampedArray(12);
    renderLayers([
      { data: a, dtype: 'float32', min: 0, max: 1, lut: getLut('green') },
      { data: b, dtype: 'uint8', min: 0, max: 255, lut: getLut('magenta') },
    ], 3, out);
    expect(Array.from(out)).toEqual([255, 0, 255, 255, 0, 128, 0, 255, 255, 255, 255, 255]);
  });

  it('renders int8 with negative values', () => {
    const out = new Uint8ClampedArray(8);
    renderLayers([{ data: new Int8Array([-128, 127]), dtype: 'int8', min: -128, max: 127, lut: getLut('grey') }], 2, out);
    expect(Array.from(out)).toEqual([0, 0, 0, 255, 255, 255, 255, 255]);
  });

  it('no layers → opaque black', () => {
    const out = new Uint8ClampedArray(8);
    renderLayers([], 2, out);
    expect(Array.from(out)).toEqual([0, 0, 0, 255, 0, 0, 0, 255]);
  });
});

describe('helpers', () => {
  it('wraps plane buffers and rejects short ones', () => {
    const buf = new Uint16Array([1, 2, 3, 4]).buffer;
    const p = planeArray('uint16', buf, 4);
    expect(p).toBeInstanceOf(Uint16Array);
    expect(Array.from(p)).toEqual([1, 2, 3, 4]);
    expect(() => planeArray('uint32', buf, 4)).toThrow(/too short/);
    expect(planeArray('float64', new Float64Array([1.5]).buffer, 1)[0]).toBe(1.5);
  });

  it('parses colours', () => {
    expect(parseHexColor('#ff8000')).toEqual([255, 128, 0]);
    expect(parseHexColor('00FF01')).toEqual([0, 255, 1]);
    expect(parseHexColor('red')).toEqual([128, 128, 128]);
  });

  it('formats raw values', () => {
    expect(formatValue(1234)).toBe('1234');
    expect(formatValue(-7)).toBe('-7');
    expect(formatValue(0.123456789)).toBe('0.123457');
    expect(formatValue(Math.fround(0.1))).toBe('0.1');
    expect(formatValue(NaN)).toBe('NaN');
  });
});
