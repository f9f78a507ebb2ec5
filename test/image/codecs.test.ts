import { describe, expect, it } from 'vitest';
import { lzwDecode, lzwEncode } from '../../extension/core/image/lzwDecode';
import { packbitsDecode, packbitsEncode } from '../../extension/core/image/packbitsDecode';
import { swapBytes, undoFloatPredictor, undoHorizontalPredictor } from '../../extension/core/image/tiffPredictor';

function random(n: number, seed: number, alphabet = 256): Uint8Array {
  let s = seed >>> 0;
  return Uint8Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return (s >>> 24) % alphabet;
  });
}

describe('lzwDecode', () => {
  it('decodes a hand-made stream: Clear, "A", "B", "AB" (code 258), EOI', () => {
    // 9-bit codes MSB-first: 256, 65, 66, 258, 257
    const codes = [256, 65, 66, 258, 257];
    let bits = '';
    for (const c of codes) bits += c.toString(2).padStart(9, '0');
    bits = bits.padEnd(Math.ceil(bits.length / 8) * 8, '0');
    const bytes = Uint8Array.from({ length: bits.length / 8 }, (_, i) => parseInt(bits.slice(i * 8, i * 8 + 8), 2));
    const out = new Uint8Array(10);
    expect(lzwDecode(bytes, out)).toBe(4);
    expect(Array.from(out.subarray(0, 4))).toEqual([65, 66, 65, 66]);
  });

  it('round trips random, repetitive and KwKwK data, including dictionary resets', () => {
    const inputs = [
      new Uint8Array(0), new Uint8Array([7]), new Uint8Array(5000).fill(42), random(20000, 1), random(70000, 2, 4),
      Uint8Array.from({ length: 30000 }, (_, i) => (i * i) & 0xff),
    ];
    for (const input of inputs) {
      const encoded = lzwEncode(input);
      const out = new Uint8Array(input.length);
      expect(lzwDecode(encoded, out)).toBe(input.length);
      expect(out).toEqual(input);
    }
  });

  it('stops at the end of the target and at the end of the input', () => {
    const input = random(1000, 3, 8);
    const encoded = lzwEncode(input);
    const small = new Uint8Array(100);
    expect(lzwDecode(encoded, small)).toBe(100);
    expect(small).toEqual(input.subarray(0, 100));
    const partial = new Uint8Array(1000);
    expect(lzwDecode(encoded.subarray(0, encoded.length >> 1), partial)).toBeLessThan(1000);
  });

  it('keeps decoding with a full dictionary and no Clear code (libtiff behaviour, geotiff #545)', () => {
    // Build a stream by hand: literals only, never clearing; the decoder must freeze at 4096 entries.
    const n = 5000;
    const input = random(n, 9);
    const codes: number[] = [256];
    for (const b of input) codes.push(b);
    codes.push(257);
    // writer with the decoder's width rule: width grows when next+1 >= 2^width, next counts entries added
    let acc = '';
    let width = 9;
    let next = 258;
    let first = true;
    for (const c of codes) {
      acc += c.toString(2).padStart(width, '0');
      if (c === 256) { width = 9; next = 258; first = true; continue; }
      if (first) { first = false; continue; }
      if (next < 4096) { next++; if (next + 1 >= 1 << width && width < 12) width++; }
    }
    acc = acc.padEnd(Math.ceil(acc.length / 8) * 8, '0');
    const bytes = Uint8Array.from({ length: acc.length / 8 }, (_, i) => parseInt(acc.slice(i * 8, i * 8 + 8), 2));
    const out = new Uint8Array(n);
    expect(lzwDecode(bytes, out)).toBe(n);
    expect(out).toEqual(input);
  });

  it('throws on impossible codes', () => {
    // Clear then code 300 (not yet defined)
    let bits = (256).toString(2).padStart(9, '0') + (300).toString(2).padStart(9, '0');
    bits = bits.padEnd(24, '0');
    const bytes = Uint8Array.from({ length: 3 }, (_, i) => parseInt(bits.slice(i * 8, i * 8 + 8), 2));
    expect(() => lzwDecode(bytes, new Uint8Array(10))).toThrow(/corrupt LZW/);
  });
});

describe('packbits', () => {
  it('decodes the TIFF spec example', () => {
    const encoded = new Uint8Array([0xfe, 0xaa, 0x02, 0x80, 0x00, 0x2a, 0xfd, 0xaa, 0x03, 0x80, 0x00, 0x2a, 0x22, 0xf7, 0xaa]);
    const out = new Uint8Array(24);
    expect(packbitsDecode(encoded, out)).toBe(24);
    expect(Array.from(out)).toEqual([0xaa, 0xaa, 0xaa, 0x80, 0x00, 0x2a, 0xaa, 0xaa, 0xaa, 0xaa, 0x80, 0x00, 0x2a, 0x22, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa]);
  });

  it('round trips and never writes past the target', () => {
    const input = random(3000, 5, 3);
    const out = new Uint8Array(3000);
    expect(packbitsDecode(packbitsEncode(input), out)).toBe(3000);
    expect(out).toEqual(input);
    expect(packbitsDecode(packbitsEncode(input), new Uint8Array(10))).toBe(10);
  });
});

describe('predictors', () => {
  it('horizontal predictor accumulates per sample with wrap-around', () => {
    const data = new Uint16Array([10, 1, 65535, 5, /* row 2 */ 3, 3, 3, 3]);
    const bytes = new Uint8Array(data.buffer);
    undoHorizontalPredictor(bytes, 4, 2, 1, 2);
    expect(Array.from(data)).toEqual([10, 11, 10, 15, 3, 6, 9, 12]);
    const rgb = new Uint8Array([1, 2, 3, 1, 1, 1, 250, 10, 0]);
    undoHorizontalPredictor(rgb, 9, 1, 3, 1);
    expect(Array.from(rgb)).toEqual([1, 2, 3, 2, 3, 4, 252, 13, 4]);
  });

  it('floating-point predictor reassembles big-endian byte planes into native floats', () => {
    const values = new Float32Array([1.5, -2.25, 1000]);
    // encode as libtiff does: byte planes MSB first, then byte differences
    const planes = new Uint8Array(12);
    const be = new DataView(new ArrayBuffer(4));
    values.forEach((v, s) => {
      be.setFloat32(0, v, false);
      for (let b = 0; b < 4; b++) planes[b * 3 + s] = be.getUint8(b);
    });
    for (let i = 11; i >= 1; i--) planes[i] = (planes[i] - planes[i - 1]) & 0xff;
    undoFloatPredictor(planes, 3, 1, 1, 4);
    expect(Array.from(new Float32Array(planes.buffer))).toEqual([1.5, -2.25, 1000]);
  });

  it('swapBytes reverses 2/4/8-byte samples', () => {
    const a = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    swapBytes(a, 2);
    expect(Array.from(a)).toEqual([2, 1, 4, 3, 6, 5, 8, 7]);
    swapBytes(a, 4);
    expect(Array.from(a)).toEqual([3, 4, 1, 2, 7, 8, 5, 6]);
    swapBytes(a, 8);
    expect(Array.from(a)).toEqual([6, 5, 8, 7, 2, 1, 4, 3]);
  });
});
