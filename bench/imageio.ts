/**
 * `npm run bench -- imageio [--size 8192] [--skip-geotiff]`
 *
 * Decode time of an 8192² uint16 TIFF in several layouts: geotiff's worst case, LZW + horizontal predictor
 * with one row per strip (8192 strips, the layout that makes geotiff's LZW slow); typical layouts, LZW +
 * predictor in strips of 8 and of 64 rows and uncompressed strips of 16 rows; and 512² tiles with deflate +
 * predictor: our reader (openImage + readPlane / readRegion) vs geotiff `readRasters`, wall and CPU time.
 * The files are generated into the temp dir with our writer pieces and LZW encoder (the system
 * tifffile has no imagecodecs, so it cannot write LZW). Prints JSON; never asserts timings.
 */
import { deflateSync } from 'node:zlib';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromFile } from 'geotiff';
import { lzwEncode } from '../extension/core/image/lzwDecode';
import { openImage } from '../extension/node/openImage';

const args = process.argv.slice(2);
const size = Number(args[args.indexOf('--size') + 1]) || 8192;
const skipGeotiff = args.includes('--skip-geotiff');

/** A fluorescence-like uint16 plane: smooth background, blobs, noise. */
function makePlane(n: number): Uint16Array {
  const plane = new Uint16Array(n * n);
  let seed = 12345;
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      seed = (seed * 1664525 + 1013904223) >>> 0;
      const bg = 800 + 300 * Math.sin(x / 700) * Math.cos(y / 500);
      const blob = ((x >> 6) + (y >> 6)) % 7 === 0 ? 1500 : 0;
      plane[y * n + x] = Math.round(bg + blob + (seed >>> 26));
    }
  }
  return plane;
}

/** Horizontal differencing (predictor 2) of `rows` rows of width `w`, returned as LE bytes. */
function predict(plane: Uint16Array, w: number, y0: number, rows: number, x0 = 0, bw = w, stride = w): Uint8Array {
  const out = new Uint16Array(bw * rows);
  for (let r = 0; r < rows; r++) {
    let prev = 0;
    for (let x = 0; x < bw; x++) {
      const v = plane[(y0 + r) * stride + x0 + x];
      out[r * bw + x] = (v - prev) & 0xffff;
      prev = v;
    }
  }
  return new Uint8Array(out.buffer);
}

/** Writes a classic little-endian TIFF from encoded blocks (strips or tiles). */
function writeTiff(path: string, n: number, blocks: Uint8Array[], compression: number, tile?: number, rowsPerStrip = 1): number {
  const dataBytes = blocks.reduce((s, b) => s + b.length, 0);
  const count = blocks.length;
  const tags: [number, number, number[]][] = [
    [256, 4, [n]], [257, 4, [n]], [258, 3, [16]], [259, 3, [compression]], [262, 3, [1]],
    [277, 3, [1]], ...(compression === 1 ? [] : [[317, 3, [2]] as [number, number, number[]]]), [339, 3, [1]],
  ];
  const offsets: number[] = [];
  let pos = 8;
  for (const b of blocks) { offsets.push(pos); pos += b.length; }
  if (tile) tags.push([322, 4, [tile]], [323, 4, [tile]], [324, 4, offsets], [325, 4, blocks.map((b) => b.length)]);
  else tags.push([273, 4, offsets], [278, 4, [rowsPerStrip]], [279, 4, blocks.map((b) => b.length)]);
  tags.sort((a, b) => a[0] - b[0]);
  const ifdAt = 8 + dataBytes + (dataBytes & 1);
  const head = 2 + tags.length * 12 + 4;
  const total = ifdAt + head + tags.reduce((s, t) => s + (t[2].length > 1 ? t[2].length * 4 : 0), 0);
  const file = new Uint8Array(total);
  const v = new DataView(file.buffer);
  v.setUint16(0, 0x4949);
  v.setUint16(2, 42, true);
  v.setUint32(4, ifdAt, true);
  pos = 8;
  for (const b of blocks) { file.set(b, pos); pos += b.length; }
  v.setUint16(ifdAt, tags.length, true);
  let extra = ifdAt + head;
  tags.forEach(([tag, type, values], i) => {
    const p = ifdAt + 2 + i * 12;
    v.setUint16(p, tag, true);
    v.setUint16(p + 2, type, true);
    v.setUint32(p + 4, values.length, true);
    if (values.length === 1) {
      if (type === 3) v.setUint16(p + 8, values[0], true); else v.setUint32(p + 8, values[0], true);
    } else {
      v.setUint32(p + 8, extra, true);
      for (const value of values) { v.setUint32(extra, value, true); extra += 4; }
    }
  });
  writeFileSync(path, file);
  void count;
  return total;
}

