/**
 * Regenerates test/fixtures/fuzz/: the nastiest inputs the fuzz campaigns (and their follow-up) found or
 * that target each decoder's limits, as tiny files, plus manifest.json with the outcome each must have.
 * Run: `npx tsx test/reliability/fuzz/makeCorpus.ts`. The files are committed; this script documents
 * how each was made.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { encode as encodePngImage } from 'fast-png';
import { encode as encodeJpegImage } from 'jpeg-js';
import { buildTiff } from '../../image/tiffBuilder';
import { tiffLayout } from './mutators';
import { projectSeeds } from './seeds';

/** One corpus entry: the file and what opening it must give. */
export interface CorpusEntry {
  file: string;
  /** `error`: one ImageError/ProjectError whose reason matches `match`; `ok`: opens and reads. */
  expect: 'error' | 'ok';
  match?: string;
  why: string;
}

const OUT = join(__dirname, '../../fixtures/fuzz');
const entries: CorpusEntry[] = [];
function put(file: string, bytes: Uint8Array | string, expect: 'error' | 'ok', why: string, match?: string): void {
  writeFileSync(join(OUT, file), bytes);
  entries.push({ file, expect, match, why });
}

function u32(bytes: Uint8Array, pos: number, value: number, le = true): void {
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(pos, value >>> 0, le);
}
function u16(bytes: Uint8Array, pos: number, value: number, le = true): void {
  new DataView(bytes.buffer, bytes.byteOffset).setUint16(pos, value, le);
}

function baseTiff(pages = 1): Uint8Array {
  return buildTiff(Array.from({ length: pages }, (_, p) => ({ width: 8, height: 6, bits: 16, data: Array.from({ length: 48 }, (_, i) => i * 100 + p), rowsPerStrip: 3 })));
}
function entry(bytes: Uint8Array, tag: number, page = 0) {
  const layout = tiffLayout(bytes);
  const ifd = layout.ifdOffsets[page];
  return layout.entries.filter((e) => e.pos > ifd).find((e) => e.tag === tag)!;
}

mkdirSync(OUT, { recursive: true });

// ---- TIFF
{
  const b = baseTiff();
  const e = entry(b, 256);
  u16(b, e.pos + 2, 11); // ImageWidth as FLOAT: was opened as a NaN-wide image
  u32(b, e.valuePos, 0x7fc00000);
  put('tiff-width-as-float-nan.tif', b, 'error', 'ImageWidth stored as a FLOAT NaN (opened as a NaN×6 image before the fix)', 'invalid value NaN');
}
{
  const b = baseTiff(2);
  const layout = tiffLayout(b);
  u32(b, layout.nextFields[1], layout.ifdOffsets[0]); // page 1 → page 0 → page 1 …
  put('tiff-ifd-chain-loop.tif', b, 'error', 'IFD chain loops back to the first IFD', 'loops back');
}
{
  const b = baseTiff();
  u32(b, entry(b, 256).valuePos, 0xffffffff);
  u32(b, entry(b, 257).valuePos, 0xffffffff);
  put('tiff-huge-declared-size.tif', b, 'error', '4294967295×4294967295 declared in an 8×6 file', 'absurd image size|memory limit');
}
{
  const b = baseTiff();
  u32(b, entry(b, 256).valuePos, 46341);
  u32(b, entry(b, 257).valuePos, 46341);
  put('tiff-plane-over-memory-limit.tif', b, 'error', 'a 46341² plane (8 GiB as float32) must be refused before allocating', 'memory limit');
}
{
  const b = baseTiff();
  const e = entry(b, 273);
  u32(b, e.dataPos, b.length + 1000); // first strip offset past the end
  put('tiff-strip-offset-past-eof.tif', b, 'error', 'a strip offset points past the end of the file', 'truncated');
}
{
  const b = baseTiff();
  const e = entry(b, 273);
  u32(b, e.pos + 4, 0x7fffffff); // StripOffsets claims 2^31 entries
  put('tiff-huge-strip-count.tif', b, 'error', 'StripOffsets claims 2147483647 entries', 'past the end');
}
{
  const b = baseTiff();
  u16(b, entry(b, 277).valuePos, 0xffff);
  put('tiff-65535-samples-per-pixel.tif', b, 'error', 'SamplesPerPixel 65535 (wrong channel count)', 'samples per pixel|mixed bits');
}
{
  const b = buildTiff([{ width: 8, height: 6, bits: 16, data: Array.from({ length: 48 }, (_, i) => i), description: 'ImageJ=1.53t\nimages=999999999\nslices=999999999\n' }]);
  put('tiff-imagej-999999999-planes.tif', b, 'error', 'ImageJ description declares 999,999,999 planes in a one-page file', 'declares 999999999 planes|999999999 contiguous planes need');
}
{
  const b = buildTiff([{ width: 20, height: 18, bits: 16, data: Array.from({ length: 360 }, (_, i) => i), tile: { width: 16, height: 16 } }]);
  u32(b, entry(b, 322).valuePos, 0x40000);
  u32(b, entry(b, 323).valuePos, 0x40000);
  put('tiff-huge-tile.tif', b, 'error', '262144×262144 tiles in a 20×18 image (a 128 GiB block)', 'tile size|lists');
}
{
  const floats = [NaN, Infinity, -Infinity, -0, 1.5, 3.4e38, 1e-45, 0];
  put('tiff-nan-inf-pixels.tif', buildTiff([{ width: 4, height: 2, bits: 32, sampleFormat: 3, data: floats, compression: 8, predictor: 3 }]), 'ok',
    'float32 NaN/±Inf/−0/denormal pixels with the floating-point predictor decode as-is');
}

