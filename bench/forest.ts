/**
 * `npm run bench -- forest [--quick] [--skip-ml] [--skip-python] [--train-only] [--classes 2,4]`
 *
 * Random forest benchmark of issue #4, printed as JSON on stdout (progress on stderr).
 *
 * Workload: a generated 2048×2048 image (blobs of two intensities and textures on noise, known ground
 * truth), its 49 ilastik features ("all features" of the feature engine, 2D), 20,000 labelled pixels
 * drawn at random from the ground truth, 2 and 4 classes.
 * - ml-random-forest (the library the design first named), run to completion on a workload it can finish:
 *   2,000 samples × 49 features, 10 trees, 7 candidate features (our mtry rule), against ours on the same
 *   workload, per core (one thread each) and per machine (ours on 2 workers); prediction of 20,000 pixels.
 * - ours: training with a pool of 1 and of 2 workers (trees, nodes, depth, OOB), prediction of all
 *   4,194,304 pixels × 49 features with 2 workers (and with 1).
 * - scikit-learn RandomForestClassifier(n_estimators=100, n_jobs=2) training, and vigra
 *   RandomForest(100 trees).predictProbabilities (one thread: vigra's forest predicts in the calling thread),
 *   on the same data in the same run, through /usr/bin/python3 and temporary .f32 files (skipped with a note
 *   when unavailable). Prediction is compared per core (ours with 1 worker against vigra's one thread) and per
 *   machine (ours with 2 workers against vigra in 2 processes, each predicting half the pixels at the same
 *   time, as ilastik splits prediction into blocks).
 *
 * The machine is shared: `loadAverage` is recorded before and after. Targets (issue #4): training
 * ≤ ½ of scikit-learn's time, prediction ≤ ½ of vigra's.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { computeFeatures } from '../extension/core/features/computeFeatureBlock';
import { selectionAll } from '../extension/core/features/featureSet';
import { type Forest, forestSummary, predictProbabilities, serializeForest, trainForest, TreeRandom } from '../extension/core/forest/index';
import { predictProbabilitiesParallel, toShared, trainForestParallel } from '../extension/workers/parallelForest';
import { WorkerPool } from '../extension/workers/workerPool';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const skipMl = args.includes('--skip-ml');
const skipPython = args.includes('--skip-python');
/** Only the training part: no prediction, no vigra. */
const trainOnly = args.includes('--train-only');
/** Timed training runs per pool size (the first runs also warm up the workers' JIT). */
const TRAIN_REPS = 5;
/** Only write the data files (features, X, y) to the temp folder, for profiling. */
const dataOnly = args.includes('--data-only');
const classArg = args.find((a, i) => args[i - 1] === '--classes');
const classList = (classArg ?? '2,4').split(',').map(Number);

const SIZE = quick ? 1024 : 2048;
const N_PIXELS = SIZE * SIZE;
const N_TRAIN = 20000;
const N_TREES = 100;
const PYTHON = '/usr/bin/python3';
const workDir = join(tmpdir(), 'pixel-classifier-bench-forest');
mkdirSync(workDir, { recursive: true });

const log = (message: string) => process.stderr.write(`[forest bench] ${message}\n`);
const seconds = (ms: number) => Math.round(ms) / 1000;
const load = () => loadavg().map((v) => Math.round(v * 100) / 100);

