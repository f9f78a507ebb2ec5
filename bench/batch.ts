/**
 * `npm run bench -- batch [--images 20] [--size 1024] [--big] [--big-size 16384] [--big-rows N] [--skip-python] [--keep]`: end-to-end
 * batch prediction (issue #6) through the built CLI (dist/cli.js), exactly as a user runs it:
 * read → 49 features (ilastik pipeline) → 100-tree forest → float32 probabilities TIFF.
 *
 * - train: `pixel-classifier train` on image 0 with ~20k scribbled labels (all 49 features, 100 trees);
 * - batch: `pixel-classifier predict` on N images of size² uint16 with all cores; images/min, Mpix/s, peak RSS;
 * - big (optional, long): one big² uint16 image with the default --memory-limit (1536 MB): peak RSS of the
 *   whole process (workers included, /usr/bin/time), wall time, and whether the output is a valid BigTIFF
 *   (tifffile reads it back when available);
 * - python: the same pipeline with vigra (the same 49 filters with ilastik's presmoothing, vigra RandomForest with
 *   100 trees, tifffile I/O) over the same files with 2 forked processes — when /usr/bin/python3 has vigra;
 * - pythonFastfilters: the same with fastfilters' filters (ilastik's real stack: fastfilters features + vigra RF,
 *   2 processes) — when fastfilters is importable (`bash ../shared/anchors/build-fastfilters.sh` builds it; else
 *   skipped with a note). Target (issue #18): batch ≥ 4× this pipeline with both cores.
 * Both sides are timed the same way: the whole prediction process under /usr/bin/time, cold, from process start to the
 * last file written, with a forest trained and saved by an earlier process (ours: the project; Python: vigra's HDF5).
 * The Python timer from the fork to the last file is reported too (`batchSeconds`, `…Inner` ratios).
 * Prints JSON; the load average is recorded because the machine is shared with other work.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { encodeTiff } from '../extension/core/image/tiffWriter';
import { TiffStreamWriter } from '../extension/node/tiffFileWriter';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const N_IMAGES = option('--images', 20);
const SIZE = option('--size', 1024);
const BIG = args.includes('--big');
const BIG_SIZE = option('--big-size', 16384);
/** Rows of the big image (default square); a full-width strip of fewer rows measures the same peak RSS sooner. */
const BIG_ROWS = option('--big-rows', BIG_SIZE);
const skipPython = args.includes('--skip-python');
const root = resolve(__dirname, '..');
const cliJs = join(root, 'dist', 'cli.js');
const PYTHON = '/usr/bin/python3';

function log(message: string): void {
  process.stderr.write(`[bench batch] ${message}\n`);
}