/** Wall time and CPU time (user + system of this process; robust when the machine is loaded). */
async function time<T>(fn: () => Promise<T>): Promise<{ seconds: number; cpuSeconds: number; result: T }> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const result = await fn();
  const c = process.cpuUsage(c0);
  return { seconds: (performance.now() - t0) / 1000, cpuSeconds: (c.user + c.system) / 1e6, result };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pc-bench-imageio-'));
  const figures: Record<string, unknown> = { size, dtype: 'uint16', planeMiB: (size * size * 2) / 2 ** 20, loadavgStart: loadavg().map((l) => +l.toFixed(2)) };
  try {
    const plane = makePlane(size);
    const tGen = performance.now();
    const strips: Uint8Array[] = [];
    for (let y = 0; y < size; y++) strips.push(lzwEncode(predict(plane, size, y, 1)));
    const lzwPath = join(dir, 'lzw-strips.tif');
    figures.lzwFileMiB = +(writeTiff(lzwPath, size, strips, 5) / 2 ** 20).toFixed(1);
    strips.length = 0;
    const tileSize = 512;
    const tiles: Uint8Array[] = [];
    for (let ty = 0; ty < size; ty += tileSize) {
      for (let tx = 0; tx < size; tx += tileSize) tiles.push(new Uint8Array(deflateSync(predict(plane, size, ty, tileSize, tx, tileSize, size), { level: 6 })));
    }
    const deflatePath = join(dir, 'deflate-tiles.tif');
    figures.deflateFileMiB = +(writeTiff(deflatePath, size, tiles, 8, tileSize) / 2 ** 20).toFixed(1);
    tiles.length = 0;
    // Typical layouts of microscopy TIFFs: strips of 8–64 rows (LZW + predictor, as ImageJ/tifffile/Bio-Formats
    // write them), and uncompressed strips.
    const stripFile = (rows: number, compression: 'lzw' | 'none') => {
      const blocks: Uint8Array[] = [];
      for (let y = 0; y < size; y += rows) {
        const h = Math.min(rows, size - y);
        blocks.push(compression === 'lzw' ? lzwEncode(predict(plane, size, y, h)) : new Uint8Array(plane.buffer, y * size * 2, h * size * 2).slice());
      }
      const path = join(dir, `${compression}-strips${rows}.tif`);
      figures[`${compression}Strips${rows}FileMiB`] = +(writeTiff(path, size, blocks, compression === 'lzw' ? 5 : 1, undefined, rows) / 2 ** 20).toFixed(1);
      return path;
    };
    const typical = [
      ['lzwPredictorStrips8Rows', stripFile(8, 'lzw')],
      ['lzwPredictorStrips64Rows', stripFile(64, 'lzw')],
      ['uncompressedStrips16Rows', stripFile(16, 'none')],
    ] as const;
    figures.generateSeconds = +((performance.now() - tGen) / 1000).toFixed(2);

    const check = (data: ArrayLike<number>): boolean => {
      for (let i = 0; i < data.length; i += 9973) if (data[i] !== plane[i]) return false;
      return data.length === plane.length;
    };

    // geotiff's worst case (LZW strips of one row) first, then the typical layouts and 512² tiles
    for (const [label, path] of [['lzwPredictorStrips1RowWorstCase', lzwPath], ...typical, ['deflatePredictorTiles512', deflatePath]] as const) {
      const ours = await time(async () => {
        const img = await openImage(path);
        const data = await img.readPlane(0, 0, 0);
        await img.close();
        return data;
      });
      const region = await time(async () => {
        const img = await openImage(path);
        const data = await img.readRegion(0, 0, 0, { y0: size / 2 - 512, y1: size / 2 + 512, x0: size / 2 - 512, x1: size / 2 + 512 });
        await img.close();
        return data;
      });
      const entry: Record<string, unknown> = {
        oursReadPlaneSeconds: +ours.seconds.toFixed(2),
        oursReadPlaneCpuSeconds: +ours.cpuSeconds.toFixed(2),
        oursMiBPerSecond: +(((size * size * 2) / 2 ** 20) / ours.seconds).toFixed(1),
        oursCorrect: check(ours.result),
        oursReadRegion1024Seconds: +region.seconds.toFixed(3),
      };
      if (!skipGeotiff) {
        const geo = await time(async () => {
          const tiff = await fromFile(path);
          const image = await tiff.getImage();
          const rasters = await image.readRasters({ interleave: true });
          await tiff.close();
          return rasters as unknown as Uint16Array;
        });
        entry.geotiffReadRastersSeconds = +geo.seconds.toFixed(2);
        entry.geotiffReadRastersCpuSeconds = +geo.cpuSeconds.toFixed(2);
        entry.geotiffCorrect = check(geo.result);
        entry.speedup = +(geo.seconds / ours.seconds).toFixed(1);
        entry.cpuSpeedup = +(geo.cpuSeconds / ours.cpuSeconds).toFixed(1);
      }
      figures[label] = entry;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  figures.loadavgEnd = loadavg().map((l) => +l.toFixed(2));
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
