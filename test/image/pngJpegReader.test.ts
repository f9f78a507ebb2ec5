import { encode as encodePngRaw } from 'fast-png';
import { encode as encodeJpeg } from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { ImageError } from '../../extension/core/image/imageModel';
import { sniffImageFormat } from '../../extension/core/image/openImageSource';
import { openImageBytes } from '../../extension/node/openImage';

describe('PNG reader', () => {
  it('RGB and RGBA become 3 and 4 channels', async () => {
    const rgb = Uint8Array.from({ length: 2 * 2 * 3 }, (_, i) => i * 10);
    const img = await openImageBytes(encodePngRaw({ width: 2, height: 2, data: rgb, channels: 3, depth: 8 }), 'rgb.png');
    expect(img.info).toMatchObject({ axes: 'CYX', shape: { c: 3, y: 2, x: 2 }, dtype: 'uint8' });
    expect(Array.from(await img.readPlane(0, 0, 1))).toEqual([10, 40, 70, 100]);
    const rgba = Uint16Array.from({ length: 2 * 1 * 4 }, (_, i) => i * 1000);
    const img2 = await openImageBytes(encodePngRaw({ width: 2, height: 1, data: rgba, channels: 4, depth: 16 }), 'rgba.png');
    expect(img2.info).toMatchObject({ shape: { c: 4 }, dtype: 'uint16' });
    expect(Array.from(await img2.readPlane(0, 0, 3))).toEqual([3000, 7000]);
  });

  it('grey + alpha', async () => {
    const img = await openImageBytes(encodePngRaw({ width: 2, height: 1, data: new Uint8Array([1, 255, 2, 128]), channels: 2, depth: 8 }), 'ga.png');
    expect(img.info.shape.c).toBe(2);
    expect(Array.from(await img.readPlane(0, 0, 0))).toEqual([1, 2]);
    expect(Array.from(await img.readPlane(0, 0, 1))).toEqual([255, 128]);
  });

  it('palette → RGB', async () => {
    const palette = [[255, 0, 0], [0, 255, 0], [0, 0, 255]];
    const png = encodePngRaw({ width: 3, height: 1, data: new Uint8Array([2, 0, 1]), channels: 1, depth: 8, palette });
    const img = await openImageBytes(png, 'pal.png');
    expect(img.info.shape.c).toBe(3);
    expect(img.info.metadata.palette).toBe(true);
    expect(Array.from(await img.readPlane(0, 0, 0))).toEqual([0, 255, 0]);
    expect(Array.from(await img.readPlane(0, 0, 2))).toEqual([255, 0, 0]);
  });

  it('1-bit grey unpacks to 0/1', async () => {
    // 10 pixels wide: two bytes per row
    const packed = new Uint8Array([0b10110000, 0b01000000, 0b00000001, 0b11000000]);
    const img = await openImageBytes(encodePngRaw({ width: 10, height: 2, data: packed, channels: 1, depth: 1 }), 'bits.png');
    expect(img.info.dtype).toBe('uint8');
    expect(Array.from(await img.readPlane(0, 0, 0))).toEqual([1, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
  });

  it('truncated PNG gives one ImageError', async () => {
    const png = encodePngRaw({ width: 8, height: 8, data: new Uint8Array(64).fill(9), channels: 1, depth: 8 });
    await expect(openImageBytes(png.subarray(0, 20), 'cut.png')).rejects.toThrow(/cut\.png: truncated PNG/);
    await expect(openImageBytes(png.subarray(0, png.length - 20), 'cut.png')).rejects.toThrow(ImageError);
  });

  it('zero size and memory limit are checked before decoding', async () => {
    const png = encodePngRaw({ width: 100, height: 100, data: new Uint8Array(10000), channels: 1, depth: 8 });
    await expect(openImageBytes(png, 'big.png', { memoryLimitBytes: 1000 })).rejects.toThrow(/memory limit/);
    const zero = png.slice();
    new DataView(zero.buffer).setUint32(16, 0);
    await expect(openImageBytes(zero, 'zero.png')).rejects.toThrow(/zero size/);
  });
});

describe('JPEG reader', () => {
  const w = 16;
  const h = 8;
  const rgba = (grey: boolean) => Uint8Array.from({ length: w * h * 4 }, (_, i) => {
    const p = i >> 2;
    const ch = i & 3;
    if (ch === 3) return 255;
    return grey ? (p * 3) % 256 : ch === 0 ? 200 : ch === 1 ? 30 : 90;
  });

  it('colour JPEG → 3 uint8 channels (lossy, close)', async () => {
    const jpg = encodeJpeg({ width: w, height: h, data: rgba(false) }, 95).data;
    const img = await openImageBytes(new Uint8Array(jpg), 'c.jpg');
    expect(img.info).toMatchObject({ format: 'jpeg', axes: 'CYX', dtype: 'uint8', shape: { c: 3, y: h, x: w } });
    const r = await img.readPlane(0, 0, 0);
    expect(Math.abs(r[5] - 200)).toBeLessThan(6);
  });

  it('grey stored as RGB collapses to one channel', async () => {
    const jpg = encodeJpeg({ width: w, height: h, data: rgba(true) }, 90).data;
    const img = await openImageBytes(new Uint8Array(jpg), 'g.jpg');
    expect(img.info.shape.c).toBe(1);
    expect(img.info.axes).toBe('YX');
  });

  it('corrupt JPEG gives one ImageError', async () => {
    const jpg = new Uint8Array(encodeJpeg({ width: w, height: h, data: rgba(false) }, 90).data);
    await expect(openImageBytes(jpg.subarray(0, 30), 'bad.jpg')).rejects.toThrow(/bad\.jpg: corrupt or truncated JPEG/);
  });
});

describe('format sniffing', () => {
  it('uses magic bytes, not the extension', async () => {
    expect(sniffImageFormat(new Uint8Array([0x49, 0x49, 42, 0]))).toBe('tiff');
    expect(sniffImageFormat(new Uint8Array([0x4d, 0x4d, 0, 43]))).toBe('tiff');
    expect(sniffImageFormat(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('png');
    expect(sniffImageFormat(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(sniffImageFormat(new Uint8Array([0, 1, 2, 3]))).toBeNull();
    const png = encodePngRaw({ width: 1, height: 1, data: new Uint8Array([7]), channels: 1, depth: 8 });
    const img = await openImageBytes(png, 'looks-like.tif');
    expect(img.info.format).toBe('png');
  });
});
