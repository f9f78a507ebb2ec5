/**
 * `npm run bench -- training [--images 10] [--per-image 50000] [--size 1024] [--sizes 20000,50000,100000,200000,500000]
 *  [--reps 3] [--classes 3] [--no-reference] [--no-determinism]`
 *
 * Many labels, many images (issue #18, ilastik #1569: training stops scaling past a few images). A project of
 * `--images` generated 1024² images (blobs of two kinds on an uneven noisy background, known ground truth) with
 * `--per-image` brush-labelled pixels each (discs of radius 4 painted on one class each, like a careful user), all
 * 49 ilastik features: 500,000 samples × 49 features by default. Prints JSON on stdout (progress on stderr).
 *
 * For each sample count n (the first n of a seeded shuffle of all labelled pixels, kept in sample order):
 * - training of the 100-tree forest as the extension and the CLI do it (`trainForestParallel` on a pool of 2
 *   workers, bins included): wall time (median of `--reps`, the first run of each pool is a warm-up), the process's
 *   CPU time (the workers are threads of this process), nodes, OOB error;
 * - the reference forest that bootstraps all n samples per tree (ilastik's rule; `samplesPerTree` ≥ n), unless
 *   `--no-reference`: its time, OOB error, and how often the two forests agree on held-out pixels;
 * - held-out accuracy: 20,000 random pixels of one more generated image, against the ground truth.
 * At the largest n the forest of 1 worker is compared byte for byte with that of 2 (`--no-determinism` skips it).
 * Features and labels are cached in the temp folder (they take a while to compute). Never asserts timings; the
 * load average is recorded.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { type Forest, forestSummary, predictProbabilities, serializeForest, TreeRandom, treeSampleCount } from '../extension/core/forest/index';
import { trainForestParallel } from '../extension/workers/parallelForest';
import { WorkerPool } from '../extension/workers/workerPool';
import { brushLabels, pixelSamples, truthImage } from './lib/labelledImages';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const nImages = Number(arg('images', '10'));
const perImage = Number(arg('per-image', '50000'));
const size = Number(arg('size', '1024'));
const reps = Math.max(1, Number(arg('reps', '3')));
const nClasses = Number(arg('classes', '3'));
const sizes = arg('sizes', '20000,50000,100000,200000,500000').split(',').map(Number).filter((n) => n > 0);
const reference = !args.includes('--no-reference');
const determinism = !args.includes('--no-determinism');
const N_TREES = 100;
const HOLDOUT = 20000;
const log = (m: string) => process.stderr.write(`[training] ${m}\n`);
const load = () => loadavg().map((v) => +v.toFixed(2));
const workDir = join(tmpdir(), 'pixel-classifier-bench-training');
mkdirSync(workDir, { recursive: true });

/** Collapses the ground truth to `nClasses` classes (2: blobs vs background; 3: background, bright, dim blobs). */
const classOf = (t: number) => (nClasses === 2 ? (t === 1 ? 1 : 2) : t);

/** All labelled samples of the project (image by image) and the held-out pixels; cached in the temp folder. */
function projectSamples(): { X: Float32Array; y: Uint8Array; F: number; holdX: Float32Array; holdY: Uint8Array } {
  const key = `v1-${nImages}x${size}-${perImage}`;
  const files = ['X', 'y', 'holdX', 'holdY'].map((n) => join(workDir, `${key}-${n}.bin`));
  const F = 49;
  if (files.every((f) => existsSync(f))) {
    log(`samples read from ${workDir}`);
    const [X, y, holdX, holdY] = files.map((f) => readFileSync(f));
    const f32 = (b: Buffer) => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    return { X: f32(X), y: new Uint8Array(y), F, holdX: f32(holdX), holdY: new Uint8Array(holdY) };
  }
  const X = new Float32Array(nImages * perImage * F);
  const y = new Uint8Array(nImages * perImage);
  for (let i = 0; i < nImages; i++) {
    const t0 = performance.now();
    const image = truthImage(size, i);
    const s = pixelSamples(image, brushLabels(image, perImage, i));
    X.set(s.X, i * perImage * F);
    y.set(s.y, i * perImage);
    log(`image ${i + 1}/${nImages}: ${perImage} labelled pixels, features in ${Math.round(performance.now() - t0)} ms`);
  }
  const held = truthImage(size, nImages);
  const rng = new TreeRandom(99, 0);
  const holdPixels = Uint32Array.from({ length: HOLDOUT }, () => rng.below(size * size)).sort();
  const h = pixelSamples(held, holdPixels);
  [X, y, h.X, h.y].forEach((a, i) => writeFileSync(files[i], new Uint8Array(a.buffer, a.byteOffset, a.byteLength)));
  return { X, y, F, holdX: h.X, holdY: h.y };
}

/** The first n samples of a seeded shuffle of all samples, in sample order, as shared arrays. */
function subset(X: Float32Array, y: Uint8Array, F: number, n: number): { X: Float32Array; y: Uint8Array } {
  const total = y.length;
  const order = Uint32Array.from({ length: total }, (_, i) => i);
  const rng = new TreeRandom(5, 0);
  for (let i = 0; i < Math.min(n, total - 1); i++) {
    const j = i + rng.below(total - i);
    const t = order[i]; order[i] = order[j]; order[j] = t;
  }
  const chosen = order.subarray(0, n).sort();
  const outX = new Float32Array(new SharedArrayBuffer(4 * n * F));
  const outY = new Uint8Array(new SharedArrayBuffer(n));
  chosen.forEach((p, s) => { outX.set(X.subarray(p * F, (p + 1) * F), s * F); outY[s] = classOf(y[p]); });
  return { X: outX, y: outY };
}

