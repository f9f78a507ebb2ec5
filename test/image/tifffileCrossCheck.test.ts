/**
 * Cross-check against tifffile (the reference TIFF library of bio-imaging), when the system
 * python has it (`apt install python3-tifffile`); skipped otherwise, except under CI=true, where a missing
 * library fails the run (see test/pythonCrossCheck.ts).
 * 1. tifffile reads what we write with the right shape, axes, dtype, labels and pixels.
 * 2. We read what tifffile writes: ImageJ hyperstack, OME-TIFF, BigTIFF, zlib (+ predictors),
 *    tiled, big-endian, RGB chunky and planar.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { pythonCrossCheck, SYSTEM_PYTHON } from '../pythonCrossCheck';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageError, type DType, type PixelArray } from '../../extension/core/image/imageModel';
import { allocatePixels } from '../../extension/core/image/pixelArrays';
import { openImage } from '../../extension/node/openImage';
import { writeTiffFile } from '../../extension/node/tiffFileWriter';

const PYTHON = SYSTEM_PYTHON;
const tifffile = pythonCrossCheck(['tifffile', 'numpy']);

const dir = mkdtempSync(join(tmpdir(), 'pc-tifffile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function python(script: string): string {
  const file = join(dir, `script${Math.random().toString(36).slice(2)}.py`);
  writeFileSync(file, script);
  return execFileSync(PYTHON, [file], { encoding: 'utf8', cwd: dir });
}

/** The value at flat index i of the arrays both sides generate. */
function value(dtype: DType, i: number): number {
  switch (dtype) {
    case 'uint8': return i % 251;
    case 'int8': return (i % 251) - 125;
    case 'uint16': return (i * 7) % 65521;
    case 'int16': return ((i * 7) % 65521) - 32000;
    case 'uint32': return (i * 100003) % 4294967291;
    case 'int32': return ((i * 100003) % 2147483647) - 1073741824;
    case 'float32': case 'float64': return i * 0.25 - 100;
  }
}

const NUMPY_EXPR: Record<DType, string> = {
  uint8: '(i % 251)', int8: '(i % 251) - 125', uint16: '(i * 7) % 65521', int16: '((i * 7) % 65521) - 32000',
  uint32: '(i * 100003) % 4294967291', int32: '((i * 100003) % 2147483647) - 1073741824',
  float32: 'i * 0.25 - 100', float64: 'i * 0.25 - 100',
};

describe.skipIf(tifffile.skip)('tifffile reads what we write', () => {
  beforeAll(() => tifffile.assertAvailable());
  const dtypes: DType[] = ['uint8', 'uint16', 'float32', 'int16', 'uint32', 'float64'];
  const shape = { t: 2, z: 3, c: 2 };
  const width = 7;
  const height = 5;
  const planeSize = width * height;
  const files: { path: string; dtype: DType }[] = [];
  let results: Record<string, Record<string, unknown>> = {};

  beforeAll(async () => {
    for (const dtype of dtypes) {
      for (const compression of ['none', 'deflate'] as const) {
        const path = join(dir, `ours-${dtype}-${compression}.tif`);
        files.push({ path, dtype });
        await writeTiffFile(path, (p) => {
          const plane = allocatePixels(dtype, planeSize);
          for (let k = 0; k < planeSize; k++) plane[k] = value(dtype, p * planeSize + k);
          return plane;
        }, { width, height, dtype, shape, axes: 'TZCYX', channelNames: ['DAPI', 'GFP'], compression, resolution: { x: 0.5, y: 0.5, z: 2 }, rowsPerStrip: 2 });
      }
    }
    const big = join(dir, 'ours-big.tif');
    await writeTiffFile(big, [new Uint16Array([1, 2, 3, 4, 5, 6])], { width: 3, height: 2, dtype: 'uint16', bigTiff: true });
    results = JSON.parse(python(`
import json, numpy as np, tifffile
exprs = ${JSON.stringify(NUMPY_EXPR)}
out = {}
for path, dtype in ${JSON.stringify(files.map((f) => [f.path, f.dtype]))}:
    with tifffile.TiffFile(path) as tif:
        s = tif.series[0]
        data = s.asarray()
        i = np.arange(data.size, dtype=np.int64).reshape(data.shape)
        expected = eval(exprs[dtype]).astype(data.dtype)
        md = tif.imagej_metadata or {}
        out[path] = {'shape': list(s.shape), 'axes': s.axes, 'dtype': str(data.dtype), 'equal': bool((data == expected).all()),
            'labels': md.get('Labels'), 'unit': md.get('unit'), 'spacing': md.get('spacing'), 'is_imagej': tif.is_imagej,
            'xres': list(tif.pages[0].tags['XResolution'].value)}
with tifffile.TiffFile(${JSON.stringify(big)}) as tif:
    out['big'] = {'big': tif.is_bigtiff, 'data': tif.asarray().tolist()}
print(json.dumps(out))
`));
  });

  for (const dtype of dtypes) {
    for (const compression of ['none', 'deflate'] as const) {
      it(`${dtype} TZCYX hyperstack, ${compression}`, async () => {
        const path = join(dir, `ours-${dtype}-${compression}.tif`);
        const out = results[path] as { labels: string[]; xres: number[] };
        expect(out).toMatchObject({ shape: [2, 3, 2, 5, 7], axes: 'TZCYX', dtype, equal: true, is_imagej: true, unit: 'micron', spacing: 2 });
        expect(out.labels.slice(0, 2)).toEqual(['DAPI', 'GFP']);
        expect(out.xres[0] / out.xres[1]).toBe(2);
        // and we read it back identically
        const img = await openImage(path);
        expect(img.info.shape).toEqual({ ...shape, y: height, x: width });
        expect(img.info.metadata.channelNames).toEqual(['DAPI', 'GFP']);
        const p = (1 * 3 + 2) * 2 + 1;
        const expected = allocatePixels(dtype, planeSize);
        for (let k = 0; k < planeSize; k++) expected[k] = value(dtype, p * planeSize + k);
        expect(Array.from(await img.readPlane(1, 2, 1))).toEqual(Array.from(expected));
        await img.close();
      });
    }
  }

  it('BigTIFF when asked', () => {
    expect(results.big).toEqual({ big: true, data: [[1, 2, 3], [4, 5, 6]] });
  });
});

