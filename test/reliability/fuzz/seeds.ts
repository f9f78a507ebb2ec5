/**
 * Valid seed inputs for the fuzz campaigns, generated in code (no binary fixtures): small files that
 * together reach every decoder path worth attacking — both TIFF byte orders, BigTIFF, strips and
 * tiles, planar 1/2, none/LZW/deflate/PackBits, predictors 2 and 3, 1/4/8/16/32/64-bit samples,
 * NaN/Inf floats, ImageJ hyperstacks and OME-XML; PNG of every colour type and depth; baseline JPEG
 * grey and colour; projects with classes, features, images and RLE labels.
 */
import { deflateSync } from 'node:zlib';
import { encode as encodePngImage } from 'fast-png';
import { encode as encodeJpegImage } from 'jpeg-js';
import { encodeTiff } from '../../../extension/core/image/tiffWriter';
import { selectionDefaultLight } from '../../../extension/core/features/featureSet';
import { LabelVolume } from '../../../extension/core/labels/labelVolume';
import { encodeLabels } from '../../../extension/core/labels/labelRle';
import { createProject } from '../../../extension/project/projectSchema';
import { stringifyProject } from '../../../extension/project/stringifyProject';
import { buildTiff, type BuildPage } from '../../image/tiffBuilder';

/** A seed: bytes plus, for TIFF/PNG/JPEG, what a correct decoder returns for it. */
export interface Seed {
  name: string;
  bytes: Uint8Array;
}

function ramp(n: number, mod: number, scale = 1): number[] {
  return Array.from({ length: n }, (_, i) => ((i * scale) % mod));
}

/** TIFF seeds (each well under 4 KiB so mutations hit the structure often). */
export function tiffSeeds(): Seed[] {
  const w = 12;
  const h = 10;
  const n = w * h;
  const seeds: Seed[] = [];
  const add = (name: string, bytes: Uint8Array) => seeds.push({ name, bytes });
  add('u8-strips-le.tif', buildTiff([{ width: w, height: h, bits: 8, data: ramp(n, 256, 7), rowsPerStrip: 3 }]));
  add('u16-lzw-pred2-be.tif', buildTiff([{ width: w, height: h, bits: 16, data: ramp(n, 65536, 1013), compression: 5, predictor: 2, rowsPerStrip: 4 }], { littleEndian: false }));
  const floats = ramp(n, 1000).map((v, i) => (i === 3 ? NaN : i === 5 ? Infinity : i === 7 ? -Infinity : v / 7 - 50));
  add('f32-deflate-pred3-nan.tif', buildTiff([{ width: w, height: h, bits: 32, sampleFormat: 3, data: floats, compression: 8, predictor: 3, rowsPerStrip: 5 }]));
  add('f64-nan-be.tif', buildTiff([{ width: w, height: h, bits: 64, sampleFormat: 3, data: floats }], { littleEndian: false }));
  add('u16-tiles-packbits.tif', buildTiff([{ width: 20, height: 18, bits: 16, data: ramp(20 * 18, 65536, 331), tile: { width: 16, height: 16 }, compression: 32773 }]));
  add('rgb-planar2-lzw.tif', buildTiff([{ width: w, height: h, bits: 8, samplesPerPixel: 3, planar: 2, data: ramp(n * 3, 256, 5), compression: 5 }]));
  add('rgba-chunky-deflate-pred2.tif', buildTiff([{ width: w, height: h, bits: 8, samplesPerPixel: 4, data: ramp(n * 4, 256, 3), compression: 8, predictor: 2, rowsPerStrip: 2 }]));
  add('i16-signed.tif', buildTiff([{ width: w, height: h, bits: 16, sampleFormat: 2, data: ramp(n, 65536, 977) }]));
  add('bit1.tif', buildTiff([{ width: w, height: h, bits: 1, data: ramp(n, 2), omitTags: [258, 339] }]));
  add('bit4-packbits.tif', buildTiff([{ width: w, height: h, bits: 4, data: ramp(n, 16), compression: 32773 }]));
  add('f16.tif', buildTiff([{ width: 4, height: 2, bits: 16, sampleFormat: 3, data: [0x3c00, 0x7c00, 0xfc00, 0x7e00, 0, 0x8000, 0x3555, 0x0001] }]));
  add('bigtiff-2pages.tif', buildTiff([
    { width: w, height: h, bits: 16, data: ramp(n, 65536, 11), rowsPerStrip: 5 },
    { width: w, height: h, bits: 16, data: ramp(n, 65536, 13) },
  ], { bigTiff: true, littleEndian: false }));
  const page = (i: number, description?: string): BuildPage => ({ width: 6, height: 4, bits: 16, data: ramp(24, 65536, i + 1), description });
  add('imagej-hyperstack.tif', buildTiff([
    page(0, 'ImageJ=1.53t\nimages=4\nchannels=2\nslices=2\nhyperstack=true\nmode=composite\n'), page(1), page(2), page(3),
  ]));
  const ome = '<?xml version="1.0"?><OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06"><Image ID="Image:0"><Pixels DimensionOrder="XYZCT" ID="Pixels:0" SizeC="2" SizeT="1" SizeX="6" SizeY="4" SizeZ="1" Type="uint16"><Channel ID="Channel:0:0" Name="dapi" SamplesPerPixel="1"/><Channel ID="Channel:0:1" Name="gfp" SamplesPerPixel="1"/><TiffData IFD="0" PlaneCount="2"/></Pixels></Image></OME>';
  add('ome-2c.tif', buildTiff([page(0, ome), page(1)]));
  // Our own writer: ImageJ hyperstack with labels, deflate, and a BigTIFF.
  const planes = Array.from({ length: 8 }, (_, i) => Uint16Array.from(ramp(24, 65536, 17 + i)));
  add('writer-tzc-deflate.tif', encodeTiff(planes, {
    width: 6, height: 4, dtype: 'uint16', shape: { t: 2, z: 2, c: 2 }, channelNames: ['a', 'b'], compression: 'deflate',
    deflate: (d) => new Uint8Array(deflateSync(d)), resolution: { x: 0.5, y: 0.5, z: 2, unit: 'micron' },
  }));
  add('writer-bigtiff-f32.tif', encodeTiff([Float32Array.from(floats)], { width: w, height: h, dtype: 'float32', bigTiff: true, rowsPerStrip: 3 }));
  return seeds;
}