/** Argmax class (1-based) of each held-out pixel. */
function holdoutClasses(forest: Forest, holdX: Float32Array, F: number): Uint8Array {
  const n = holdX.length / F;
  const channelMajor = new Float32Array(n * F);
  for (let s = 0; s < n; s++) for (let f = 0; f < F; f++) channelMajor[f * n + s] = holdX[s * F + f];
  const p = predictProbabilities(forest, channelMajor, n);
  const K = forest.nClasses;
  const out = new Uint8Array(n);
  for (let s = 0; s < n; s++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (p[k * n + s] > p[best * n + s]) best = k;
    out[s] = best + 1;
  }
  return out;
}

const fraction = (a: Uint8Array, b: Uint8Array) => +(a.reduce((n, v, i) => n + (v === b[i] ? 1 : 0), 0) / a.length).toFixed(4);
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)];

/** Trains `reps` times (after one warm-up run); wall and CPU milliseconds of each run. */
async function timedTraining(pool: WorkerPool, X: Float32Array, y: Uint8Array, F: number, samplesPerTree?: number) {
  let forest!: Forest;
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r <= reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    forest = await trainForestParallel(pool, X, y, F, { nClasses, nTrees: N_TREES, seed: 0, ...(samplesPerTree ? { samplesPerTree } : {}) });
    const t1 = performance.now();
    const c = process.cpuUsage(c0);
    if (r === 0) continue; // warm-up (JIT, kernel memory)
    wall.push(Math.round(t1 - t0));
    cpu.push(Math.round((c.user + c.system) / 1000));
  }
  return { forest, wall, cpu };
}

async function main(): Promise<void> {
  const loadStart = load();
  const { X, y, F, holdX, holdY } = projectSamples();
  const holdTruth = holdY.map(classOf);
  const workerScript = join(workDir, 'computeWorker.js');
  await build({
    entryPoints: [resolve(__dirname, '../extension/workers/computeWorker.ts')],
    outfile: workerScript, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error',
  });
  const pool2 = new WorkerPool({ workerScript, size: 2 });
  const rows: Record<string, unknown>[] = [];
  let largest: { X: Float32Array; y: Uint8Array; bytes: Uint8Array } | undefined;
  for (const n of sizes.filter((s) => s <= y.length)) {
    const data = subset(X, y, F, n);
    log(`n = ${n}: training (2 workers)`);
    const ours = await timedTraining(pool2, data.X, data.y, F);
    const ourClasses = holdoutClasses(ours.forest, holdX, F);
    const summary = forestSummary(ours.forest);
    const row: Record<string, unknown> = {
      samples: n,
      samplesPerTree: treeSampleCount(n, 0),
      trainMs: median(ours.wall), trainRunsMs: ours.wall, cpuMs: median(ours.cpu),
      nodes: summary.nodes, meanDepth: summary.meanDepth, oobError: +ours.forest.oobError.toFixed(4), oobSamples: ours.forest.oobSampleCount,
      holdoutAccuracy: fraction(ourClasses, holdTruth),
      loadAverage: load(),
    };
    if (reference && treeSampleCount(n, 0) < n) {
      log(`n = ${n}: reference forest (every tree bootstraps all ${n} samples)`);
      const ref = await timedTraining(pool2, data.X, data.y, F, 0x7fffffff);
      const refClasses = holdoutClasses(ref.forest, holdX, F);
      row.reference = {
        trainMs: median(ref.wall), cpuMs: median(ref.cpu), nodes: forestSummary(ref.forest).nodes,
        oobError: +ref.forest.oobError.toFixed(4), holdoutAccuracy: fraction(refClasses, holdTruth),
      };
      row.holdoutAgreementWithReference = fraction(ourClasses, refClasses);
    }
    log(JSON.stringify(row));
    rows.push(row);
    largest = { ...data, bytes: serializeForest(ours.forest) };
  }
  await pool2.dispose();
  let identical: boolean | undefined;
  if (determinism && largest) {
    log(`determinism: ${largest.y.length} samples with 1 worker`);
    const pool1 = new WorkerPool({ workerScript, size: 1 });
    const one = await trainForestParallel(pool1, largest.X, largest.y, F, { nClasses, nTrees: N_TREES, seed: 0 });
    identical = Buffer.from(serializeForest(one)).equals(Buffer.from(largest.bytes));
    await pool1.dispose();
  }
  const first = rows[0] as { samples: number; trainMs: number } | undefined;
  const last = rows.at(-1) as { samples: number; trainMs: number } | undefined;
  console.log(JSON.stringify({
    benchmark: 'training',
    project: `${nImages} images of ${size}², ${perImage} brush-labelled pixels each, ${F} features, ${nClasses} classes, ${N_TREES} trees`,
    workers: 2, cpus: availableParallelism(), reps,
    rows,
    growth: first && last ? { samplesRatio: +(last.samples / first.samples).toFixed(1), timeRatio: +(last.trainMs / first.trainMs).toFixed(2) } : undefined,
    identicalBytes1vs2Workers: identical,
    target: { samples: 500000, trainMs: 2000 },
    loadAverage: { start: loadStart, end: load() },
  }, null, 2));
}

main().catch((e) => { console.error(e); process.exit(1); });