interface Case {
  file: string;
  /** python: writes `data` (made from i) to the file f */
  write: string;
  dtype: DType;
  shape: { t: number; z: number; c: number; y: number; x: number };
  axes: string;
  /** flat index in the numpy array of element (t, z, c, y, x) */
  index: (t: number, z: number, c: number, y: number, x: number) => number;
  compression?: string;
}

describe.skipIf(tifffile.skip)('we read what tifffile writes', () => {
  beforeAll(() => tifffile.assertAvailable());
  const shapeIndex = (dims: number[]) => (...at: number[]) => at.reduce((acc, v, k) => acc * dims[k] + v, 0);
  const cases: Case[] = [
    {
      file: 'imagej.tif', dtype: 'uint16', axes: 'TZCYX', shape: { t: 2, z: 3, c: 2, y: 6, x: 5 },
      write: "data = ((i * 7) % 65521).astype('uint16').reshape(2,3,2,6,5); tifffile.imwrite(f, data, imagej=True, metadata={'axes': 'TZCYX'})",
      index: (t, z, c, y, x) => shapeIndex([2, 3, 2, 6, 5])(t, z, c, y, x),
    },
    {
      file: 'imagej-float.tif', dtype: 'float32', axes: 'ZYX', shape: { t: 1, z: 5, c: 1, y: 6, x: 5 },
      write: "data = (i * 0.25 - 100).astype('float32').reshape(5,6,5); tifffile.imwrite(f, data, imagej=True, metadata={'axes': 'ZYX'})",
      index: (_t, z, _c, y, x) => shapeIndex([5, 6, 5])(z, y, x),
    },
    {
      file: 'ome.ome.tif', dtype: 'uint16', axes: 'TZCYX', shape: { t: 2, z: 3, c: 4, y: 6, x: 5 },
      write: "data = ((i * 7) % 65521).astype('uint16').reshape(2,4,3,6,5); tifffile.imwrite(f, data, ome=True, metadata={'axes': 'TCZYX', 'Channel': {'Name': ['a','b','c','d']}})",
      index: (t, z, c, y, x) => shapeIndex([2, 4, 3, 6, 5])(t, c, z, y, x),
    },
    {
      file: 'ome-rgb.ome.tif', dtype: 'uint8', axes: 'ZCYX', shape: { t: 1, z: 2, c: 3, y: 6, x: 5 },
      write: "data = (i % 251).astype('uint8').reshape(2,6,5,3); tifffile.imwrite(f, data, ome=True, photometric='rgb', metadata={'axes': 'ZYXS'})",
      index: (_t, z, c, y, x) => shapeIndex([2, 6, 5, 3])(z, y, x, c),
    },
    {
      file: 'bigtiff.tif', dtype: 'int16', axes: 'ZYX', shape: { t: 1, z: 5, c: 1, y: 6, x: 5 },
      write: "data = ((i * 7) % 65521 - 32000).astype('int16').reshape(5,6,5); tifffile.imwrite(f, data, bigtiff=True)",
      index: (_t, z, _c, y, x) => shapeIndex([5, 6, 5])(z, y, x),
    },
    {
      file: 'zlib-pred.tif', dtype: 'uint16', axes: 'YX', shape: { t: 1, z: 1, c: 1, y: 40, x: 33 }, compression: 'deflate',
      write: "data = ((i * 7) % 65521).astype('uint16').reshape(40,33); tifffile.imwrite(f, data, compression='zlib', predictor=True, rowsperstrip=7)",
      index: (_t, _z, _c, y, x) => y * 33 + x,
    },
    {
      file: 'zlib-be-float.tif', dtype: 'float32', axes: 'YX', shape: { t: 1, z: 1, c: 1, y: 40, x: 33 }, compression: 'deflate',
      write: "data = (i * 0.25 - 100).astype('float32').reshape(40,33); tifffile.imwrite(f, data, compression='zlib', byteorder='>')",
      index: (_t, _z, _c, y, x) => y * 33 + x,
    },
    {
      file: 'zlib-pred-be-int32.tif', dtype: 'int32', axes: 'YX', shape: { t: 1, z: 1, c: 1, y: 20, x: 33 }, compression: 'deflate',
      write: "data = (((i * 100003) % 2147483647) - 1073741824).astype('int32').reshape(20,33); tifffile.imwrite(f, data, compression='zlib', predictor=True, byteorder='>')",
      index: (_t, _z, _c, y, x) => y * 33 + x,
    },
    {
      file: 'tiled.tif', dtype: 'float64', axes: 'ZYX', shape: { t: 1, z: 2, c: 1, y: 40, x: 37 }, compression: 'deflate',
      write: "data = (i * 0.25 - 100).astype('float64').reshape(2,40,37); tifffile.imwrite(f, data, tile=(16,16), compression='zlib')",
      index: (_t, z, _c, y, x) => shapeIndex([2, 40, 37])(z, y, x),
    },
    {
      file: 'bigendian.tif', dtype: 'uint32', axes: 'ZYX', shape: { t: 1, z: 2, c: 1, y: 6, x: 5 },
      write: "data = ((i * 100003) % 4294967291).astype('uint32').reshape(2,6,5); tifffile.imwrite(f, data, byteorder='>')",
      index: (_t, z, _c, y, x) => shapeIndex([2, 6, 5])(z, y, x),
    },
    {
      file: 'rgb-planar.tif', dtype: 'uint8', axes: 'CYX', shape: { t: 1, z: 1, c: 3, y: 6, x: 5 }, compression: 'deflate',
      write: "data = (i % 251).astype('uint8').reshape(3,6,5); tifffile.imwrite(f, data, photometric='rgb', planarconfig='separate', compression='zlib')",
      index: (_t, _z, c, y, x) => shapeIndex([3, 6, 5])(c, y, x),
    },
    {
      file: 'rgb-chunky-tiled.tif', dtype: 'uint16', axes: 'CYX', shape: { t: 1, z: 1, c: 3, y: 20, x: 18 },
      write: "data = ((i * 7) % 65521).astype('uint16').reshape(20,18,3); tifffile.imwrite(f, data, photometric='rgb', tile=(16,16))",
      index: (_t, _z, c, y, x) => shapeIndex([20, 18, 3])(y, x, c),
    },
  ];

  beforeAll(() => {
    const lzma = join(dir, 'lzma.tif');
    python(`import numpy as np, tifffile\n${cases.map((k) => `f = ${JSON.stringify(join(dir, k.file))}\ni = np.arange(${k.shape.t * k.shape.z * k.shape.c * k.shape.y * k.shape.x}, dtype=np.int64)\n${k.write}\n`).join('')}tifffile.imwrite(${JSON.stringify(lzma)}, np.zeros((4,4), 'uint8'), compression='lzma')\n`);
  });

  it.each(cases.map((c) => [c.file, c] as const))('%s', async (_name, k) => {
    const path = join(dir, k.file);
    const img = await openImage(path);
    expect(img.info.shape).toEqual(k.shape);
    expect(img.info.axes).toBe(k.axes);
    expect(img.info.dtype).toBe(k.dtype);
    if (k.compression) expect(img.info.compression).toBe(k.compression);
    const { t: nt, z: nz, c: nc, y: ny, x: nx } = k.shape;
    for (let t = 0; t < nt; t++) {
      for (let z = 0; z < nz; z++) {
        for (let c = 0; c < nc; c++) {
          const plane: PixelArray = await img.readPlane(t, z, c);
          const expected = allocatePixels(k.dtype, ny * nx);
          for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) expected[y * nx + x] = value(k.dtype, k.index(t, z, c, y, x));
          expect(Array.from(plane)).toEqual(Array.from(expected));
        }
      }
    }
    await img.close();
  });

  it('LZMA-compressed file gives one clear error', async () => {
    const path = join(dir, 'lzma.tif');
    await expect(openImage(path)).rejects.toThrow(ImageError);
    await expect(openImage(path)).rejects.toThrow(/unsupported compression LZMA/);
  });
});