/** Deterministic uint16 image: discs (~3000) on background (~1000) plus noise; truth 1/2. Fast (disc boxes only). */
function makeImage(width: number, height: number, seed: number, truth?: Uint8Array): Uint16Array {
  let s = seed >>> 0;
  const random = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
  const mask = truth ?? new Uint8Array(width * height);
  mask.fill(1);
  const discs = Math.round((width * height) / 1500);
  for (let d = 0; d < discs; d++) {
    const r0 = height * random(), c0 = width * random(), radius = 4 + 6 * random();
    for (let r = Math.max(0, Math.floor(r0 - radius)); r <= Math.min(height - 1, Math.ceil(r0 + radius)); r++) {
      for (let c = Math.max(0, Math.floor(c0 - radius)); c <= Math.min(width - 1, Math.ceil(c0 + radius)); c++) {
        if ((r - r0) ** 2 + (c - c0) ** 2 <= radius ** 2) mask[r * width + c] = 2;
      }
    }
  }
  const pixels = new Uint16Array(width * height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.max(0, Math.round((mask[i] === 2 ? 3000 : 1000) + (random() + random() + random() - 1.5) * 300));
  return pixels;
}

/** Runs a command under /usr/bin/time; returns wall seconds, peak RSS (MB) and stdout. */
function timed(command: string, argv: string[], cwd: string): { seconds: number; peakRssMb: number; stdout: string; status: number | null; stderr: string } {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %M', command, ...argv], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  const lines = result.stderr.trim().split('\n');
  const [seconds, kb] = lines[lines.length - 1].split(' ').map(Number);
  return { seconds, peakRssMb: Math.round(kb / 1024), stdout: result.stdout, status: result.status, stderr: lines.slice(0, -1).join('\n') };
}

const VIGRA_SCRIPT = String.raw`
import sys, os, json, time, numpy as np, tifffile, vigra
import multiprocessing
folder, n, impl, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
scales = [0.3, 0.7, 1.0, 1.6, 3.5, 5.0, 10.0]
if impl == "fastfilters":
    # the AVX2/FMA filters ilastik's released binaries use (calls as ../shared/anchors/ilastik_features.py makes them)
    try:
        import fastfilters as ff
    except ImportError:
        sys.path.insert(0, os.environ.get("FASTFILTERS_SITE", "/tmp/fastfilters/install/site-packages"))
        import fastfilters as ff
    G = lambda x, s, w: ff.gaussianSmoothing(x, s, window_size=w)
    LoG = lambda x, s, w: ff.laplacianOfGaussian(x, s, window_size=w)
    GGM = lambda x, s, w: ff.gaussianGradientMagnitude(x, s, window_size=w)
    ST = lambda x, s, w: ff.structureTensorEigenvalues(x, 0.5 * s, s, window_size=w)  # ff order: (outer, inner)
    HoG = lambda x, s, w: ff.hessianOfGaussianEigenvalues(x, s, window_size=w)
    view = lambda x: np.ascontiguousarray(x, dtype=np.float32)
else:
    F = vigra.filters
    G = lambda x, s, w: F.gaussianSmoothing(x, s, window_size=w)
    LoG = lambda x, s, w: F.laplacianOfGaussian(x, scale=s, window_size=w)
    GGM = lambda x, s, w: F.gaussianGradientMagnitude(x, s, window_size=w)
    ST = lambda x, s, w: F.structureTensorEigenvalues(x, s, 0.5 * s, window_size=w)
    HoG = lambda x, s, w: F.hessianOfGaussianEigenvalues(x, s, window_size=w)
    view = lambda x: vigra.taggedView(np.asarray(x, dtype=np.float32), 'yx')
def features(img):
    # ilastik's pipeline, as the product computes it (reference/ilastik-features.md): presmooth once per
    # scale (sqrt(s^2 - 1) for s > 1, else s; window 3.5), then every family at min(s, 1) with window 2.
    img = view(img)
    out = []
    pres = {}
    for s in scales:
        pres[s] = view(G(img, (s*s-1)**0.5 if s > 1 else s, 3.5))
    for s in scales:
        out.append(np.asarray(G(pres[s], min(s, 1.0), 2.0))[..., None])
    for s in scales[1:]:
        out.append(np.asarray(LoG(pres[s], min(s, 1.0), 2.0))[..., None])
    for s in scales[1:]:
        out.append(np.asarray(GGM(pres[s], min(s, 1.0), 2.0))[..., None])
    for s in scales[1:]:
        sf = min(s, 1.0)
        out.append((np.asarray(G(pres[s], sf, 2.0)) - np.asarray(G(pres[s], 0.66 * sf, 2.0)))[..., None])
    for s in scales[1:]:
        out.append(np.asarray(ST(pres[s], min(s, 1.0), 2.0)))
    for s in scales[1:]:
        out.append(np.asarray(HoG(pres[s], min(s, 1.0), 2.0)))
    return np.concatenate(out, axis=-1)
model = f"{folder}/py_{impl}/rf.h5"
if mode == "train":
    # a separate process, as the product's train command: the forest is saved, and predict loads it
    t0 = time.perf_counter()
    img0 = tifffile.imread(f"{folder}/img0.tif")
    labels = tifffile.imread(f"{folder}/img0_labels.tif")
    f0 = features(img0)
    mask = labels > 0
    X = np.ascontiguousarray(f0[mask].astype(np.float32))
    y = labels[mask].astype(np.uint32)[:, None]
    rf = vigra.learning.RandomForest(treeCount=100)
    rf.learnRF(X, y)
    rf.writeHDF5(model, "rf")
    print(json.dumps({"trainSeconds": time.perf_counter() - t0, "samples": int(mask.sum())}))
    sys.exit(0)
rf = vigra.learning.RandomForest(model, "rf")
def run(i):
    img = tifffile.imread(f"{folder}/img{i}.tif")
    f = features(img)
    p = rf.predictProbabilities(np.ascontiguousarray(f.reshape(-1, f.shape[-1]).astype(np.float32)))
    tifffile.imwrite(f"{folder}/py_{impl}/img{i}_Probabilities.tif", np.ascontiguousarray(np.moveaxis(p.reshape(img.shape + (p.shape[-1],)), -1, 0)).astype(np.float32), imagej=True)
t1 = time.perf_counter()
# two processes forked after training (they inherit the forest), so both cores work whatever the GIL does
with multiprocessing.get_context('fork').Pool(2) as pool:
    pool.map(run, range(n), chunksize=1)
batch_s = time.perf_counter() - t1
print(json.dumps({"batchSeconds": batch_s}))
`;

async function main(): Promise<void> {
  log('building dist/ (esbuild)');
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'ignore' });
  const dir = mkdtempSync(join(tmpdir(), 'pxc-bench-batch-'));
  const threads = availableParallelism();
  const result: Record<string, unknown> = {
    benchmark: 'batch', node: process.version, cores: threads, loadAverageStart: loadavg().map((v) => +v.toFixed(2)),
    workload: { images: N_IMAGES, size: `${SIZE}x${SIZE}`, dtype: 'uint16', features: 49, trees: 100, export: 'probabilities float32 TIFF' },
  };
  try {
    log(`generating ${N_IMAGES} images ${SIZE}² in ${dir}`);
    const truth = new Uint8Array(SIZE * SIZE);
    for (let i = 0; i < N_IMAGES; i++) {
      const pixels = makeImage(SIZE, SIZE, 1000 + i, i === 0 ? truth : undefined);
      writeFileSync(join(dir, `img${i}.tif`), encodeTiff([pixels], { width: SIZE, height: SIZE, dtype: 'uint16' }));
    }
    // ~20k labels: every 10th row, every 5th column, with the truth.
    const labels = new Uint8Array(SIZE * SIZE);
    for (let r = 5; r < SIZE; r += 10) for (let c = 2; c < SIZE; c += 5) labels[r * SIZE + c] = truth[r * SIZE + c];
    writeFileSync(join(dir, 'img0_labels.tif'), encodeTiff([labels], { width: SIZE, height: SIZE, dtype: 'uint8' }));

    log('training (pixel-classifier train)');
    const train = timed(process.execPath, [cliJs, 'train', '--image', 'img0.tif', '--labels', 'img0_labels.tif', '--features', 'all', '--trees', '100', '--json', '-o', 'p.pixelclass.json'], dir);
    if (train.status !== 0) throw new Error(`train failed: ${train.stderr}`);
    const trainSummary = JSON.parse(train.stdout);
    result.train = { seconds: train.seconds, peakRssMb: train.peakRssMb, samples: trainSummary.samples, features: trainSummary.features, oobError: trainSummary.oobError };

    log(`predicting ${N_IMAGES} images (pixel-classifier predict, ${threads} workers)`);
    const inputs = Array.from({ length: N_IMAGES }, (_, i) => `img${i}.tif`);
    const predict = timed(process.execPath, [cliJs, 'predict', '--project', 'p.pixelclass.json', '--json', '-o', '{dataset_dir}/out/{nickname}_{result_type}.tif', ...inputs], dir);
    if (predict.status !== 0) throw new Error(`predict failed: ${predict.stderr}\n${predict.stdout}`);
    const mpix = (N_IMAGES * SIZE * SIZE) / 1e6;
    result.batch = {
      seconds: predict.seconds,
      imagesPerMinute: +((60 * N_IMAGES) / predict.seconds).toFixed(2),
      mpixPerSecond: +(mpix / predict.seconds).toFixed(3),
      peakRssMb: predict.peakRssMb,
      loadAverage: loadavg().map((v) => +v.toFixed(2)),
    };
    log(JSON.stringify(result.batch));

    // The Python pipelines: ilastik's features with vigra's filters, and with fastfilters (ilastik's real stack).
    const havePython = !skipPython && existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import vigra, tifffile, numpy'], { encoding: 'utf8' }).status === 0;
    const fastfiltersSite = process.env.FASTFILTERS_SITE ?? '/tmp/fastfilters/install/site-packages';
    const haveFastfilters = havePython && spawnSync(PYTHON, ['-c', `import sys\ntry:\n    import fastfilters\nexcept ImportError:\n    sys.path.insert(0, ${JSON.stringify(fastfiltersSite)})\n    import fastfilters`], { encoding: 'utf8' }).status === 0;
    for (const impl of ['vigra', 'fastfilters'] as const) {
      const key = impl === 'vigra' ? 'python' : 'pythonFastfilters';
      if (!havePython) {
        result[key] = 'skipped: /usr/bin/python3 with vigra, tifffile and numpy not available (or --skip-python)';
        continue;
      }
      if (impl === 'fastfilters' && !haveFastfilters) {
        result[key] = `skipped: fastfilters is not importable by ${PYTHON} (nor from ${fastfiltersSite}); build it with \`bash ../shared/anchors/build-fastfilters.sh\` (about 4 minutes), then run this benchmark again`;
        log(String(result[key]));
        continue;
      }
      log(`python: ${impl} features (ilastik pipeline) + vigra RandomForest(100), 2 processes over images`);
      execFileSync('mkdir', ['-p', join(dir, `py_${impl}`)]);
      // Training and prediction are separate processes, as ours: the forest is saved to HDF5 and loaded by the timed one.
      const pyTrain = timed(PYTHON, ['-c', VIGRA_SCRIPT, dir, String(N_IMAGES), impl, 'train'], dir);
      const py = pyTrain.status === 0 ? timed(PYTHON, ['-c', VIGRA_SCRIPT, dir, String(N_IMAGES), impl, 'predict'], dir) : pyTrain;
      if (py.status !== 0) {
        result[key] = `failed: ${py.stderr.slice(-500)}`;
        continue;
      }
      const trained = JSON.parse(pyTrain.stdout.trim().split('\n').pop()!);
      const out = JSON.parse(py.stdout.trim().split('\n').pop()!);
      result[key] = {
        seconds: py.seconds, batchSeconds: +out.batchSeconds.toFixed(2), trainSeconds: +trained.trainSeconds.toFixed(2), samples: trained.samples,
        imagesPerMinute: +((60 * N_IMAGES) / py.seconds).toFixed(2), mpixPerSecond: +(mpix / py.seconds).toFixed(3), peakRssMb: py.peakRssMb,
        note: `read → 49 ${impl} filters (ilastik pipeline: presmoothing, then window-2 filters) → vigra RF predictProbabilities → tifffile write, 2 forked processes. `
          + 'seconds: the whole prediction process (interpreter start, imports, loading the forest saved by a separate training process, the files written), '
          + 'as ours; batchSeconds: the same timed inside Python from the fork to the last file',
        loadAverage: loadavg().map((v) => +v.toFixed(2)),
      };
      const speedup = impl === 'vigra' ? 'speedupVsPython' : 'speedupVsPythonFastfilters';
      (result.batch as Record<string, unknown>)[speedup] = +(py.seconds / predict.seconds).toFixed(2);
      (result.batch as Record<string, unknown>)[`${speedup}Inner`] = +(out.batchSeconds / predict.seconds).toFixed(2);
    }
    result.targets = { speedupVsPythonFastfilters: 4 };

    if (BIG) {
      log(`big image ${BIG_SIZE}×${BIG_ROWS} uint16: writing input`);
      const bigFile = join(dir, 'big.tif');
      const writer = await TiffStreamWriter.create(bigFile, { width: BIG_SIZE, height: BIG_ROWS, dtype: 'uint16' });
      const bandRows = 256;
      for (let y0 = 0; y0 < BIG_ROWS; y0 += bandRows) {
        const rows = Math.min(bandRows, BIG_ROWS - y0);
        await writer.writeRows(0, y0, makeImage(BIG_SIZE, rows, 7 + y0));
      }
      await writer.close();
      log('big image: predicting with the default --memory-limit (1536 MB)');
      const big = timed(process.execPath, [cliJs, 'predict', '--project', 'p.pixelclass.json', '--json', '-o', '{dataset_dir}/out/{nickname}_{result_type}.tif', 'big.tif'], dir);
      const output = join(dir, 'out', 'big_Probabilities.tif');
      const bigResult: Record<string, unknown> = {
        size: `${BIG_SIZE}x${BIG_ROWS}`, status: big.status, seconds: big.seconds, peakRssMb: big.peakRssMb,
        mpixPerSecond: +((BIG_SIZE * BIG_ROWS) / 1e6 / big.seconds).toFixed(3), loadAverage: loadavg().map((v) => +v.toFixed(2)),
      };
      if (existsSync(output)) {
        // (the output is several GB: read only its header)
        const head = Buffer.alloc(4);
        const fd = openSync(output, 'r');
        try { readSync(fd, head, 0, 4, 0); } finally { closeSync(fd); }
        bigResult.outputBytes = statSync(output).size;
        bigResult.bigTiff = head[2] === 43;
        // (tifffile alone suffices for the read-back check, also with --skip-python)
        if (existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import tifffile'], { encoding: 'utf8' }).status === 0) {
          const check = spawnSync(PYTHON, ['-c', 'import sys, tifffile\nwith tifffile.TiffFile(sys.argv[1]) as t:\n    s = t.series[0]\n    print(t.is_bigtiff, list(s.shape), s.dtype, s.axes)', output], { encoding: 'utf8' });
          bigResult.tifffile = check.stdout.trim() || check.stderr.trim().slice(-300);
        }
      } else bigResult.error = big.stderr.slice(-500) || big.stdout.slice(-500);
      result.big = bigResult;
    } else {
      result.big = 'skipped (pass --big; it takes several minutes)';
    }
  } finally {
    result.loadAverageEnd = loadavg().map((v) => +v.toFixed(2));
    if (!args.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().catch((error) => { console.error(error); process.exit(1); });