/** Generated image and ground truth (`truth4`: 1 background, 2 bright smooth blobs, 3 dim textured blobs, 4 blob rims). */
function makeImage(size: number): { image: Float32Array; truth4: Uint8Array } {
  const rng = new TreeRandom(2024, 0);
  const uniform = () => rng.nextUint32() / 4294967296;
  const gauss = () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
  const image = new Float32Array(size * size);
  const truth4 = new Uint8Array(size * size).fill(1);
  const nBlobs = Math.round((size * size) / 6000);
  for (let b = 0; b < nBlobs; b++) {
    const cy = uniform() * size, cx = uniform() * size, r = 6 + uniform() * 20;
    const kind = b % 2 === 0 ? 2 : 3;
    const r0 = Math.max(0, Math.floor(cy - r - 3)), r1 = Math.min(size - 1, Math.ceil(cy + r + 3));
    const c0 = Math.max(0, Math.floor(cx - r - 3)), c1 = Math.min(size - 1, Math.ceil(cx + r + 3));
    for (let row = r0; row <= r1; row++) {
      for (let col = c0; col <= c1; col++) {
        const d = Math.hypot(row - cy, col - cx);
        const i = row * size + col;
        if (d <= r - 2) truth4[i] = kind;
        else if (d <= r + 1 && truth4[i] === 1) truth4[i] = 4;
      }
    }
  }
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const i = row * size + col;
      const t = truth4[i];
      const texture = Math.sin(col * 0.9) * Math.sin(row * 0.7);
      image[i] = t === 2 ? 0.62 + 0.12 * gauss()
        : t === 3 ? 0.42 + 0.18 * texture + 0.12 * gauss()
          : t === 4 ? 0.5 + 0.15 * gauss()
            : 0.3 + 0.14 * gauss();
    }
  }
  return { image, truth4 };
}

/** Features for the whole image, cached in the temp folder (they take tens of seconds to compute). */
function imageFeatures(image: Float32Array, size: number): Float32Array {
  const file = join(workDir, `features-${size}-v1.f32`);
  const bytes = 4 * 49 * size * size;
  const shared = new Float32Array(new SharedArrayBuffer(bytes));
  if (existsSync(file) && readFileSync(file).length === bytes) {
    const data = readFileSync(file);
    new Uint8Array(shared.buffer).set(data);
    log(`features read from ${file}`);
    return shared;
  }
  const t0 = performance.now();
  const features = computeFeatures(image, { z: 1, y: size, x: size }, selectionAll());
  if (features.length !== 49 * size * size) throw new Error(`expected 49 feature channels, got ${features.length / (size * size)}`);
  log(`features computed in ${seconds(performance.now() - t0)} s`);
  shared.set(features);
  writeFileSync(file, new Uint8Array(shared.buffer));
  return shared;
}

/** 20,000 random labelled pixels: row-major samples and labels. */
function sampleTraining(features: Float32Array, truth: Uint8Array, nPixels: number, nTrain: number) {
  const rng = new TreeRandom(7, 1);
  const X = new Float32Array(nTrain * 49);
  const y = new Uint8Array(nTrain);
  for (let i = 0; i < nTrain; i++) {
    const p = rng.below(nPixels);
    y[i] = truth[p];
    for (let f = 0; f < 49; f++) X[i * 49 + f] = features[f * nPixels + p];
  }
  return { X, y };
}

function summary(forest: Forest) {
  const s = forestSummary(forest);
  return { trees: s.trees, nodes: s.nodes, leaves: s.leaves, maxDepth: s.maxDepth, meanDepth: s.meanDepth, oobError: s.oobError, modelBytes: serializeForest(forest).length };
}

function accuracy(probs: Float32Array, truth: Uint8Array, K: number, n: number): number {
  let correct = 0;
  for (let p = 0; p < n; p++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (probs[k * n + p] > probs[best * n + p]) best = k;
    if (best + 1 === truth[p]) correct++;
  }
  return Math.round((correct / n) * 10000) / 10000;
}

/** Size of the workload ml-random-forest runs to completion (see module docs). */
const ML_SAMPLES = 2000;
const ML_TREES = 10;
const ML_PREDICT_PIXELS = 20000;

/**
 * ml-random-forest run to completion on a workload it can finish — 2,000 samples × 49 features, 10 trees, 7
 * candidate features (floor(√49), our mtry; ml-random-forest draws them once per tree, we per split), bootstrap
 * with replacement — against our forest with the same samples, trees and mtry: training and predicting 20,000
 * pixels, one thread each (per core), ours also on the 2-worker pool (per machine; ml-random-forest has no threads).
 */
