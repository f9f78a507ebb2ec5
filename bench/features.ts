/**
 * `npm run bench -- features [--parts whole,tiles,inprocess] [--reps N] [--cores 0,1] [--quick] [--skip-vigra] [--prefault] [--no-huge-pages]`:
 * speed and memory of the feature engine (issues #3, #18). Prints JSON; the load average is recorded because the machine is shared.
 *
 * Part `whole` (the headline, issue #18): whole process against whole process on the same cores (taskset), a fresh
 * process every run, alternating (the order rotates each repetition): `pixel-classifier features` (dist/cli.js — run
 * `npm run build` first) against ilastik's own pipeline as a process, `../shared/anchors/ilastik_features.py --impl
 * fastfilters|vigra --threads 2` (fastfilters = the AVX2/FMA library ilastik's releases use; build it with
 * `bash ../shared/anchors/build-fastfilters.sh`, else that side is skipped). Inside the timer, for every side: process
 * start-up, reading a 2048² float32 TIFF (in the page cache), all 49 channels of the presmoothed pipeline, writing a
 * float32 TIFF (output deleted before each run). Reports medians of wall, user and system CPU seconds (/usr/bin/time),
 * the ratios of the medians and the median of the per-repetition ratios, and how far our output is from vigra's and
 * fastfilters' (golden tolerances).
 *
 * Part `tiles`: the code path predict and the live loop use — computeFeatureBlock on tiles with their halos
 * (extension/core/tiles/predictTile.ts) — over the same 2048² image, one thread with its warm scratch as a worker
 * has it: live tiles of 256² (the default `pixelClassifier.tileSize`) and batch tiles of 1024×512, against the same
 * thread computing the image as one block.
 *
 * Part `inprocess` (issue #3's original figures, in-process; not like for like with the vigra column):
 * cases: (a) all 49 channels of the ilastik pipeline on a 2048×2048 float32 image;
 *        (b) all 61 channels in true 3D on 64×256×256.
 * Each case runs in a fresh child process (so peak RSS is per case) with 1 worker and with
 * os.availableParallelism() workers; each child computes twice: "cold" (fresh output buffer and
 * fresh workers: includes page faults) and "warm" (same pool, output buffer reused). Minor page faults
 * of both runs are reported, and `outputFirstTouch` measures, in another fresh process, how long merely
 * touching an output-sized buffer takes: on small VMs a first-touch fault costs ~20 µs and faults of one
 * process do not run in parallel, so this is the floor of any cold run. `--prefault` makes the host
 * thread prefault the result while the workers compute (FeatureRequest.prefault). On Linux a third
 * run repeats all workers with GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (transparent huge pages for
 * large allocations: ~500× fewer first-touch faults); `--no-huge-pages` skips it.
 * vigra (system /usr/bin/python3, if importable) computes the same pipeline single-threaded on the
 * same pixels, emulating ilastik's OpPixelFeaturesPresmoothed exactly as golden/gen_golden.py does. Its ratios
 * (`inProcessVsVigraSingleThread`) compare our in-process run with a single-threaded vigra: use `whole` to compare
 * with what ilastik runs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { boxVolume, splitBox, type Box } from '../extension/core/features/box';
import { computeFeatureBlock, featureChannelCount, FeatureScratch, requiredSourceBox } from '../extension/core/features/computeFeatureBlock';
import { selectionAll } from '../extension/core/features/featureSet';
import { FeatureComputer } from '../extension/workers/featureComputer';
import { WorkerPool } from '../extension/workers/workerPool';

interface Case { name: string; z: number; y: number; x: number }
const CASES: Record<string, Case> = {
  a: { name: '2D 2048x2048, 49 channels, ilastik pipeline', z: 1, y: 2048, x: 2048 },
  b: { name: '3D 64x256x256, 61 channels, ilastik pipeline', z: 64, y: 256, x: 256 },
};
const QUICK: Record<string, Case> = {
  a: { name: '2D 512x512 (quick)', z: 1, y: 512, x: 512 },
  b: { name: '3D 40x96x96 (quick)', z: 40, y: 96, x: 96 },
};

/** Deterministic test image: soft blobs on a gradient plus noise, values ~0..255. */
function makeImage(c: Case): Float32Array {
  const n = c.z * c.y * c.x;
  const out = new Float32Array(n);
  let s = 12345;
  for (let z = 0; z < c.z; z++) for (let y = 0; y < c.y; y++) for (let x = 0; x < c.x; x++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const blob = 100 * Math.max(0, Math.sin(x * 0.05) * Math.sin(y * 0.043) * Math.cos(z * 0.07));
    out[(z * c.y + y) * c.x + x] = 20 + 0.02 * (x + y) + blob + (s / 2147483648) * 30;
  }
  return out;
}

