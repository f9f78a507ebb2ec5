#!/usr/bin/env node
// Generates sample/cells.tif: a deterministic, realistic-looking 16-bit widefield fluorescence image
// of stained nuclei (think DAPI/Hoechst), for the demo workspace and the e2e tests.
//
//   npx tsx scripts/makeSample.mjs            write sample/cells.tif (tsx: the file is written by the
//                                            extension's own TIFF writer, extension/core/image/tiffWriter.ts)
//   npx tsx scripts/makeSample.mjs --check    exit 1 if the committed file's pixels, size or calibration differ
//                                            from what this script makes (plain `node` is enough for --check)
//   npx tsx scripts/makeSample.mjs --out f    write elsewhere
// makeCells() is plain JS, so the e2e tests import this module with plain node for the scene's ground truth.
//
// Image formation, in physical order:
//   1. uneven illumination/background: a tilted plane plus a few very wide Gaussian blobs (~250–700 counts);
//   2. nuclei: non-overlapping rotated ellipses (radii 5–19 px) with soft edges, a per-nucleus brightness
//      (1200–9000 counts above background, a few dim and a few very bright ones) and a smooth chromatin texture;
//      a few nuclei are dividing pairs (two small touching nuclei);
//   3. the optics blur everything with a Gaussian PSF (σ = 1.3 px, mirror border);
//   4. camera: shot noise (Poisson with gain 1 count per photo-electron, Gaussian approximation above 30 counts,
//      exact Knuth sampling below) plus read noise (Gaussian σ = 12 counts) and an offset of 100 counts;
//      values are rounded and clipped to 0..65535.
// Everything comes from one seeded PRNG (mulberry32) and V8's deterministic Math functions, so the output
// is byte-identical on every machine.
//
// File: written by encodeTiff (little-endian, uncompressed strips, ImageJ description with unit=micron and
// the pixel size in the resolution tags), so ImageJ/Fiji and tifffile open it as a calibrated image. Uncompressed
// keeps it trivially readable by the e2e tests' own tiny reader (e2e/helpers/readTiff.js), their ground truth.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const WIDTH = 512;
const HEIGHT = 512;
const SEED = 20261125;
const PIXEL_SIZE_UM = 0.325; // a 20× objective on a 6.5 µm-pixel sCMOS

/** mulberry32: tiny, fast, good-enough 32-bit PRNG; returns floats in [0, 1). */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal deviates by Box–Muller (uses two uniforms per call; no caching, to stay simple). */
function gaussian(rand) {
  const u = 1 - rand(); // (0, 1]
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Poisson deviate: Knuth's product method for small means, Gaussian approximation above 30. */
function poisson(rand, mean) {
  if (mean <= 0) return 0;
  if (mean < 30) {
    const limit = Math.exp(-mean);
    let k = 0;
    let p = rand();
    while (p > limit) { k++; p *= rand(); }
    return k;
  }
  return mean + Math.sqrt(mean) * gaussian(rand);
}

/** Separable Gaussian blur in place on a float image (mirror border, kernel truncated at 4σ). */
function gaussianBlur(img, width, height, sigma) {
  const radius = Math.ceil(4 * sigma);
  const kernel = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) { kernel[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma)); sum += kernel[i + radius]; }
  for (let i = 0; i < kernel.length; i++) kernel[i] /= sum;
  const mirror = (i, n) => (i < 0 ? -i - 1 : i >= n ? 2 * n - i - 1 : i);
  const tmp = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let k = -radius; k <= radius; k++) acc += kernel[k + radius] * img[y * width + mirror(x + k, width)];
      tmp[y * width + x] = acc;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let k = -radius; k <= radius; k++) acc += kernel[k + radius] * tmp[mirror(y + k, height) * width + x];
      img[y * width + x] = acc;
    }
  }
}