/** PNG seeds: every colour type and the interesting bit depths. */
export function pngSeeds(): Seed[] {
  const w = 9;
  const h = 7;
  const n = w * h;
  const seeds: Seed[] = [];
  const add = (name: string, image: Parameters<typeof encodePngImage>[0]) => seeds.push({ name, bytes: encodePngImage(image) });
  add('gray8.png', { width: w, height: h, channels: 1, depth: 8, data: Uint8Array.from(ramp(n, 256, 9)) });
  add('gray16.png', { width: w, height: h, channels: 1, depth: 16, data: Uint16Array.from(ramp(n, 65536, 997)) });
  add('graya8.png', { width: w, height: h, channels: 2, depth: 8, data: Uint8Array.from(ramp(n * 2, 256, 5)) });
  add('rgb8.png', { width: w, height: h, channels: 3, depth: 8, data: Uint8Array.from(ramp(n * 3, 256, 7)) });
  add('rgba16.png', { width: w, height: h, channels: 4, depth: 16, data: Uint16Array.from(ramp(n * 4, 65536, 4099)) });
  // fast-png takes sub-byte samples packed, MSB first, rows padded to whole bytes
  const pack = (bits: number, values: number[]) => {
    const rowBytes = Math.ceil(w * bits / 8);
    const out = new Uint8Array(rowBytes * h);
    values.forEach((v, i) => {
      const bit = (i % w) * bits;
      out[Math.floor(i / w) * rowBytes + (bit >> 3)] |= v << (8 - bits - (bit & 7));
    });
    return out;
  };
  add('gray1.png', { width: w, height: h, channels: 1, depth: 1, data: pack(1, ramp(n, 2)) });
  add('gray4.png', { width: w, height: h, channels: 1, depth: 4, data: pack(4, ramp(n, 16)) });
  try {
    add('palette.png', {
      width: w, height: h, channels: 1, depth: 8, data: Uint8Array.from(ramp(n, 4)),
      palette: [[0, 0, 0], [255, 0, 0], [0, 255, 0], [0, 0, 255]],
    } as never);
  } catch {
    // fast-png builds without indexed encoding: palette files then come only from mutation
  }
  return seeds;
}

/** JPEG seeds: baseline grey-looking and colour, two sizes (MCU edges). */
export function jpegSeeds(): Seed[] {
  const seeds: Seed[] = [];
  const make = (name: string, w: number, h: number, colour: boolean, quality: number) => {
    const data = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) {
      const v = (i * 13) % 256;
      data[i * 4] = v;
      data[i * 4 + 1] = colour ? (v * 3) % 256 : v;
      data[i * 4 + 2] = colour ? 255 - v : v;
      data[i * 4 + 3] = 255;
    }
    seeds.push({ name, bytes: new Uint8Array(encodeJpegImage({ width: w, height: h, data }, quality).data) });
  };
  make('grey-16x16.jpg', 16, 16, false, 90);
  make('colour-17x9.jpg', 17, 9, true, 75);
  make('colour-8x8-q100.jpg', 8, 8, true, 100);
  return seeds;
}

/** Project seeds: a fresh project, and one with two images, labels, provenance and export settings. */
export function projectSeeds(): Seed[] {
  const enc = new TextEncoder();
  const empty = createProject(selectionDefaultLight(), '0.1.0');
  const full = createProject(selectionDefaultLight(), '0.1.0', 3);
  const shape = { t: 1, z: 2, y: 6, x: 8 };
  const volume = new LabelVolume(shape);
  for (let i = 0; i < volume.data.length; i += 3) volume.data[i] = 1 + (i % 3);
  full.images.push(
    { path: 'cells.tif', sha256: 'a'.repeat(64), shape: { ...shape, c: 1 }, dtype: 'uint16' },
    { path: 'sub/other.tif', sha256: '0123456789abcdef'.repeat(4), shape: { t: 2, z: 1, c: 3, y: 4, x: 4 } },
  );
  full.labels['cells.tif'] = encodeLabels(volume);
  full.provenance = { extensionVersion: '0.1.0', lastTrained: '2026-01-02T03:04:05.000Z', oobError: 0.125, trainingHash: 'b'.repeat(64) } as never;
  return [
    { name: 'empty.pixelclass.json', bytes: enc.encode(stringifyProject(empty)) },
    { name: 'full.pixelclass.json', bytes: enc.encode(stringifyProject(full)) },
  ];
}