async function child(caseKey: string, workers: number, quick: boolean): Promise<void> {
  const c = (quick ? QUICK : CASES)[caseKey];
  const image = { z: c.z, y: c.y, x: c.x };
  const input = makeImage(c);
  const pool = new WorkerPool({ size: workers, workerScript: join(__dirname, 'computeWorker.js') });
  const computer = new FeatureComputer(pool);
  const selection = selectionAll();
  const prefault = process.argv.includes('--prefault');
  const faults = (): number => process.resourceUsage().minorPageFault; // all threads of the process
  const f0 = faults();
  const u0 = process.cpuUsage();
  const t0 = performance.now();
  const cold = await computer.computeVolume(input, image, 1, { selection, prefault });
  const t1 = performance.now();
  const u1 = process.cpuUsage();
  const f1 = faults();
  await computer.computeVolume(input, image, 1, { selection, result: cold.data });
  const t2 = performance.now();
  const u2 = process.cpuUsage();
  const f2 = faults();
  const cpu = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage): number => +((b.user + b.system - a.user - a.system) / 1e6).toFixed(3);
  await pool.dispose();
  const mpix = (c.z * c.y * c.x) / 1e6;
  process.stdout.write(JSON.stringify({
    case: caseKey, workers, channels: cold.channels.length, blocks: cold.blocks,
    coldSeconds: +((t1 - t0) / 1000).toFixed(3), warmSeconds: +((t2 - t1) / 1000).toFixed(3),
    // CPU seconds of all threads: less sensitive than wall time to other processes on a shared machine.
    coldCpuSeconds: cpu(u0, u1), warmCpuSeconds: cpu(u1, u2),
    // First-touch page faults (output, inputs, worker heaps and kernel memory): the cold/warm gap.
    coldMinorFaults: f1 - f0, warmMinorFaults: f2 - f1, prefault,
    coldMpixPerSecond: +(mpix / ((t1 - t0) / 1000)).toFixed(3), warmMpixPerSecond: +(mpix / ((t2 - t1) / 1000)).toFixed(3),
    outputMB: +((cold.data.byteLength) / 2 ** 20).toFixed(1), outputBytes: cold.data.byteLength,
    peakRssMB: +(process.resourceUsage().maxRSS / 1024).toFixed(1),
  }));
}

/**
 * The machine's floor for a cold run: seconds to first-touch a fresh buffer of the output's size in a
 * fresh process (one write per 4 KiB page, one thread), i.e. the page faults no computation can avoid.
 */
function faultFloor(bytes: number): void {
  const f0 = process.resourceUsage().minorPageFault;
  const t0 = performance.now();
  const words = new Int32Array(new SharedArrayBuffer(bytes));
  for (let i = 0; i < words.length; i += 1024) words[i] = 1;
  const seconds = (performance.now() - t0) / 1000;
  const faults = process.resourceUsage().minorPageFault - f0;
  process.stdout.write(JSON.stringify({
    bytes, seconds: +seconds.toFixed(3), minorFaults: faults, microsecondsPerFault: +((seconds * 1e6) / Math.max(1, faults)).toFixed(1),
  }));
}

