import { describe, expect, it } from 'vitest';
import { openImageBytes } from '../../extension/node/openImage';
import { memoryByteSource } from '../../extension/core/image/byteSource';
import { openImageSource } from '../../extension/core/image/openImageSource';
import { ImageError, type DType } from '../../extension/core/image/imageModel';
import { encode as encodeJpeg } from 'jpeg-js';
import { buildTiff, type BuildPage } from './tiffBuilder';

const FORMATS: { dtype: DType; bits: number; format: number; gen: (i: number) => number }[] = [
  { dtype: 'uint8', bits: 8, format: 1, gen: (i) => (i * 37 + 11) % 256 },
  { dtype: 'int8', bits: 8, format: 2, gen: (i) => ((i * 37 + 11) % 256) - 128 },
  { dtype: 'uint16', bits: 16, format: 1, gen: (i) => (i * 7919 + 3) % 65536 },
  { dtype: 'int16', bits: 16, format: 2, gen: (i) => ((i * 7919 + 3) % 65536) - 32768 },
  { dtype: 'uint32', bits: 32, format: 1, gen: (i) => (i * 2654435761) % 4294967296 },
  { dtype: 'int32', bits: 32, format: 2, gen: (i) => ((i * 2654435761) % 4294967296) - 2147483648 },
  { dtype: 'float32', bits: 32, format: 3, gen: (i) => Math.fround(i * 0.37 - 5.5) },
  { dtype: 'float64', bits: 64, format: 3, gen: (i) => i * 0.1234567891 - 3 },
];

function samples(n: number, gen: (i: number) => number): number[] {
  return Array.from({ length: n }, (_, i) => gen(i));
}

async function open(bytes: Uint8Array, name = 'test.tif', options = {}) {
  return openImageBytes(bytes, name, options);
}

describe('TIFF reader: sample types × byte order × compression × predictor', () => {
  const width = 13;
  const height = 7;
  for (const f of FORMATS) {
    for (const littleEndian of [true, false]) {
      for (const compression of [1, 5, 8, 32773] as const) {
        const predictors: (1 | 2 | 3)[] = f.format === 3 ? (f.bits === 32 || f.bits === 64 ? [1, 3] : [1]) : (f.bits <= 32 ? [1, 2] : [1]);
        for (const predictor of predictors) {
          it(`${f.dtype} ${littleEndian ? 'LE' : 'BE'} compression=${compression} predictor=${predictor}`, async () => {
            const data = samples(width * height, f.gen);
            const bytes = buildTiff([{ width, height, bits: f.bits, sampleFormat: f.format, data, compression, predictor, rowsPerStrip: 3 }], { littleEndian });
            const img = await open(bytes);
            expect(img.info.dtype).toBe(f.dtype);
            expect(img.info.shape).toEqual({ t: 1, z: 1, c: 1, y: height, x: width });
            expect(img.info.axes).toBe('YX');
            expect(Array.from(await img.readPlane(0, 0, 0))).toEqual(data);
          });
        }
      }
    }
  }
});