/** Smooth value noise on a coarse grid, bilinearly interpolated; used for chromatin texture. */
function valueNoise(rand, width, height, cell) {
  const gw = Math.ceil(width / cell) + 2;
  const gh = Math.ceil(height / cell) + 2;
  const grid = new Float64Array(gw * gh);
  for (let i = 0; i < grid.length; i++) grid[i] = rand();
  const out = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    const gy = y / cell; const y0 = Math.floor(gy); const fy = gy - y0;
    const sy = fy * fy * (3 - 2 * fy);
    for (let x = 0; x < width; x++) {
      const gx = x / cell; const x0 = Math.floor(gx); const fx = gx - x0;
      const sx = fx * fx * (3 - 2 * fx);
      const a = grid[y0 * gw + x0]; const b = grid[y0 * gw + x0 + 1];
      const c = grid[(y0 + 1) * gw + x0]; const d = grid[(y0 + 1) * gw + x0 + 1];
      out[y * width + x] = (a * (1 - sx) + b * sx) * (1 - sy) + (c * (1 - sx) + d * sx) * sy;
    }
  }
  return out;
}

/**
 * Makes the sample image.
 * @returns {{ pixels: Uint16Array, width: number, height: number, nuclei: {row:number,col:number,ry:number,rx:number,brightness:number}[] }}
 *   pixels are row-major (index = row * width + col), raw camera counts.
 */
export function makeCells({ width = WIDTH, height = HEIGHT, seed = SEED } = {}) {
  const rand = mulberry32(seed);

  // 1. background: tilt + wide blobs (vignetting / out-of-focus haze)
  const background = new Float64Array(width * height);
  const blobs = [];
  for (let i = 0; i < 5; i++) {
    blobs.push({ x: rand() * width, y: rand() * height, s: 90 + rand() * 160, a: 60 + rand() * 180 });
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = 260 + 0.35 * x + 0.2 * y;
      for (const b of blobs) v += b.a * Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (2 * b.s * b.s));
      background[y * width + x] = v;
    }
  }

  // 2. nuclei: rejection-sample non-overlapping ellipses; some dividing pairs
  const texture = valueNoise(rand, width, height, 3);
  const coarse = valueNoise(rand, width, height, 7);
  const nuclei = [];
  const fits = (cx, cy, r) => cx - r > -4 && cy - r > -4 && cx + r < width + 4 && cy + r < height + 4 &&
    nuclei.every((n) => Math.hypot(n.col - cx, n.row - cy) > r + Math.max(n.rx, n.ry) + 3);
  const addNucleus = (cx, cy, rx, ry, theta, brightness) =>
    nuclei.push({ row: cy, col: cx, rx, ry, theta, brightness, edge: 0.8 + rand() * 0.8 });
  let attempts = 0;
  while (nuclei.length < 70 && attempts++ < 5000) {
    const r = 6 + rand() * 12 + (rand() < 0.1 ? 2 : 0);
    const cx = rand() * width;
    const cy = rand() * height;
    if (!fits(cx, cy, r + 1)) continue;
    const theta = rand() * Math.PI;
    // brightness: mostly 2500–6000, ~10% dim (G1 / out of focus), ~8% very bright (mitotic, condensed)
    const u = rand();
    const brightness = u < 0.1 ? 1200 + rand() * 800 : u > 0.92 ? 7000 + rand() * 2000 : 2500 + rand() * 3500;
    if (rand() < 0.08 && r > 9) {
      // dividing pair: two small bright nuclei side by side
      const d = r * 0.55;
      const rs = r * 0.5;
      addNucleus(cx + d * Math.cos(theta), cy + d * Math.sin(theta), rs, rs * 0.8, theta, brightness * 1.3);
      addNucleus(cx - d * Math.cos(theta), cy - d * Math.sin(theta), rs, rs * 0.8, theta, brightness * 1.3);
    } else {
      const elong = 0.7 + rand() * 0.3;
      addNucleus(cx, cy, r, r * elong, theta, brightness);
    }
  }
  const signal = new Float64Array(width * height);
  for (const n of nuclei) {
    const R = Math.ceil(Math.max(n.rx, n.ry) + 4);
    const c = Math.cos(n.theta); const s = Math.sin(n.theta);
    for (let y = Math.max(0, Math.floor(n.row - R)); y <= Math.min(height - 1, Math.ceil(n.row + R)); y++) {
      for (let x = Math.max(0, Math.floor(n.col - R)); x <= Math.min(width - 1, Math.ceil(n.col + R)); x++) {
        const dx = x - n.col; const dy = y - n.row;
        const u = (dx * c + dy * s) / n.rx; const v = (-dx * s + dy * c) / n.ry;
        const rho = Math.sqrt(u * u + v * v); // 1 on the boundary
        const dist = (rho - 1) * Math.min(n.rx, n.ry); // ≈ signed distance in px
        const inside = 1 / (1 + Math.exp(dist / (0.35 * n.edge))); // soft edge
        if (inside < 1e-4) continue;
        const i = y * width + x;
        // chromatin: fine speckles + coarse domains, brighter rim (nuclear envelope staining)
        const chrom = 0.75 + 0.35 * texture[i] + 0.2 * coarse[i] + 0.12 * Math.exp(-((rho - 0.85) ** 2) / 0.02);
        signal[i] += n.brightness * inside * chrom;
      }
    }
  }

  // 3. optics
  const photons = new Float64Array(width * height);
  for (let i = 0; i < photons.length; i++) photons[i] = background[i] + signal[i];
  gaussianBlur(photons, width, height, 1.3);

  // 4. camera
  const pixels = new Uint16Array(width * height);
  for (let i = 0; i < pixels.length; i++) {
    const v = 100 + poisson(rand, photons[i]) + 12 * gaussian(rand);
    pixels[i] = Math.min(65535, Math.max(0, Math.round(v)));
  }
  return {
    pixels, width, height,
    nuclei: nuclei.map((n) => ({ row: n.row, col: n.col, ry: n.ry, rx: n.rx, brightness: n.brightness })),
  };
}