// ---- PNG
const png = (w: number, h: number) => encodePngImage({ width: w, height: h, channels: 1, depth: 8, data: new Uint8Array(w * h).map((_, i) => i) });
function crc(data: Uint8Array): number {
  let c = ~0;
  for (const byte of data) { c ^= byte; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; }
  return ~c >>> 0;
}
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  u32(out, 0, data.length, false);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  u32(out, 8 + data.length, crc(out.subarray(4, 8 + data.length)), false);
  return out;
}
function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
{
  const b = png(9, 7);
  const ihdr2 = b.slice(8, 33);
  u32(ihdr2, 8, 40000, false);
  u32(ihdr2, 12, 40000, false);
  u32(ihdr2, 21, crc(ihdr2.subarray(4, 21)), false);
  put('png-second-ihdr-huge.png', concat(b.subarray(0, 33), ihdr2, b.subarray(33)), 'error',
    'a second IHDR declaring 40000×40000: fast-png sized its buffer from it (113 MB from 289 bytes), bypassing the limit', 'more than one IHDR');
}
{
  const b = png(16, 16);
  const bomb = new Uint8Array(deflateSync(new Uint8Array(8 * 2 ** 20), { level: 9 }));
  put('png-zlib-bomb.png', concat(b.subarray(0, 33), chunk('IDAT', bomb), chunk('IEND', new Uint8Array())), 'error',
    '8 KB of IDAT inflating to 8 MiB under a 16×16 header (scaled-down zlib bomb)', 'inflates to more than');
}
{
  const b = png(9, 7);
  b[25] = 3; // colour type palette…
  const ihdr = b.subarray(8, 33);
  u32(ihdr, 21, crc(ihdr.subarray(4, 21)), false);
  const plte = chunk('PLTE', new Uint8Array([0, 0, 0, 255, 255, 255])); // …with 2 entries for indices up to 62
  put('png-short-palette.png', concat(b.subarray(0, 33), plte, b.subarray(33)), 'error', 'pixels index past a 2-entry palette', 'palette');
}
{
  const b = png(9, 7);
  u32(b, 16, 0x7fffffff, false);
  put('png-huge-ihdr.png', b, 'error', 'IHDR width 2147483647', 'memory limit');
}

