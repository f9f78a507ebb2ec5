import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DType } from '../../extension/core/image/imageModel';
import { allocatePixels } from '../../extension/core/image/pixelArrays';
import { encodeTiff, imageJDescription, TiffStreamEncoder } from '../../extension/core/image/tiffWriter';
import { encodePng } from '../../extension/core/image/pngWriter';
import { nodeDeflate } from '../../extension/node/nodeCodecs';
import { openImage, openImageBytes } from '../../extension/node/openImage';
import { TiffStreamWriter, writeTiffFile } from '../../extension/node/tiffFileWriter';

const dir = mkdtempSync(join(tmpdir(), 'pc-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ALL: DType[] = ['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'float32', 'float64'];

function plane(dtype: DType, n: number, seed: number) {
  const p = allocatePixels(dtype, n);
  for (let i = 0; i < n; i++) p[i] = dtype.startsWith('float') ? (i - seed) * 0.5 : (i * 31 + seed * 7) % 120 - (dtype.startsWith('int') ? 60 : 0);
  return p;
}

describe('encodeTiff round trip', () => {
  for (const dtype of ALL) {
    for (const compression of ['none', 'deflate'] as const) {
      it(`${dtype} ${compression}: what we write, we read back identically`, async () => {
        const width = 9;
        const height = 6;
        const shape = { t: 2, z: 1, c: 3 };
        const planes = Array.from({ length: 6 }, (_, i) => plane(dtype, width * height, i));
        const bytes = encodeTiff(planes, { width, height, dtype, shape, compression, deflate: nodeDeflate, rowsPerStrip: 4 });
        const img = await openImageBytes(bytes, 'rt.tif');
        expect(img.info).toMatchObject({ dtype, axes: 'TCYX', shape: { t: 2, z: 1, c: 3, y: height, x: width }, compression });
        for (let t = 0; t < 2; t++) for (let c = 0; c < 3; c++) {
          expect(Array.from(await img.readPlane(t, 0, c))).toEqual(Array.from(planes[t * 3 + c]));
        }
      });
    }
  }

  it('a plane function gives the same bytes as an array', () => {
    const planes = [new Uint16Array([1, 2, 3, 4]), new Uint16Array([5, 6, 7, 8])];
    const opts = { width: 2, height: 2, dtype: 'uint16' as const, shape: { t: 1, z: 2, c: 1 } };
    expect(encodeTiff((i) => planes[i], opts)).toEqual(encodeTiff(planes, opts));
  });

  it('writes the ImageJ description in IFD 0, ASCII only', () => {
    expect(imageJDescription({ t: 3, z: 4, c: 2 }, { x: 0.2, y: 0.2, z: 1.5, unit: 'µm' })).toBe(
      'ImageJ=1.11a\nimages=24\nchannels=2\nslices=4\nframes=3\nhyperstack=true\nmode=composite\nunit=micron\nspacing=1.5\nloop=false\n');
    expect(imageJDescription({ t: 1, z: 1, c: 1 })).toBe('ImageJ=1.11a\n');
    const bytes = encodeTiff([new Uint8Array(4)], { width: 2, height: 2, dtype: 'uint8', description: 'café' });
    expect(Buffer.from(bytes).includes(Buffer.from('caf?'))).toBe(true);
  });

  it('pixel data is contiguous (ImageJ layout) for uncompressed stacks', async () => {
    const bytes = encodeTiff([new Uint8Array([1, 2, 3]), new Uint8Array([4, 5, 6])], { width: 3, height: 1, dtype: 'uint8', shape: { t: 1, z: 2, c: 1 } });
    expect(Array.from(bytes.subarray(8, 14))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('BigTIFF when asked, classic otherwise; auto picks BigTIFF above 4 GiB', async () => {
    const p = [new Uint16Array([1, 2, 3, 4])];
    const big = encodeTiff(p, { width: 2, height: 2, dtype: 'uint16', bigTiff: true });
    expect(big[2]).toBe(43);
    expect(encodeTiff(p, { width: 2, height: 2, dtype: 'uint16' })[2]).toBe(42);
    expect(Array.from(await (await openImageBytes(big, 'b.tif')).readPlane(0, 0, 0))).toEqual([1, 2, 3, 4]);
    expect(new TiffStreamEncoder({ width: 16384, height: 16384, dtype: 'float32', shape: { t: 1, z: 1, c: 4 } }).bigTiff).toBe(true);
    expect(new TiffStreamEncoder({ width: 16384, height: 16384, dtype: 'float32', shape: { t: 1, z: 1, c: 3 } }).bigTiff).toBe(false);
  });

  it('rejects wrong input', () => {
    expect(() => encodeTiff([new Uint8Array(4)], { width: 2, height: 2, dtype: 'uint16' })).toThrow(/expected uint16/);
    expect(() => encodeTiff([new Uint8Array(4)], { width: 2, height: 2, dtype: 'uint8', shape: { t: 1, z: 2, c: 1 } })).toThrow(/missing plane 1/);
    expect(() => encodeTiff([new Uint8Array(4)], { width: 2, height: 2, dtype: 'uint8', compression: 'deflate' })).toThrow(/deflate codec/);
    expect(() => encodeTiff([new Uint8Array(4)], { width: 0, height: 2, dtype: 'uint8' })).toThrow(/invalid TIFF size/);
  });
});

describe('TiffStreamWriter', () => {
  it('writes planes in horizontal bands of any height', async () => {
    const width = 11;
    const height = 37;
    const path = join(dir, 'bands.tif');
    const planes = [0, 1].map((p) => Float32Array.from({ length: width * height }, (_, i) => i * 0.5 + p * 1000));
    const writer = await TiffStreamWriter.create(path, { width, height, dtype: 'float32', shape: { t: 1, z: 1, c: 2 }, compression: 'deflate', rowsPerStrip: 8, channelNames: ['bg', 'fg'] });
    for (let p = 0; p < 2; p++) {
      for (const [y0, y1] of [[0, 5], [5, 6], [6, 30], [30, 37]]) await writer.writeRows(p, y0, planes[p].subarray(y0 * width, y1 * width));
    }
    await writer.close();
    const img = await openImage(path);
    expect(img.info).toMatchObject({ axes: 'CYX', dtype: 'float32', compression: 'deflate' });
    expect(img.info.metadata.channelNames).toEqual(['bg', 'fg']);
    expect(Array.from(await img.readPlane(0, 0, 1))).toEqual(Array.from(planes[1]));
    expect(Array.from(await img.readRegion(0, 0, 0, { y0: 7, y1: 9, x0: 3, x1: 5 }))).toEqual([40, 40.5, 45.5, 46]);
    await img.close();
  });

  it('refuses out-of-order bands and incomplete files', async () => {
    const writer = await TiffStreamWriter.create(join(dir, 'bad.tif'), { width: 2, height: 4, dtype: 'uint8' });
    await expect(writer.writeRows(0, 2, new Uint8Array(4))).rejects.toThrow(/in order/);
    await writer.writeRows(0, 0, new Uint8Array(4));
    await expect(writer.close()).rejects.toThrow(/only 0 of 1 pages/);
  });

  it('writeTiffFile writes the same bytes as encodeTiff', async () => {
    const planes = [new Uint16Array([1, 2, 3, 4, 5, 6]), new Uint16Array([7, 8, 9, 10, 11, 12])];
    const opts = { width: 3, height: 2, dtype: 'uint16' as const, shape: { t: 1, z: 2, c: 1 }, compression: 'deflate' as const, deflate: nodeDeflate };
    const path = join(dir, 'same.tif');
    await writeTiffFile(path, planes, opts);
    expect(new Uint8Array(readFileSync(path))).toEqual(encodeTiff(planes, opts));
    expect(statSync(path).size).toBeGreaterThan(0);
  });
});

describe('encodePng', () => {
  it('8- and 16-bit grey round trip through our PNG reader', async () => {
    const u8 = Uint8Array.from({ length: 12 }, (_, i) => i * 20);
    const img8 = await openImageBytes(encodePng(u8, 4, 3), 'a.png');
    expect(img8.info).toMatchObject({ format: 'png', dtype: 'uint8', axes: 'YX', shape: { c: 1, y: 3, x: 4 } });
    expect(Array.from(await img8.readPlane(0, 0, 0))).toEqual(Array.from(u8));
    const u16 = Uint16Array.from({ length: 6 }, (_, i) => i * 10000);
    const img16 = await openImageBytes(encodePng(u16, 3, 2), 'b.png');
    expect(img16.info.dtype).toBe('uint16');
    expect(Array.from(await img16.readPlane(0, 0, 0))).toEqual(Array.from(u16));
  });

  it('rejects a wrong sample count', () => {
    expect(() => encodePng(new Uint8Array(5), 2, 2)).toThrow(/expected 2×2/);
  });
});

describe('TiffStreamEncoder: pages written in place (issue #18)', () => {
  it('rows put at inPlaceLayout() positions in any order give the same file as writing pages in order', () => {
    const [width, height] = [7, 10];
    const options = { width, height, dtype: 'float32' as const, shape: { t: 1, z: 2, c: 3 }, rowsPerStrip: 3, channelNames: ['a', 'b', 'c'], axes: 'ZCYX' };
    const planes = Array.from({ length: 6 }, (_, p) => Float32Array.from({ length: width * height }, (_, i) => p * 1000 + i));
    const sequential = encodeTiff(planes, options);
    const encoder = new TiffStreamEncoder(options);
    const file = new Uint8Array(sequential.length);
    for (const c of encoder.header()) file.set(c.bytes, c.position);
    const layout = encoder.inPlaceLayout()!;
    expect(layout.rowBytes).toBe(4 * width);
    expect(layout.pageBytes).toBe(4 * width * height);
    // Bands of 4 rows, pages in reverse order (as workers finish in any order).
    for (let p = 5; p >= 0; p--) {
      for (let y = 8; y >= 0; y -= 4) {
        const rows = planes[p].subarray(y * width, Math.min(height, y + 4) * width);
        file.set(new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength), layout.dataStart + p * layout.pageBytes + y * layout.rowBytes);
      }
    }
    encoder.pagesWrittenInPlace();
    for (const c of encoder.finish()) file.set(c.bytes, c.position);
    expect(Buffer.from(file).equals(Buffer.from(sequential))).toBe(true);
  });

  it('no in-place layout for compressed files or once writing has begun', () => {
    expect(new TiffStreamEncoder({ width: 4, height: 4, dtype: 'uint8', compression: 'deflate', deflate: nodeDeflate }).inPlaceLayout()).toBeUndefined();
    const encoder = new TiffStreamEncoder({ width: 4, height: 4, dtype: 'uint8', shape: { t: 1, z: 1, c: 2 } });
    encoder.writeRows(0, 0, new Uint8Array(8));
    expect(encoder.inPlaceLayout()).toBeUndefined();
    expect(() => encoder.pagesWrittenInPlace()).toThrow(/in place/);
  });

  it('uncompressed bands that do not align with strips make the same file as whole planes', () => {
    const [width, height] = [5, 11];
    const options = { width, height, dtype: 'uint16' as const, rowsPerStrip: 4, shape: { t: 1, z: 1, c: 2 } };
    const planes = Array.from({ length: 2 }, (_, p) => Uint16Array.from({ length: width * height }, (_, i) => p * 500 + i));
    const whole = encodeTiff(planes, options);
    const encoder = new TiffStreamEncoder(options);
    const file = new Uint8Array(whole.length);
    const put = (chunks: { position: number; bytes: Uint8Array }[]): void => { for (const c of chunks) file.set(c.bytes, c.position); };
    put(encoder.header());
    for (let p = 0; p < 2; p++) for (const [y0, y1] of [[0, 3], [3, 9], [9, 11]]) put(encoder.writeRows(p, y0, planes[p].subarray(y0 * width, y1 * width)));
    put(encoder.finish());
    expect(Buffer.from(file).equals(Buffer.from(whole))).toBe(true);
  });
});