const VIGRA = String.raw`
import sys, time, resource, json
import numpy as np
import vigra
shape = tuple(int(v) for v in sys.argv[2].split(','))
img = np.fromfile(sys.argv[1], dtype='<f4').reshape(shape)
img = vigra.taggedView(img, 'yx' if len(shape) == 2 else 'zyx')
F = vigra.filters
scales = [0.3, 0.7, 1.0, 1.6, 3.5, 5.0, 10.0]
t0 = time.perf_counter()
r0 = resource.getrusage(resource.RUSAGE_SELF)
n = 0
for s in scales:
    pre = vigra.taggedView(np.asarray(F.gaussianSmoothing(img, (s*s-1)**0.5 if s > 1 else s, window_size=3.5)), img.axistags)
    sf = min(s, 1.0); w = 2.0
    outs = [F.gaussianSmoothing(pre, sf, window_size=w)]
    if s >= 0.7:
        outs += [F.laplacianOfGaussian(pre, scale=sf, window_size=w), F.gaussianGradientMagnitude(pre, sf, window_size=w),
                 np.asarray(F.gaussianSmoothing(pre, sf, window_size=w)) - np.asarray(F.gaussianSmoothing(pre, 0.66*sf, window_size=w)),
                 F.structureTensorEigenvalues(pre, sf, 0.5*sf, window_size=w), F.hessianOfGaussianEigenvalues(pre, sf, window_size=w)]
    for o in outs:
        n += 1 if np.asarray(o).ndim == len(shape) else np.asarray(o).shape[-1]
    del outs
t1 = time.perf_counter()
r1 = resource.getrusage(resource.RUSAGE_SELF)
cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
print(json.dumps({"seconds": round(t1 - t0, 3), "cpuSeconds": round(cpu, 3), "channels": n, "peakRssMB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1), "vigra": vigra.version}))
`;