// ---- JPEG
const jpeg = () => new Uint8Array(encodeJpegImage({ width: 16, height: 16, data: new Uint8Array(16 * 16 * 4).map((_, i) => (i % 4 === 3 ? 255 : i)) }, 80).data);
function sof(b: Uint8Array): number {
  for (let p = 2; p + 4 < b.length;) {
    if (b[p + 1] >= 0xc0 && b[p + 1] <= 0xc2) return p;
    p += 2 + ((b[p + 2] << 8) | b[p + 3]);
  }
  throw new Error('no SOF');
}
{
  const b = jpeg();
  const p = sof(b);
  b[p + 5] = 0xff; b[p + 6] = 0xff; b[p + 7] = 0xff; b[p + 8] = 0xff;
  put('jpeg-65535x65535.jpg', b, 'error', 'frame header 65535×65535 in a 16×16 file', 'memory limit');
}
{
  const b = jpeg();
  b[sof(b) + 9] = 0;
  put('jpeg-zero-components.jpg', b, 'error', 'a frame with 0 components', 'JPEG');
}
{
  const b = jpeg();
  put('jpeg-truncated-in-header.jpg', b.slice(0, sof(b) + 6), 'error', 'truncated inside the frame header', 'JPEG');
}

// ---- projects
{
  const base = new TextDecoder().decode(projectSeeds()[1].bytes);
  const full = JSON.parse(base);
  const text = (p: unknown) => `${JSON.stringify(p, null, 2)}\n`;
  put('project-deep-nesting.pixelclass.json', base.replace('"labels": {', `"deep": ${'['.repeat(3000)}0${']'.repeat(2999)},\n  "labels": {`), 'error',
    '3000 nested arrays and a syntax error: the locating scanner overflowed the stack (RangeError) before the fix', 'nested more than');
  put('project-huge-shape-with-labels.pixelclass.json', text({ ...full, images: [{ ...full.images[0], shape: { ...full.images[0].shape, x: 3000000000 } }, full.images[1]] }), 'error',
    'x = 3e9 with labels: validation allocated a 3 GB row buffer (x = 1e15 threw RangeError) before the fix', 'at most 16777216');
  put('project-null-scale.pixelclass.json', text({ ...full, features: { ...full.features, scales: [null, ...full.features.scales.slice(1)] } }), 'error',
    'a null feature scale: TypeError in validateSelection before the fix', 'σ must be a number');
  const nested = JSON.parse(JSON.stringify(full.features));
  nested.scales[0].sigma = '@@DEEP@@';
  put('project-nested-sigma.pixelclass.json', text({ ...full, features: nested }).replace('"@@DEEP@@"', `${'['.repeat(20000)}${']'.repeat(20000)}`), 'error',
    'σ = 20000 nested arrays: JSON.stringify/String() overflowed the stack in validateSelection before the fix', 'σ must be a number');
  put('project-infinite-sigma.pixelclass.json', base.replace(/"sigma": 0\.7/, '"sigma": 1e999'), 'error', 'σ = 1e999 parses as Infinity', 'σ must be a number');
  put('project-proto-pollution.pixelclass.json', base.replace('"labels": {', '"__proto__": {"polluted": true},\n  "labels": {'), 'error',
    'a "__proto__" key: rejected as unknown, Object.prototype untouched', 'unknown key "__proto__"');
  put('project-path-traversal.pixelclass.json', text({ ...full, images: [{ ...full.images[0], path: '../../../../etc/passwd' }], labels: {} }), 'ok',
    'a ../ image path parses (it is data); resolving it is refused by resolveProjectPath (see security.test.ts)');
}

writeFileSync(join(OUT, 'manifest.json'), `${JSON.stringify(entries, null, 2)}\n`);
console.log(`wrote ${entries.length} files to ${OUT}`);