/** Encodes the image with the extension's TIFF writer (needs tsx to import TypeScript). */
async function encode(pixels, width, height) {
  let encodeTiff;
  try {
    ({ encodeTiff } = await import('../extension/core/image/tiffWriter.ts'));
  } catch (e) {
    throw new Error(`cannot load extension/core/image/tiffWriter.ts (${e.message}); run this script with: npx tsx scripts/makeSample.mjs`);
  }
  return Buffer.from(encodeTiff([pixels], {
    width, height, dtype: 'uint16', axes: 'YX', shape: { t: 1, z: 1, c: 1 }, compression: 'none',
    resolution: { x: PIXEL_SIZE_UM, y: PIXEL_SIZE_UM, unit: 'micron' },
  }));
}

/** Differences between the committed file and freshly made pixels ([] when they agree). */
function compare(file, pixels, width, height) {
  if (!fs.existsSync(file)) return [`${file} is missing`];
  const { readTiff } = createRequire(import.meta.url)('../e2e/helpers/readTiff.js');
  const t = readTiff(file);
  const problems = [];
  if (t.width !== width || t.height !== height || t.bits !== 16) problems.push(`shape ${t.width}x${t.height} ${t.bits}-bit, expected ${width}x${height} 16-bit`);
  else {
    let diff = 0;
    for (let i = 0; i < pixels.length; i++) if (t.data[i] !== pixels[i]) diff++;
    if (diff) problems.push(`${diff} pixels differ`);
  }
  const text = fs.readFileSync(file).toString('latin1');
  if (!/ImageJ=[\d.a-z]*\n/.test(text) || !/unit=micron/.test(text)) problems.push('ImageJ description with unit=micron missing');
  return problems;
}

async function main() {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const args = process.argv.slice(2);
  const outIdx = args.indexOf('--out');
  const out = outIdx >= 0 ? path.resolve(args[outIdx + 1]) : path.join(here, '..', 'sample', 'cells.tif');
  const { pixels, width, height, nuclei } = makeCells();
  if (args.includes('--check')) {
    const problems = compare(out, pixels, width, height);
    if (problems.length) {
      console.error(`${path.relative(process.cwd(), out)} is out of date (${problems.join('; ')}): run npx tsx scripts/makeSample.mjs`);
      process.exit(1);
    }
    console.log(`${path.relative(process.cwd(), out)} is up to date`);
    return;
  }
  const bytes = await encode(pixels, width, height);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, bytes);
  let min = 65535; let max = 0;
  for (const v of pixels) { if (v < min) min = v; if (v > max) max = v; }
  console.log(`wrote ${out}: ${width}x${height} uint16, ${nuclei.length} nuclei, values ${min}..${max}, ${bytes.length} bytes`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => { console.error(e.message); process.exit(1); });
}