describe('TIFF reader: layouts', () => {
  const width = 37;
  const height = 21;

  it('tiled uint16 with partial edge tiles, LZW + predictor, big-endian', async () => {
    const data = samples(width * height, (i) => (i * 101) % 65536);
    const bytes = buildTiff([{ width, height, bits: 16, data, tile: { width: 16, height: 16 }, compression: 5, predictor: 2 }], { littleEndian: false });
    const img = await open(bytes);
    expect(img.info.metadata.layout).toBe('tiles 16×16');
    expect(Array.from(await img.readPlane(0, 0, 0))).toEqual(data);
  });

  it('chunky RGB becomes three channels', async () => {
    const data = samples(width * height * 3, (i) => i % 251);
    const img = await open(buildTiff([{ width, height, bits: 8, samplesPerPixel: 3, data, compression: 8, predictor: 2, rowsPerStrip: 4 }]));
    expect(img.info.shape.c).toBe(3);
    expect(img.info.axes).toBe('CYX');
    for (let c = 0; c < 3; c++) {
      expect(Array.from(await img.readPlane(0, 0, c))).toEqual(data.filter((_, i) => i % 3 === c));
    }
  });

  it('planar (separate) 4-sample float32 tiled with predictor 3', async () => {
    const data = samples(width * height * 4, (i) => Math.fround(Math.sin(i) * 1000));
    const img = await open(buildTiff([{ width, height, bits: 32, sampleFormat: 3, samplesPerPixel: 4, planar: 2, data, tile: { width: 16, height: 16 }, compression: 8, predictor: 3 }]));
    expect(img.info.shape.c).toBe(4);
    expect(img.info.metadata.planar).toBe('separate');
    for (let c = 0; c < 4; c++) {
      expect(Array.from(await img.readPlane(0, 0, c))).toEqual(data.filter((_, i) => i % 4 === c));
    }
  });

  it('BigTIFF, both byte orders', async () => {
    for (const littleEndian of [true, false]) {
      const data = samples(width * height, (i) => (i * 3) % 65536);
      const img = await open(buildTiff([{ width, height, bits: 16, data, rowsPerStrip: 5 }, { width, height, bits: 16, data: data.map((v) => v + 1) }], { bigTiff: true, littleEndian }));
      expect(img.info.metadata.bigTiff).toBe(true);
      expect(img.info.shape.z).toBe(2);
      expect(Array.from(await img.readPlane(0, 1, 0))).toEqual(data.map((v) => v + 1));
    }
  });

  it('big-endian with many strips (geotiff deferred-array bug workaround)', async () => {
    const h = 300;
    const data = samples(8 * h, (i) => i % 65536);
    const img = await open(buildTiff([{ width: 8, height: h, bits: 16, data, rowsPerStrip: 1 }], { littleEndian: false }));
    expect(Array.from(await img.readPlane(0, 0, 0))).toEqual(data);
  });

  it('1-bit file without BitsPerSample defaults to 1 bit', async () => {
    const data = samples(width * height, (i) => (i * 7) % 3 === 0 ? 1 : 0);
    const img = await open(buildTiff([{ width, height, bits: 1, data, omitTags: [258, 339] }]));
    expect(img.info.dtype).toBe('uint8');
    expect(Array.from(await img.readPlane(0, 0, 0))).toEqual(data);
  });

  it('4-bit samples unpack to uint8', async () => {
    const data = samples(width * height, (i) => i % 16);
    const img = await open(buildTiff([{ width, height, bits: 4, data, compression: 32773 }]));
    expect(Array.from(await img.readPlane(0, 0, 0))).toEqual(data);
  });

  it('float16 decodes to float32', async () => {
    // 0x3c00 = 1, 0xc000 = -2, 0x3555 ≈ 0.333, 0x7bff = 65504
    const halves = [0x3c00, 0xc000, 0x3555, 0x7bff];
    const img = await open(buildTiff([{ width: 4, height: 1, bits: 16, sampleFormat: 3, data: halves }]));
    expect(img.info.dtype).toBe('float32');
    const plane = await img.readPlane(0, 0, 0);
    expect(Array.from(plane)).toEqual([1, -2, Math.fround(0.333251953125), 65504]);
  });

  it('readRegion equals the crop of readPlane (strips and tiles, chunky and planar)', async () => {
    const variants: Partial<BuildPage>[] = [
      { rowsPerStrip: 4 }, { tile: { width: 16, height: 16 } }, { samplesPerPixel: 3, rowsPerStrip: 2 },
      { samplesPerPixel: 2, planar: 2, tile: { width: 16, height: 16 }, compression: 5 },
    ];
    for (const v of variants) {
      const spp = v.samplesPerPixel ?? 1;
      const data = samples(width * height * spp, (i) => (i * 13) % 60000);
      const img = await open(buildTiff([{ width, height, bits: 16, data, ...v } as BuildPage]));
      for (let c = 0; c < spp; c++) {
        const plane = await img.readPlane(0, 0, c);
        for (const box of [{ y0: 0, y1: 21, x0: 0, x1: 37 }, { y0: 3, y1: 18, x0: 5, x1: 33 }, { y0: 20, y1: 21, x0: 36, x1: 37 }, { y0: 15, y1: 17, x0: 14, x1: 18 }]) {
          const region = await img.readRegion(0, 0, c, box);
          const expected: number[] = [];
          for (let y = box.y0; y < box.y1; y++) for (let x = box.x0; x < box.x1; x++) expected.push(plane[y * width + x]);
          expect(Array.from(region)).toEqual(expected);
          const f = await img.readRegionFloat32(0, 0, c, box);
          expect(Array.from(f)).toEqual(expected);
        }
      }
    }
  });

  it('JPEG-compressed strips (YCbCr photometric) decode to RGB close to the source', async () => {
    const w = 16;
    const h = 16;
    const rgba = Uint8Array.from({ length: w * h * 4 }, (_, i) => [200, 40, 120, 255][i & 3]);
    const jpeg = new Uint8Array(encodeJpeg({ width: w, height: h, data: rgba }, 95).data);
    const img = await open(buildTiff([{ width: w, height: h, bits: 8, samplesPerPixel: 3, data: [], photometric: 6, rawBlocks: { compression: 7, blocks: [jpeg] } }]));
    expect(img.info).toMatchObject({ compression: 'jpeg', axes: 'CYX', dtype: 'uint8' });
    for (const [c, expected] of [[0, 200], [1, 40], [2, 120]]) {
      const plane = await img.readPlane(0, 0, c);
      expect(Math.abs(plane[17] - expected)).toBeLessThanOrEqual(4);
    }
  });

  it('readPlaneFloat32 writes into the given target', async () => {
    const data = samples(width * height, (i) => i);
    const img = await open(buildTiff([{ width, height, bits: 16, data }]));
    const target = new Float32Array(width * height + 5);
    const out = await img.readPlaneFloat32(0, 0, 0, target);
    expect(out).toBe(target);
    expect(Array.from(out.subarray(0, width * height))).toEqual(data);
  });

  it('works without node codecs (pure core path with geotiff deflate)', async () => {
    const data = samples(width * height, (i) => (i * 5) % 65536);
    const img = await openImageSource(memoryByteSource(buildTiff([{ width, height, bits: 16, data, compression: 8, predictor: 2 }])), 'core.tif');
    expect(Array.from(await img.readPlane(0, 0, 0))).toEqual(data);
  });
});