function vigra(c: Case, dir: string): Record<string, unknown> {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import vigra'], { stdio: 'ignore' });
  } catch {
    return { skipped: '/usr/bin/python3 with vigra not available' };
  }
  const file = join(dir, `input_${c.z}x${c.y}x${c.x}.f32`);
  writeFileSync(file, makeImage(c));
  const shape = c.z > 1 ? `${c.z},${c.y},${c.x}` : `${c.y},${c.x}`;
  const script = join(dir, 'vigraPipeline.py');
  writeFileSync(script, VIGRA);
  const out = execFileSync('/usr/bin/python3', [script, file, shape], {
    encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' }, maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

/**
 * The tile path (child process, bundled production code): features of every tile of the image with its halo, in
 * this thread with one warm scratch and one reused result buffer — what a worker does for `tile/predict` (live
 * update, batch predict) — against the same thread computing the whole image as one block.
 */
function tilesChild(c: Case): void {
  const image = { z: c.z, y: c.y, x: c.x };
  const input = makeImage(c);
  const selection = selectionAll();
  const scratch = new FeatureScratch();
  const nch = featureChannelCount(selection, 1, c.z > 1);
  const whole: Box = { z0: 0, y0: 0, x0: 0, nz: c.z, ny: c.y, nx: c.x };
  const crop = (b: Box): Float32Array => {
    const out = new Float32Array(boxVolume(b));
    for (let z = 0; z < b.nz; z++) for (let y = 0; y < b.ny; y++) {
      const from = ((b.z0 + z) * c.y + b.y0 + y) * c.x + b.x0;
      out.set(input.subarray(from, from + b.nx), (z * b.ny + y) * b.nx);
    }
    return out;
  };
  const shapes = [{ name: 'live 256²', y: 256, x: 256 }, { name: 'batch 1024×512', y: 512, x: 1024 }, { name: 'whole image, one block', y: c.y, x: c.x }];
  const result = new Float32Array(nch * c.y * c.x);
  const runs = shapes.map((shape) => {
    const tiles = splitBox(whole, { z: c.z, y: Math.min(shape.y, c.y), x: Math.min(shape.x, c.x) }).map((target) => {
      const sourceBox = requiredSourceBox(target, image, selection);
      return { target, sourceBox, source: crop(sourceBox) };
    });
    const once = (): { seconds: number; cpuSeconds: number } => {
      const u0 = process.cpuUsage();
      const t0 = performance.now();
      for (const t of tiles) computeFeatureBlock({ selection, image, source: t.source, sourceBox: t.sourceBox, target: t.target, scratch, result });
      const u = process.cpuUsage(u0);
      return { seconds: (performance.now() - t0) / 1000, cpuSeconds: (u.user + u.system) / 1e6 };
    };
    once(); // warm: scratch pages and result touched, kernels compiled
    const reps = [once(), once(), once()].sort((a, b) => a.seconds - b.seconds);
    const median = reps[1];
    const sourcePixels = tiles.reduce((n, t) => n + boxVolume(t.sourceBox), 0);
    return {
      tiles: shape.name, count: tiles.length, haloOverhead: +(sourcePixels / (c.z * c.y * c.x)).toFixed(3),
      seconds: +median.seconds.toFixed(3), cpuSeconds: +median.cpuSeconds.toFixed(3),
      mpixPerSecond: +((c.z * c.y * c.x) / 1e6 / median.seconds).toFixed(2), msPerTile: +((median.seconds * 1000) / tiles.length).toFixed(1),
    };
  });
  process.stdout.write(JSON.stringify({
    what: 'computeFeatureBlock on tiles with halos, one thread, warm scratch, reused result (the per-tile step of tile/predict); median of 3 after a warm-up; the source crops are outside the timer',
    threads: 1, channels: nch, runs,
  }));
}

interface TimedRun { impl: string; rep: number; wallSeconds: number; userSeconds?: number; sysSeconds?: number; cpuSeconds?: number; maxRssMB?: number; minorFaults?: number; loadAverage1m: number; exit: number }

/** One fresh process under taskset, timed by /usr/bin/time (user/system CPU of it and its children) when available. */
function timedProcess(impl: string, rep: number, argv: string[], cores: string, dir: string, env: NodeJS.ProcessEnv): TimedRun {
  const timeFile = join(dir, 'time.txt');
  const haveTime = existsSync('/usr/bin/time');
  const pinned = existsSync('/usr/bin/taskset') ? ['/usr/bin/taskset', '-c', cores, ...argv] : argv;
  const full = haveTime ? ['/usr/bin/time', '-f', '%e %U %S %M %R', '-o', timeFile, ...pinned] : pinned;
  const t0 = performance.now();
  const r = spawnSync(full[0], full.slice(1), { env, encoding: 'utf8', maxBuffer: 1 << 24 });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${impl} failed (${r.status}): ${r.stderr}`);
  const run: TimedRun = { impl, rep, wallSeconds: +wall.toFixed(3), loadAverage1m: +loadavg()[0].toFixed(2), exit: r.status };
  if (haveTime) {
    const [, user, sys, rssKB, faults] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
    Object.assign(run, { userSeconds: user, sysSeconds: sys, cpuSeconds: +(user + sys).toFixed(2), maxRssMB: +(rssKB / 1024).toFixed(0), minorFaults: faults });
  }
  return run;
}

const median = (values: number[]): number => {
  const v = [...values].sort((a, b) => a - b);
  return v.length % 2 ? v[v.length >> 1] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

/** Our output against a reference output: worst |d| / tolerance per family (golden tolerances), by /usr/bin/python3. */
const AGREEMENT = String.raw`
import sys, json, numpy as np, tifffile
ours = tifffile.imread(sys.argv[1]).astype(np.float64); ref = tifffile.imread(sys.argv[2]).astype(np.float64)
fam = ['GaussianSmoothing']*7 + ['LaplacianOfGaussian']*6 + ['GaussianGradientMagnitude']*6 + ['DifferenceOfGaussians']*6 + ['StructureTensorEigenvalues']*12 + ['HessianOfGaussianEigenvalues']*12
worst = {}
c = 0
while c < 49:
    f = fam[c]
    if f.endswith('Eigenvalues'):
        scale = np.maximum(1, np.maximum(np.abs(ref[c]), np.abs(ref[c + 1])))
        r = max(float(np.max(np.abs(ours[c + k] - ref[c + k]) / scale)) for k in (0, 1)) / 1e-3; c += 2
    else:
        r = float(np.max(np.abs(ours[c] - ref[c]) / np.maximum(1, np.abs(ref[c])))) / 2e-4; c += 1
    worst[f] = max(worst.get(f, 0), round(r, 4))
print(json.dumps(worst))
`;

/** Part `whole`: ours vs ilastik_features.py (fastfilters, vigra), whole processes, alternating, same cores. */
async function wholeProcess(args: string[], dir: string): Promise<Record<string, unknown>> {
  const argValue = (flag: string): string | undefined => { const i = args.indexOf(flag); return i >= 0 ? args[i + 1] : undefined; };
  const reps = Number(argValue('--reps') ?? 5);
  const threads = 2;
  const cores = argValue('--cores') ?? Array.from({ length: Math.min(threads, availableParallelism()) }, (_, i) => i).join(',');
  const cli = resolve(__dirname, '../dist/cli.js');
  if (!existsSync(cli)) return { skipped: 'dist/cli.js missing: run npm run build first' };
  const anchors = process.env.ANCHORS_DIR ?? resolve(__dirname, '../../shared/anchors');
  const script = join(anchors, 'ilastik_features.py');
  const c = CASES.a;
  const { writeTiffFile } = await import('../extension/node/tiffFileWriter');
  const input = join(dir, 'input_2048.tif');
  await writeTiffFile(input, [makeImage(c)], { width: c.x, height: c.y, dtype: 'float32' });
  const fastfiltersSite = process.env.FASTFILTERS_SITE ?? '/tmp/fastfilters/install/site-packages';
  const pythonHas = (module: string, env: NodeJS.ProcessEnv = process.env): boolean => {
    try { execFileSync('/usr/bin/python3', ['-c', `import ${module}, tifffile`], { stdio: 'ignore', env }); return true; } catch { return false; }
  };
  const pyEnv = { ...process.env, FASTFILTERS_SITE: fastfiltersSite, PYTHONPATH: [fastfiltersSite, process.env.PYTHONPATH].filter(Boolean).join(':') };
  const impls: { name: string; argv: string[]; env: NodeJS.ProcessEnv; out: string; skipped?: string }[] = [
    { name: 'ours', argv: [process.execPath, cli, 'features', input, '-o', join(dir, 'ours.tif'), '--workers', String(threads)], env: process.env, out: join(dir, 'ours.tif') },
    { name: 'fastfilters', argv: ['/usr/bin/python3', script, input, join(dir, 'fastfilters.tif'), '--impl', 'fastfilters', '--threads', String(threads)], env: pyEnv, out: join(dir, 'fastfilters.tif') },
    { name: 'vigra', argv: ['/usr/bin/python3', script, input, join(dir, 'vigra.tif'), '--impl', 'vigra', '--threads', String(threads)], env: pyEnv, out: join(dir, 'vigra.tif') },
  ];
  if (!existsSync(script)) for (const impl of impls.slice(1)) impl.skipped = `${script} not found (set ANCHORS_DIR)`;
  else {
    if (!pythonHas('fastfilters', pyEnv)) impls[1].skipped = `fastfilters not importable from ${fastfiltersSite}: bash ${join(anchors, 'build-fastfilters.sh')}`;
    if (!pythonHas('vigra')) impls[2].skipped = '/usr/bin/python3 with vigra and tifffile not available';
    if (args.includes('--skip-vigra')) impls[2].skipped = '--skip-vigra';
  }
  const active = impls.filter((i) => !i.skipped);
  const runs: TimedRun[] = [];
  for (let rep = 0; rep < reps; rep++) {
    // Rotate the order every repetition, so no side always runs right after the same other one.
    for (let k = 0; k < active.length; k++) {
      const impl = active[(k + rep) % active.length];
      rmSync(impl.out, { force: true });
      runs.push(timedProcess(impl.name, rep, impl.argv, cores, dir, impl.env));
    }
  }
  const summary = (name: string): Record<string, number> | undefined => {
    const mine = runs.filter((r) => r.impl === name);
    if (mine.length === 0) return undefined;
    const m = (key: keyof TimedRun): number | undefined => (mine[0][key] === undefined ? undefined : +median(mine.map((r) => r[key] as number)).toFixed(3));
    return Object.fromEntries(Object.entries({
      wallSeconds: m('wallSeconds'), userSeconds: m('userSeconds'), sysSeconds: m('sysSeconds'), cpuSeconds: m('cpuSeconds'), maxRssMB: m('maxRssMB'), minorFaults: m('minorFaults'),
    }).filter(([, v]) => v !== undefined)) as Record<string, number>;
  };
  const medians = Object.fromEntries(active.map((i) => [i.name, summary(i.name)]));
  const ratio = (other: string): Record<string, number> | undefined => {
    if (!medians[other] || !medians.ours) return undefined;
    const paired = Array.from({ length: reps }, (_, rep) => runs.find((r) => r.impl === other && r.rep === rep)!.wallSeconds / runs.find((r) => r.impl === 'ours' && r.rep === rep)!.wallSeconds);
    const out: Record<string, number> = {
      wallOfMedians: +(medians[other]!.wallSeconds / medians.ours.wallSeconds).toFixed(2),
      wallMedianOfPairs: +median(paired).toFixed(2),
    };
    if (medians.ours.cpuSeconds) out.cpuOfMedians = +(medians[other]!.cpuSeconds / medians.ours.cpuSeconds).toFixed(2);
    return out;
  };
  const agreement: Record<string, unknown> = {};
  for (const ref of active.filter((i) => i.name !== 'ours')) {
    try {
      agreement[`oursVs${ref.name[0].toUpperCase()}${ref.name.slice(1)}`] = JSON.parse(execFileSync('/usr/bin/python3', ['-c', AGREEMENT, join(dir, 'ours.tif'), ref.out], { encoding: 'utf8', maxBuffer: 1 << 20 }).trim());
    } catch (error) {
      agreement[ref.name] = { failed: String(error).slice(0, 200) };
    }
  }
  return {
    what: 'whole process each run (fresh process: start-up, module loading, page faults), same cores for every side (taskset), alternating with the order rotating; '
      + 'inside the timer: read a 2048² float32 TIFF from the page cache, all 49 channels of ilastik\'s presmoothed pipeline, write a float32 TIFF (deleted before each run)',
    image: '2048x2048 float32', channels: 49, threadsEachSide: threads, cores, reps,
    commands: Object.fromEntries(impls.map((i) => [i.name, i.skipped ? { skipped: i.skipped } : i.argv.join(' ')])),
    medians, fastfiltersOverOurs: ratio('fastfilters'), vigraOverOurs: ratio('vigra'),
    // Worst |difference| / golden tolerance per family over all 4 M pixels (≤ 1 = within the tolerance).
    agreementOverTolerance: agreement,
    runs,
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (process.env.FEATURES_BENCH_FAULTS) {
    faultFloor(Number(process.env.FEATURES_BENCH_FAULTS));
    return;
  }
  if (process.env.FEATURES_BENCH_TILES) {
    tilesChild((args.includes('--quick') ? QUICK : CASES).a);
    return;
  }
  if (process.env.FEATURES_BENCH_CHILD) {
    const [caseKey, workers] = process.env.FEATURES_BENCH_CHILD.split(':');
    await child(caseKey, Number(workers), args.includes('--quick'));
    return;
  }
  const quick = args.includes('--quick');
  const dir = mkdtempSync(join(tmpdir(), 'pc-bench-features-'));
  const { build } = await import('esbuild'); // loaded lazily: the bundled children never need it
  // Bundle this script and the worker like dist/ so children start fast and measure production code.
  await build({ entryPoints: [resolve(__dirname, '../extension/workers/computeWorker.ts')], outfile: join(dir, 'computeWorker.js'),
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error' });
  await build({ entryPoints: [__filename], outfile: join(dir, 'benchFeatures.js'),
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error', external: ['esbuild'] });
  const all = availableParallelism();
  const results: Record<string, unknown>[] = [];
  const loadBefore = loadavg();
  const parts = (args.includes('--parts') ? args[args.indexOf('--parts') + 1] : 'whole,tiles,inprocess').split(',');
  const output: Record<string, unknown> = { benchmark: 'features', node: process.version, cpus: all, loadAverageBefore: loadBefore.map((l) => +l.toFixed(2)) };
  if (parts.includes('whole')) output.wholeProcess = await wholeProcess(args, dir);
  if (parts.includes('tiles')) {
    const r = spawnSync(process.execPath, [join(dir, 'benchFeatures.js'), ...args], { env: { ...process.env, FEATURES_BENCH_TILES: '1' }, encoding: 'utf8', maxBuffer: 1 << 20 });
    output.tilePath = r.status === 0 ? { ...JSON.parse(r.stdout), loadAverage1m: +loadavg()[0].toFixed(2) } : { failed: r.stderr };
  }
  for (const caseKey of parts.includes('inprocess') ? ['a', 'b'] : []) {
    const c = (quick ? QUICK : CASES)[caseKey];
    const runs: unknown[] = [];
    // The last run repeats all workers with glibc's transparent-huge-page tunable (Linux): large
    // allocations (the output) are then madvise(MADV_HUGEPAGE)d, so a cold run takes ~500× fewer faults.
    // Only the environment of a process can ask for it, so it is reported separately.
    const variants: { workers: number; hugePages: boolean }[] = [...new Set([1, all])].map((workers) => ({ workers, hugePages: false }));
    if (process.platform === 'linux' && !args.includes('--no-huge-pages')) variants.push({ workers: all, hugePages: true });
    for (const { workers, hugePages } of variants) {
      const env: NodeJS.ProcessEnv = { ...process.env, FEATURES_BENCH_CHILD: `${caseKey}:${workers}` };
      if (hugePages) env.GLIBC_TUNABLES = [process.env.GLIBC_TUNABLES, 'glibc.malloc.hugetlb=1'].filter(Boolean).join(':');
      const r = spawnSync(process.execPath, [join(dir, 'benchFeatures.js'), ...args], { env, encoding: 'utf8', maxBuffer: 1 << 20 });
      if (r.status !== 0) throw new Error(`bench child ${caseKey}/${workers} failed: ${r.stderr}`);
      runs.push({ ...JSON.parse(r.stdout), glibcHugePages: hugePages, loadAverage1m: +loadavg()[0].toFixed(2) });
    }
    const outputBytes = (runs[0] as any).outputBytes as number;
    const ff = spawnSync(process.execPath, [join(dir, 'benchFeatures.js')], {
      env: { ...process.env, FEATURES_BENCH_FAULTS: String(outputBytes) }, encoding: 'utf8', maxBuffer: 1 << 20,
    });
    const faultFloorRun = ff.status === 0 ? { ...JSON.parse(ff.stdout), loadAverage1m: +loadavg()[0].toFixed(2) } : { failed: ff.stderr };
    const v = args.includes('--skip-vigra') ? { skipped: '--skip-vigra' } : vigra(c, dir);
    const allWorkers = runs.find((r: any) => r.workers === all && !r.glibcHugePages) as any;
    const hugePagesRun = runs.find((r: any) => r.glibcHugePages) as any;
    const vs = (seconds: number): number => +((v as any).seconds / seconds).toFixed(2);
    results.push({
      case: caseKey, description: c.name, shape: { z: c.z, y: c.y, x: c.x }, runs, vigraSingleThread: v,
      // Touching a fresh output-sized buffer in a fresh process: the part of a cold run no kernel can avoid.
      outputFirstTouch: faultFloorRun,
      // Our in-process computation (no start-up, no TIFF) against a single-threaded vigra process: not like for like;
      // wholeProcess is the comparison with what ilastik runs.
      inProcessVsVigraSingleThread: typeof (v as any).seconds === 'number'
        ? {
          // Wall-clock ratios of the all-workers runs (the target: ≥ 5).
          wallWarm: vs(allWorkers.warmSeconds),
          wallCold: vs(allWorkers.coldSeconds),
          wallColdHugePages: hugePagesRun ? vs(hugePagesRun.coldSeconds) : undefined,
          wallWarmHugePages: hugePagesRun ? vs(hugePagesRun.warmSeconds) : undefined,
          // Load-independent view: vigra's CPU seconds over our single-worker CPU seconds (per-core efficiency).
          cpuSingleWorkerWarm: +((v as any).cpuSeconds / (runs[0] as any).warmCpuSeconds).toFixed(2),
        } : undefined,
    });
  }
  rmSync(dir, { recursive: true, force: true }); // bundles, TIFFs and the vigra input files (GBs)
  if (results.length > 0) output.results = results; // the in-process cases (key kept for existing readers)
  output.loadAverageAfter = loadavg().map((l) => +l.toFixed(2));
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
}

main().catch((error) => { console.error(error); process.exit(1); });