async function measureMlRandomForest(X: Float32Array, y: Uint8Array, features: Float32Array, truth: Uint8Array, K: number, pool1: WorkerPool, pool2: WorkerPool) {
  const { RandomForestClassifier } = await import('ml-random-forest');
  const mtry = Math.floor(Math.sqrt(49));
  const rows = Array.from({ length: ML_SAMPLES }, (_, i) => Array.from(X.subarray(i * 49, (i + 1) * 49)));
  const labels = Array.from(y.subarray(0, ML_SAMPLES));
  const rf = new RandomForestClassifier({ nEstimators: ML_TREES, seed: 1, maxFeatures: mtry, replacement: true, noOOB: true });
  let t0 = performance.now();
  rf.train(rows, labels);
  const mlTrain = (performance.now() - t0) / 1000;
  log(`ml-random-forest: ${ML_TREES} trees on ${ML_SAMPLES} samples in ${mlTrain.toFixed(2)} s`);
  // pixels spread over the image (every k-th), channel-major for ours, rows for ml-random-forest
  const step = Math.floor(N_PIXELS / ML_PREDICT_PIXELS);
  const pixelIndex = Array.from({ length: ML_PREDICT_PIXELS }, (_, i) => i * step);
  const predictRows = pixelIndex.map((p) => Array.from({ length: 49 }, (_, f) => features[f * N_PIXELS + p]));
  t0 = performance.now();
  const mlClasses = rf.predict(predictRows) as number[];
  const mlPredict = (performance.now() - t0) / 1000;
  const channelMajor = new Float32Array(new SharedArrayBuffer(4 * 49 * ML_PREDICT_PIXELS));
  pixelIndex.forEach((p, i) => { for (let f = 0; f < 49; f++) channelMajor[f * ML_PREDICT_PIXELS + i] = features[f * N_PIXELS + p]; });
  const Xs = X.slice(0, ML_SAMPLES * 49);
  const ys = y.slice(0, ML_SAMPLES);
  const options = { nClasses: K, nTrees: ML_TREES, seed: 0, mtry };
  trainForest(Xs, ys, 49, options); // JIT warm-up, as ml-random-forest's own code ran once above
  t0 = performance.now();
  const ours = trainForest(Xs, ys, 49, options);
  const oursTrain = (performance.now() - t0) / 1000;
  await trainForestParallel(pool2, Xs, ys, 49, options);
  t0 = performance.now();
  await trainForestParallel(pool2, Xs, ys, 49, options);
  const oursTrain2 = (performance.now() - t0) / 1000;
  predictProbabilities(ours, channelMajor, ML_PREDICT_PIXELS);
  t0 = performance.now();
  const probs = predictProbabilities(ours, channelMajor, ML_PREDICT_PIXELS);
  const oursPredict = (performance.now() - t0) / 1000;
  await predictProbabilitiesParallel(pool2, ours, channelMajor, ML_PREDICT_PIXELS);
  t0 = performance.now();
  await predictProbabilitiesParallel(pool2, ours, channelMajor, ML_PREDICT_PIXELS);
  const oursPredict2 = (performance.now() - t0) / 1000;
  void pool1;
  let mlCorrect = 0;
  let oursCorrect = 0;
  pixelIndex.forEach((p, i) => {
    if (mlClasses[i] === truth[p]) mlCorrect++;
    let best = 0;
    for (let k = 1; k < K; k++) if (probs[k * ML_PREDICT_PIXELS + i] > probs[best * ML_PREDICT_PIXELS + i]) best = k;
    if (best + 1 === truth[p]) oursCorrect++;
  });
  const ms = (v: number) => Math.round(v * 100000) / 100;
  return {
    workload: `${ML_SAMPLES} samples × 49 features, ${ML_TREES} trees, ${mtry} candidate features, bootstrap; prediction of ${ML_PREDICT_PIXELS} pixels spread over the image`,
    options: `RandomForestClassifier({ nEstimators: ${ML_TREES}, maxFeatures: ${mtry} (drawn once per tree; ours: per split), replacement: true, noOOB: true })`,
    mlRandomForest: { trainMs: ms(mlTrain), predictMs: ms(mlPredict), pixelAccuracy: +(mlCorrect / ML_PREDICT_PIXELS).toFixed(4) },
    ours: {
      trainMs1Thread: ms(oursTrain), trainMs2Workers: ms(oursTrain2), predictMs1Thread: ms(oursPredict), predictMs2Workers: ms(oursPredict2),
      pixelAccuracy: +(oursCorrect / ML_PREDICT_PIXELS).toFixed(4),
    },
    speedup: {
      trainPerCore: +(mlTrain / oursTrain).toFixed(1), trainPerMachine: +(mlTrain / oursTrain2).toFixed(1),
      predictPerCore: +(mlPredict / oursPredict).toFixed(1), predictPerMachine: +(mlPredict / oursPredict2).toFixed(1),
    },
  };
}