describe('TIFF reader: axes', () => {
  const w = 3;
  const h = 2;
  const page = (value: number, description?: string): BuildPage => ({ width: w, height: h, bits: 16, data: new Array(w * h).fill(value), description });

  it('plain multi-page = z-stack', async () => {
    const img = await open(buildTiff([page(0), page(1), page(2)]));
    expect(img.info.shape).toMatchObject({ t: 1, z: 3, c: 1 });
    expect(img.info.axes).toBe('ZYX');
    expect((await img.readPlane(0, 2, 0))[0]).toBe(2);
  });

  it('ImageJ hyperstack: pages in CZT order', async () => {
    const desc = 'ImageJ=1.53t\nimages=12\nchannels=2\nslices=3\nframes=2\nhyperstack=true\n';
    const pages = Array.from({ length: 12 }, (_, i) => page(i, i === 0 ? desc : undefined));
    const img = await open(buildTiff(pages));
    expect(img.info.shape).toMatchObject({ t: 2, z: 3, c: 2 });
    expect(img.info.axes).toBe('TZCYX');
    // page = (t*3 + z)*2 + c
    expect((await img.readPlane(1, 2, 1))[0]).toBe(11);
    expect((await img.readPlane(0, 1, 1))[0]).toBe(3);
    expect((await img.readPlane(1, 0, 0))[0]).toBe(6);
  });

  it('truncated ImageJ file: images= beyond the IFD count, planes contiguous', async () => {
    const desc = 'ImageJ=1.53t\nimages=4\nslices=4\n';
    const first = buildTiff([{ ...page(0, desc), data: [0, 1, 2, 3, 4, 5] }]);
    // Append planes 1..3 right after the pixel data of page 0 (which follows the 8-byte header).
    const extra = new Uint8Array(3 * w * h * 2);
    const ev = new DataView(extra.buffer);
    for (let p = 1; p < 4; p++) for (let i = 0; i < w * h; i++) ev.setUint16(((p - 1) * w * h + i) * 2, p * 100 + i, true);
    // Page 0's data is at offset 8 (12 bytes); move the IFD after the appended planes.
    const ifdStart = 8 + 12;
    const ifd = first.slice(ifdStart);
    const bytes = new Uint8Array(8 + 12 + extra.length + ifd.length);
    bytes.set(first.subarray(0, ifdStart));
    bytes.set(extra, ifdStart);
    const newIfdAt = ifdStart + extra.length;
    // Rebuild with the IFD relocated: patch out-of-line offsets inside the IFD by the shift.
    const shifted = relocateIfd(ifd, ifdStart, newIfdAt);
    bytes.set(shifted, newIfdAt);
    new DataView(bytes.buffer).setUint32(4, newIfdAt, true);
    const img = await open(bytes);
    expect(img.info.shape.z).toBe(4);
    expect(img.info.metadata.truncatedImageJ).toBe(true);
    expect(Array.from(await img.readPlane(0, 0, 0))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(await img.readPlane(0, 3, 0))).toEqual([300, 301, 302, 303, 304, 305]);
    // …and one whose planes would run past the end of the file is an error
    const tooMany = buildTiff([page(0, 'ImageJ=1.53t\nimages=99\nslices=99\n')]);
    await expect(open(tooMany, 'cut.tif')).rejects.toThrow(/cut\.tif: truncated: 99 contiguous planes/);
    const compressed = buildTiff([{ ...page(0, 'ImageJ=1.53t\nimages=99\nslices=99\n'), compression: 8 }]);
    await expect(open(compressed, 'cut.tif')).rejects.toThrow(/declares 99 planes but the file has only 1 pages/);
  });

  it('OME-XML: DimensionOrder XYZCT and TiffData', async () => {
    const xml = '<?xml version="1.0"?><OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06"><Image ID="Image:0"><Pixels DimensionOrder="XYZCT" Type="uint16" SizeX="3" SizeY="2" SizeZ="2" SizeC="3" SizeT="1" PhysicalSizeX="0.5"><Channel ID="Channel:0:0" Name="DAPI" SamplesPerPixel="1"/><Channel ID="Channel:0:1" Name="GFP" SamplesPerPixel="1"/><Channel ID="Channel:0:2" Name="RFP" SamplesPerPixel="1"/><TiffData IFD="0" PlaneCount="6"/></Pixels></Image></OME>';
    const pages = Array.from({ length: 6 }, (_, i) => page(i, i === 0 ? xml : undefined));
    const img = await open(buildTiff(pages));
    expect(img.info.shape).toMatchObject({ t: 1, z: 2, c: 3 });
    expect(img.info.axes).toBe('ZCYX');
    expect(img.info.metadata.channelNames).toEqual(['DAPI', 'GFP', 'RFP']);
    // XYZCT: plane = z + 2*c
    expect((await img.readPlane(0, 1, 2))[0]).toBe(5);
    expect((await img.readPlane(0, 1, 0))[0]).toBe(1);
    expect((await img.readPlane(0, 0, 1))[0]).toBe(2);
  });

  it('OME-XML RGB: SamplesPerPixel=3 channel → C axis of 3', async () => {
    const xml = '<OME><Image><Pixels DimensionOrder="XYCZT" SizeX="2" SizeY="1" SizeZ="2" SizeC="3" SizeT="1"><Channel SamplesPerPixel="3"/></Pixels></Image></OME>';
    const mk = (base: number, description?: string): BuildPage => ({ width: 2, height: 1, bits: 8, samplesPerPixel: 3, data: [base, base + 1, base + 2, base + 3, base + 4, base + 5], description });
    const img = await open(buildTiff([mk(0, xml), mk(10)]));
    expect(img.info.shape).toMatchObject({ z: 2, c: 3 });
    expect(Array.from(await img.readPlane(0, 1, 2))).toEqual([12, 15]);
  });
});

