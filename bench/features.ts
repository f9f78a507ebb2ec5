/**
 * `npm run bench -- features [--quick] [--skip-vigra] [--prefault] [--no-huge-pages]`: speed and memory of the feature engine (issue #3).
 *
 * Cases: (a) all 49 channels of the ilastik pipeline on a 2048×2048 float32 image;
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
 * same pixels, emulating ilastik's OpPixelFeaturesPresmoothed exactly as golden/gen_golden.py does.
 * Prints JSON; the load average is recorded because the machine is shared.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (process.env.FEATURES_BENCH_FAULTS) {
    faultFloor(Number(process.env.FEATURES_BENCH_FAULTS));
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
  for (const caseKey of ['a', 'b']) {
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
      speedupVsVigra: typeof (v as any).seconds === 'number'
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
  rmSync(dir, { recursive: true, force: true }); // bundles and the vigra input files (tens of MB)
  process.stdout.write(`${JSON.stringify({
    benchmark: 'features', node: process.version, cpus: all, loadAverageBefore: loadBefore.map((l) => +l.toFixed(2)),
    loadAverageAfter: loadavg().map((l) => +l.toFixed(2)), results,
  }, null, 2)}\n`);
}

main().catch((error) => { console.error(error); process.exit(1); });