function python(script: string, argv: string[]): unknown {
  const file = join(workDir, 'bench.py');
  writeFileSync(file, script);
  const result = spawnSync(PYTHON, [file, ...argv], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (result.status !== 0) throw new Error(`python failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!);
}

const SKLEARN_SCRIPT = String.raw`
import sys, json, time, os
import numpy as np
from sklearn.ensemble import RandomForestClassifier
x_file, y_file, n, f = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
X = np.fromfile(x_file, dtype=np.float32).reshape(n, f)
y = np.fromfile(y_file, dtype=np.uint8)
times = []
for rep in range(2):
    clf = RandomForestClassifier(n_estimators=100, n_jobs=2, random_state=rep)
    t0 = time.perf_counter(); clf.fit(X, y); times.append(time.perf_counter() - t0)
nodes = sum(e.tree_.node_count for e in clf.estimators_)
depths = [e.tree_.max_depth for e in clf.estimators_]
print(json.dumps({"fitSeconds": [round(t, 3) for t in times], "nodes": int(nodes), "maxDepth": int(max(depths)), "meanDepth": float(np.mean(depths)), "loadAverage": [round(v, 2) for v in os.getloadavg()]}))
`;

const VIGRA_SCRIPT = String.raw`
import sys, json, time, os
import numpy as np
import vigra
x_file, y_file, n, f, feat_file, npx = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], int(sys.argv[6])
X = np.fromfile(x_file, dtype=np.float32).reshape(n, f)
y = np.fromfile(y_file, dtype=np.uint8).astype(np.uint32).reshape(n, 1)
rf = vigra.learning.RandomForest(treeCount=100)
t0 = time.perf_counter(); oob = rf.learnRF(X, y, 0); learn = time.perf_counter() - t0
feats = np.ascontiguousarray(np.fromfile(feat_file, dtype=np.float32).reshape(f, npx).T)
t0 = time.perf_counter(); probs = rf.predictProbabilities(feats); predict = time.perf_counter() - t0
np.argmax(probs, axis=1).astype(np.uint8).tofile(feat_file + ".vigra_argmax")
rf.writeHDF5(feat_file + ".vigra_rf.h5", "rf")
print(json.dumps({"learnSeconds": round(learn, 3), "oob": oob, "predictSeconds": round(predict, 3), "megapixelsPerSecond": round(npx / predict / 1e6, 4), "loadAverage": [round(v, 2) for v in os.getloadavg()]}))
`;

/** vigra prediction of pixels [start, end) with a saved forest; waits for "go" on stdin once its data is loaded. */
const VIGRA_HALF_SCRIPT = String.raw`
import sys, json, time
import numpy as np
import vigra
model, feat_file, f, npx, start, end = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
rf = vigra.learning.RandomForest(model, "rf")
feats = np.ascontiguousarray(np.memmap(feat_file, dtype=np.float32, mode="r", shape=(f, npx))[:, start:end].T)
print("ready", flush=True)
sys.stdin.readline()
t0 = time.time(); rf.predictProbabilities(feats); t1 = time.time()
print(json.dumps({"start": t0, "end": t1}), flush=True)
`;

/**
 * vigra per machine: 2 processes each predicting half of the pixels at the same time (each loads its half and
 * the saved forest first, then both start together). Wall time from the first start to the last end.
 */
async function vigraTwoProcesses(model: string, featureFile: string, nPixels: number): Promise<number> {
  const file = join(workDir, 'vigra_half.py');
  writeFileSync(file, VIGRA_HALF_SCRIPT);
  const half = Math.floor(nPixels / 2);
  const children = [[0, half], [half, nPixels]].map(([a, b]) => spawn(PYTHON, [file, model, featureFile, '49', String(nPixels), String(a), String(b)], { stdio: ['pipe', 'pipe', 'inherit'] }));
  const lines = children.map((child) => {
    let buffered = '';
    const waiters: ((line: string) => void)[] = [];
    const queue: string[] = [];
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const w = waiters.shift();
        if (w) w(line); else queue.push(line);
      }
    });
    return () => new Promise<string>((r) => { const q = queue.shift(); if (q !== undefined) r(q); else waiters.push(r); });
  });
  await Promise.all(lines.map((next) => next())); // both ready
  children.forEach((c) => c.stdin!.write('go\n'));
  const results = (await Promise.all(lines.map((next) => next()))).map((l) => JSON.parse(l) as { start: number; end: number });
  children.forEach((c) => c.stdin!.end());
  return Math.max(...results.map((r) => r.end)) - Math.min(...results.map((r) => r.start));
}

async function main() {
  const result: Record<string, unknown> = {
    benchmark: 'forest', date: new Date().toISOString(), cores: availableParallelism(), node: process.version,
    workload: { imagePixels: N_PIXELS, trainingSamples: N_TRAIN, features: 49, trees: N_TREES, classes: classList },
    loadAverageStart: load(),
  };
  log(`generating ${SIZE}×${SIZE} image and 49 features`);
  const { image, truth4 } = makeImage(SIZE);
  const features = imageFeatures(image, SIZE);
  const featureFile = join(workDir, `features-${SIZE}-v1.f32`);

  const workerScript = join(workDir, 'computeWorker.js');
  await build({
    entryPoints: [resolve(__dirname, '../extension/workers/computeWorker.ts')],
    outfile: workerScript, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error',
  });
  const pool1 = new WorkerPool({ workerScript, size: 1 });
  const pool2 = new WorkerPool({ workerScript, size: 2 });
  const havePython = !skipPython && existsSync(PYTHON)
    && spawnSync(PYTHON, ['-c', 'import sklearn, vigra, numpy'], { encoding: 'utf8' }).status === 0;
  if (!havePython) result.python = 'skipped: /usr/bin/python3 with sklearn, vigra and numpy not available (or --skip-python)';

  for (const K of classList) {
    const truth = K === 4 ? truth4 : truth4.map((t) => (t === 2 || t === 3 ? 2 : 1));
    const { X, y } = sampleTraining(features, truth, N_PIXELS, N_TRAIN);
    const counts = Array.from({ length: K }, (_, k) => y.filter((v) => v === k + 1).length);
    const section: Record<string, unknown> = { classCounts: counts };
    result[`classes${K}`] = section;
    const xFile = join(workDir, `X-${K}.f32`);
    const yFile = join(workDir, `y-${K}.u8`);
    writeFileSync(xFile, new Uint8Array(X.buffer));
    writeFileSync(yFile, y);
    if (dataOnly) continue;

    if (!skipMl && K === classList[0]) {
      log('ml-random-forest');
      section.mlRandomForest = await measureMlRandomForest(X, y, features, truth, K, pool1, pool2);
    }

    log(`ours: training ${K} classes`);
    const train: Record<string, unknown> = {};
    let forest: Forest | undefined;
    let bytes1: Uint8Array | undefined;
    for (const [name, pool] of [['workers1', pool1], ['workers2', pool2]] as const) {
      const times: number[] = [];
      for (let rep = 0; rep < TRAIN_REPS; rep++) {
        const t0 = performance.now();
        forest = await trainForestParallel(pool, X, y, 49, { nClasses: K, nTrees: N_TREES, seed: 0 });
        times.push(seconds(performance.now() - t0));
      }
      const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
      train[name] = { seconds: times, best: Math.min(...times), median, loadAverage: load() };
      const bytes = serializeForest(forest!);
      if (!bytes1) bytes1 = bytes; else train.identicalBytes1vs2Workers = Buffer.from(bytes).equals(Buffer.from(bytes1));
    }
    train.model = summary(forest!);
    section.ours = { train };

    if (havePython) {
      log(`sklearn: training ${K} classes`);
      const sk = python(SKLEARN_SCRIPT, [xFile, yFile, String(N_TRAIN), '49']) as { fitSeconds: number[] };
      section.sklearn = { ...sk, best: Math.min(...sk.fitSeconds) };
      section.trainRatioOursOverSklearn = Math.round(((train.workers2 as { best: number }).best / Math.min(...sk.fitSeconds)) * 1000) / 1000;
    }

    if (trainOnly) continue;
    log(`ours: predicting ${N_PIXELS} pixels`);
    const predict: Record<string, unknown> = {};
    const out = new Float32Array(new SharedArrayBuffer(4 * K * N_PIXELS));
    for (const [name, pool] of [['workers2', pool2], ['workers1', pool1]] as const) {
      const t0 = performance.now();
      await predictProbabilitiesParallel(pool, forest!, toShared(features), N_PIXELS, { out });
      const s = seconds(performance.now() - t0);
      predict[name] = { seconds: s, megapixelsPerSecond: Math.round((N_PIXELS / s / 1e6) * 1000) / 1000, loadAverage: load() };
    }
    predict.pixelAccuracyVsGroundTruth = accuracy(out, truth, K, N_PIXELS);
    (section.ours as Record<string, unknown>).predict = predict;

    if (havePython) {
      log(`vigra: learning and predicting ${K} classes (single-threaded)`);
      const vg = python(VIGRA_SCRIPT, [join(workDir, `X-${K}.f32`), join(workDir, `y-${K}.u8`), String(N_TRAIN), '49', featureFile, String(N_PIXELS)]) as { predictSeconds: number };
      const vigraArgmax = readFileSync(`${featureFile}.vigra_argmax`);
      let agree = 0;
      let vigraCorrect = 0;
      for (let p = 0; p < N_PIXELS; p++) {
        let best = 0;
        for (let k = 1; k < K; k++) if (out[k * N_PIXELS + p] > out[best * N_PIXELS + p]) best = k;
        if (best === vigraArgmax[p]) agree++;
        if (vigraArgmax[p] + 1 === truth[p]) vigraCorrect++;
      }
      rmSync(`${featureFile}.vigra_argmax`);
      log(`vigra: predicting ${K} classes in 2 processes (half the pixels each)`);
      const vigra2 = await vigraTwoProcesses(`${featureFile}.vigra_rf.h5`, featureFile, N_PIXELS);
      rmSync(`${featureFile}.vigra_rf.h5`);
      section.vigra = {
        ...vg, predictSeconds2Processes: Math.round(vigra2 * 1000) / 1000,
        pixelAccuracyVsGroundTruth: Math.round((vigraCorrect / N_PIXELS) * 10000) / 10000, argmaxAgreementWithOurs: Math.round((agree / N_PIXELS) * 10000) / 10000,
      };
      const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;
      // time ratios (ours / vigra; below 1 = ours faster): one core each, and the whole machine each
      section.predictRatioOursOverVigra = {
        perCore: predict.workers1 ? ratio((predict.workers1 as { seconds: number }).seconds, vg.predictSeconds) : null,
        perMachine: ratio((predict.workers2 as { seconds: number }).seconds, vigra2),
      };
    }
  }
  await pool1.dispose();
  await pool2.dispose();
  result.loadAverageEnd = load();
  result.git = (() => { try { return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim(); } catch { return undefined; } })();
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().catch((error) => { console.error(error); process.exit(1); });