describe('TIFF reader: bad input gives one ImageError', () => {
  const good = (): Uint8Array => buildTiff([{ width: 8, height: 8, bits: 16, data: new Array(64).fill(7), rowsPerStrip: 2 }, { width: 8, height: 8, bits: 16, data: new Array(64).fill(9) }]);

  async function expectError(bytes: Uint8Array, pattern: RegExp, options = {}): Promise<void> {
    let error: unknown = null;
    try {
      const img = await open(bytes, 'bad.tif', options);
      // some problems only show when pixels are read
      for (let z = 0; z < img.info.shape.z; z++) await img.readPlane(0, z, 0);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ImageError);
    expect((error as ImageError).fileName).toBe('bad.tif');
    expect((error as ImageError).message).toMatch(pattern);
  }

  it('empty file', () => expectError(new Uint8Array(0), /empty/));
  it('unknown format', () => expectError(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), /unrecognised image format/));
  it('truncated in the pixel data', async () => {
    const bytes = buildTiff([{ width: 64, height: 64, bits: 16, data: new Array(4096).fill(1) }]);
    // keep the IFD (at the end) but cut pixel data: move IFD pointer? simplest: zero out the tail after the header
    const cut = bytes.slice(0, 8 + 4000);
    await expectError(cut, /truncated|past the end|outside the file/);
  });
  it('truncated anywhere never crashes', async () => {
    const bytes = good();
    for (let n = 1; n < bytes.length; n += 7) await expectError(bytes.subarray(0, n), /./);
  });
  it('first IFD offset beyond the end of the file', async () => {
    const bytes = good();
    new DataView(bytes.buffer).setUint32(4, bytes.length + 100, true);
    await expectError(bytes, /outside the file/);
  });
  it('IFD loop', async () => {
    const bytes = good();
    const v = new DataView(bytes.buffer);
    const first = v.getUint32(4, true);
    // find page 1's next-IFD field: walk to IFD 1
    const n0 = v.getUint16(first, true);
    const second = v.getUint32(first + 2 + n0 * 12, true);
    const n1 = v.getUint16(second, true);
    v.setUint32(second + 2 + n1 * 12, first, true);
    await expectError(bytes, /loops/);
  });
  it('zero width', () => expectError(buildTiff([{ width: 0, height: 4, bits: 8, data: [] }]), /zero size/));
  it('absurd size against the memory limit', async () => {
    const bytes = buildTiff([{ width: 4, height: 4, bits: 8, data: new Array(16).fill(0), extraTags: [] }]);
    // patch ImageWidth/ImageLength to 200000×200000
    const v = new DataView(bytes.buffer);
    const ifd = v.getUint32(4, true);
    const n = v.getUint16(ifd, true);
    for (let e = 0; e < n; e++) {
      const tag = v.getUint16(ifd + 2 + e * 12, true);
      if (tag === 256 || tag === 257) v.setUint32(ifd + 2 + e * 12 + 8, 200000, true);
    }
    await expectError(bytes, /memory limit/);
  });
  it('absurd declared size for the bytes stored (30000×30000 from a 16-byte strip)', async () => {
    const bytes = buildTiff([{ width: 4, height: 4, bits: 8, data: new Array(16).fill(0), compression: 8 }]);
    const v = new DataView(bytes.buffer);
    const ifd = v.getUint32(4, true);
    const n = v.getUint16(ifd, true);
    for (let e = 0; e < n; e++) {
      const tag = v.getUint16(ifd + 2 + e * 12, true);
      if (tag === 256 || tag === 257 || tag === 278) v.setUint32(ifd + 2 + e * 12 + 8, 30000, true);
    }
    await expectError(bytes, /absurd size: page 0 declares 30000×30000/);
  });
  it('uncompressed strips shorter than the declared plane', async () => {
    const bytes = buildTiff([{ width: 4, height: 4, bits: 16, data: new Array(16).fill(0) }]);
    const v = new DataView(bytes.buffer);
    const ifd = v.getUint32(4, true);
    const n = v.getUint16(ifd, true);
    for (let e = 0; e < n; e++) {
      if (v.getUint16(ifd + 2 + e * 12, true) === 279) v.setUint32(ifd + 2 + e * 12 + 8, 10, true);
    }
    await expectError(bytes, /declares 32 bytes of pixels but its strips hold only 10/);
  });
  it('plane over a small configured memory limit', () => expectError(good(), /over the memory limit of 0 MiB/, { memoryLimitBytes: 100 }));
  it('unsupported compression (LZMA)', async () => {
    const bytes = buildTiff([{ width: 4, height: 4, bits: 8, data: new Array(16).fill(0), omitTags: [259], extraTags: [{ tag: 259, type: 3, values: [34925] }] }]);
    await expectError(bytes, /unsupported compression LZMA/);
  });
  it('unsupported sample format (complex)', async () => {
    const bytes = buildTiff([{ width: 4, height: 4, bits: 32, sampleFormat: 6, data: new Array(16).fill(0) }]);
    await expectError(bytes, /unsupported sample format/);
  });
  it('unsupported bit depth (12-bit)', async () => {
    const bytes = buildTiff([{ width: 4, height: 4, bits: 8, data: new Array(16).fill(0), omitTags: [258], extraTags: [{ tag: 258, type: 3, values: [12] }] }]);
    await expectError(bytes, /unsupported sample format: 12-bit/);
  });
  it('corrupt LZW data', async () => {
    const bytes = buildTiff([{ width: 16, height: 16, bits: 8, data: new Array(256).fill(3), compression: 5 }]);
    // garbage over the strip right after the header: 0xff bytes give codes beyond the dictionary
    bytes.fill(0xff, 8, 14);
    await expectError(bytes, /cannot decode strip 0 of page 0: corrupt LZW/);
  });
  it('strip offsets pointing past the end', async () => {
    const bytes = buildTiff([{ width: 4, height: 4, bits: 8, data: new Array(16).fill(0), omitTags: [273], extraTags: [{ tag: 273, type: 4, values: [1_000_000] }] }]);
    expect(bytes.length).toBeLessThan(1_000_000);
    await expectError(bytes, /truncated: page 0 strip 0 ends at byte 1000016/);
  });
  it('page with a different size than page 0', async () => {
    const bytes = buildTiff([{ width: 4, height: 4, bits: 8, data: new Array(16).fill(0) }, { width: 2, height: 2, bits: 8, data: [1, 2, 3, 4] }]);
    await expectError(bytes, /page 1 is 2×2/);
  });
  it('region outside the plane', async () => {
    const img = await open(good());
    await expect(img.readRegion(0, 0, 0, { y0: 0, y1: 9, x0: 0, x1: 8 })).rejects.toThrow(/outside the 8×8 plane/);
    await expect(img.readPlane(0, 5, 0)).rejects.toThrow(ImageError);
  });
});

/** Copies an IFD (classic, little-endian) to a new position, fixing out-of-line value offsets. */
function relocateIfd(ifd: Uint8Array, from: number, to: number): Uint8Array {
  const out = ifd.slice();
  const v = new DataView(out.buffer);
  const n = v.getUint16(0, true);
  const sizes = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8];
  for (let e = 0; e < n; e++) {
    const p = 2 + e * 12;
    const tag = v.getUint16(p, true);
    const type = v.getUint16(p + 2, true);
    const count = v.getUint32(p + 4, true);
    if (sizes[type] * count > 4) v.setUint32(p + 8, v.getUint32(p + 8, true) - from + to, true);
    else if (tag === 273) v.setUint32(p + 8, v.getUint32(p + 8, true), true);
  }
  return out;
}
