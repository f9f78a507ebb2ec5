/**
 * `npm run bench -- soak [--strokes 500] [--undo 200] [--size 2048] [--trees 32] [--grace 10000] [--every N] [--stall 180] [--idle ms]`:
 * the soak test of issue #7.
 *
 * Drives the editor host headless — LabelDocument + DocumentController + LiveSession with live update on and
 * the real worker pool, exactly the objects VS Code would drive, fed by the same validated `labels/paint`
 * messages a webview sends — on a 2048² uint16 image: 500 strokes (alternating classes, 10–120 ms apart,
 * so most retrains are cancelled by the next stroke as when a user paints), then 200 undo/redo steps
 * through the document's undo entries. Memory is measured after garbage collection, once the loop has been
 * idle for 2 s (`--idle`; workers release their training memory 1.5 s after their last training), after
 * stroke 50 (baseline) and at the end; the soak passes when the end is within 10% of the baseline and
 * no error was logged or shown. Prints JSON (`summary`: baseline, end, ratio, errors); exit code 1 on failure.
 *
 * Where the memory is, at every checkpoint (`--every N` adds one every N strokes): process RSS; the main
 * thread's V8 heap, ArrayBuffers (incl. SharedArrayBuffers) and external memory; each worker's V8 heap and
 * ArrayBuffers (incl. WebAssembly memories), through a bench-only `bench/memory` job; the feature cache; and
 * the resident anonymous memory split by mapping kind from /proc/self/smaps (glibc main heap, thread arenas,
 * other mappings ≥ 1 MiB such as WebAssembly memories, small mappings such as V8 heap pages). The labelled
 * pixels and the forest size show how much the workload itself grew. A stalled loop (no progress for
 * `--stall` s) prints its state and fails instead of hanging.
 */
import * as path from 'node:path';
import * as os from 'node:os';
import { promises as fs, readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { serializeForest } from '../extension/core/forest/index';
import { memoryImageSource } from '../extension/core/image/memoryImageSource';
import type { ImageSource } from '../extension/core/image/imageModel';
import { LabelDocument, type DocumentEdit } from '../extension/editor/labelDocument';
import { DocumentController } from '../extension/editor/documentController';
import { EditorRegistry, WebviewChannel, type WebviewLike } from '../extension/editor/editorRegistry';
import { LiveSession } from '../extension/editor/liveSession';
import { poolCompute } from '../extension/editor/liveCompute';
import { MemoryLogger } from '../extension/editor/logger';
import { WorkerPool } from '../extension/workers/workerPool';
import { TRAINING_MEMORY_IDLE_MS } from '../extension/workers/jobs/forestJobs';
import { build } from 'esbuild';
import { Random } from '../test/reliability/fuzz/random';
import { installNodePlatform } from '../extension/node/nodePlatform';

installNodePlatform();

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Deterministic fluorescence-like image: bright blobs on a ramp with noise. */
function syntheticImage(file: string, size: number): ImageSource {
  const data = new Uint16Array(size * size);
  const random = new Random(11);
  const blobs = Array.from({ length: 300 }, () => ({ x: random.int(size), y: random.int(size), r: 8 + random.int(24) }));
  for (let i = 0; i < data.length; i++) data[i] = 200 + ((i % size) >> 3) + random.int(60);
  for (const b of blobs) {
    for (let y = Math.max(0, b.y - b.r); y < Math.min(size, b.y + b.r); y++) {
      for (let x = Math.max(0, b.x - b.r); x < Math.min(size, b.x + b.r); x++) {
        if ((x - b.x) ** 2 + (y - b.y) ** 2 < b.r * b.r) data[y * size + x] += 3000;
      }
    }
  }
  return memoryImageSource({
    name: file, format: 'tiff', shape: { t: 1, z: 1, c: 1, y: size, x: size }, axes: 'YX', dtype: 'uint16', pages: 1, compression: 'none', metadata: {},
  }, [data]);
}

const mib = (n: number) => Math.round((n / 2 ** 20) * 10) / 10;

/**
 * The compute worker plus a bench-only `bench/memory` job reporting the worker isolate's memory (so the
 * soak can split process RSS into main thread, workers and the rest). Built from a string: bench/ holds
 * only benchmark entry points.
 */
async function buildSoakWorker(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pc-soak-worker-'));
  const outfile = path.join(dir, 'computeWorker.js');
  const contents = `
    import { threadId } from 'node:worker_threads';
    import { JOB_HANDLERS } from './extension/workers/jobHandlers';
    JOB_HANDLERS['bench/memory'] = async (payload) => {
      if (globalThis.gc) { globalThis.gc(); globalThis.gc(); }
      await new Promise((r) => setTimeout(r, payload.holdMs));
      const m = process.memoryUsage();
      return { result: { threadId, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers } };
    };
    import './extension/workers/computeWorker';
  `;
  await build({
    stdin: { contents, resolveDir: path.resolve(__dirname, '..'), loader: 'ts', sourcefile: 'soakWorker.ts' },
    outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error',
  });
  return outfile;
}

/** Fields of /proc/self/status in MiB (Linux), e.g. RssAnon. */
function procStatus(): Record<string, number> {
  try {
    const text = readFileSync('/proc/self/status', 'utf8');
    const out: Record<string, number> = {};
    for (const m of text.matchAll(/^(RssAnon|RssFile|RssShmem|VmRSS|VmHWM):\s+(\d+) kB/gm)) out[m[1]] = mib(Number(m[2]) * 1024);
    return out;
  } catch {
    return {};
  }
}

/**
 * Resident anonymous memory by kind of mapping (Linux /proc/self/smaps): glibc's main heap (`[heap]`),
 * thread arenas (64 MiB-reserved regions), and other anonymous mappings by size (V8 heap pages,
 * large buffers mmapped by malloc, thread stacks).
 */
function smapsBreakdown(): Record<string, number> {
  let text: string;
  try {
    text = readFileSync('/proc/self/smaps', 'utf8');
  } catch {
    return {};
  }
  const out: Record<string, number> = {};
  let kind = '';
  for (const line of text.split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ (\d+)\s*(.*)$/.exec(line);
    if (head) {
      const size = (parseInt(head[2], 16) - parseInt(head[1], 16)) / 2 ** 20;
      const name = head[4];
      if (name === '[heap]') kind = 'brkHeap';
      else if (name.startsWith('/') || name.startsWith('[')) kind = '';
      else if (head[3] !== '0') kind = '';
      else if (parseInt(head[1], 16) % 2 ** 26 === 0 && size <= 64) kind = 'threadArenas';
      else if (size >= 1) kind = 'anon≥1MiB';
      else kind = 'anon<1MiB';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && kind) out[kind] = (out[kind] ?? 0) + Number(rss[1]) / 1024;
  }
  for (const k of Object.keys(out)) out[k] = Math.round(out[k] * 10) / 10;
  return out;
}

interface Memory {
  rssMiB: number;
  heapMiB: number;
  heapTotalMiB: number;
  smaps: Record<string, number>;
  externalMiB: number;
  arrayBuffersMiB: number;
  /** What the JS code holds: V8 heap in use plus ArrayBuffers (shared, WebAssembly) of the main thread and every worker. */
  liveMiB: number;
  proc: Record<string, number>;
  workers: { heapMiB: number; heapTotalMiB: number; arrayBuffersMiB: number }[];
  featureCache: { tiles: number; MiB: number };
  /**
   * V8 heap committed but not in use after GC, summed over the main thread and the workers: mostly the young
   * generation, which V8 grows and shrinks (0–30 MiB per isolate) by allocation rate, whatever the code holds.
   */
  v8SlackMiB: number;
}

/**
 * Memory once the editor has been idle for `idleMs` (the workers give back their training kernel
 * {@link TRAINING_MEMORY_IDLE_MS} after their last training).
 */
async function memory(pool: WorkerPool, live: LiveSession | undefined, idleMs: number): Promise<Memory> {
  await new Promise((r) => setTimeout(r, idleMs));
  // One job per worker, held long enough that the pool gives each worker one (it dispatches to idle workers).
  const perWorker = await Promise.all(Array.from({ length: pool.size }, () =>
    pool.runUnchecked<{ threadId: number; heapUsed: number; heapTotal: number; arrayBuffers: number }>('bench/memory', { holdMs: 200 })));
  gc();
  gc();
  const m = process.memoryUsage();
  return {
    rssMiB: mib(m.rss), heapMiB: mib(m.heapUsed), heapTotalMiB: mib(m.heapTotal), smaps: smapsBreakdown(), externalMiB: mib(m.external), arrayBuffersMiB: mib(m.arrayBuffers), liveMiB: mib(m.heapUsed + m.arrayBuffers + perWorker.reduce((sum, w) => sum + w.heapUsed + w.arrayBuffers, 0)),
    proc: procStatus(),
    workers: perWorker.sort((a, b) => a.threadId - b.threadId).map((w) => ({ heapMiB: mib(w.heapUsed), heapTotalMiB: mib(w.heapTotal), arrayBuffersMiB: mib(w.arrayBuffers) })),
    featureCache: { tiles: live?.features.size ?? 0, MiB: mib(live?.features.bytes ?? 0) },
    v8SlackMiB: mib(m.heapTotal - m.heapUsed + perWorker.reduce((sum, w) => sum + w.heapTotal - w.heapUsed, 0)),
  };
}

async function main(): Promise<void> {
  const strokes = arg('strokes', 500);
  const undoRedo = arg('undo', 200);
  const size = arg('size', 2048);
  const trees = arg('trees', 32);
  const started = Date.now();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pc-soak-'));
  const file = path.join(dir, 'soak.tif');
  await fs.writeFile(file, 'placeholder: the image is served from memory');
  const image = syntheticImage(file, size);
  const opener = async (): Promise<ImageSource> => image;
  const logger = new MemoryLogger();
  // --grace: ms a cancelled job may run on before its worker is replaced; default: the extension's pool (extension.ts)
  const grace = arg('grace', 10_000);
  const pool = new WorkerPool({ workerScript: await buildSoakWorker(), abortGraceMs: grace });
  const uri = { fsPath: file, scheme: 'file', path: file, toString: () => `file://${file}` } as never;
  const doc = await LabelDocument.open(uri, { openImage: opener, logger });
  doc.project.classifier.trees = trees;
  const edits: DocumentEdit[] = [];
  doc.onDidEdit((e) => edits.push(e));
  const registry = new EditorRegistry<LabelDocument>();
  let live!: LiveSession;
  const controller = new DocumentController(doc, registry, {
    logger,
    settings: () => ({ liveUpdate: true, readOnly: false, tileSize: 256 }),
    confirm: async () => true,
    createLive: (c) => (live = new LiveSession(c, {
      compute: poolCompute(() => pool, logger), logger, featureCacheBytes: 256 * 2 ** 20, openImage: opener, debounceMs: 30, concurrency: 2,
    })),
  });
  // A webview that counts what it receives but keeps nothing (a real one draws and drops it).
  const received = { tiles: 0, errors: [] as string[] };
  const webview: WebviewLike = {
    async postMessage(message: unknown) {
      const body = (message as { body: { type: string; message?: string; status?: { state: string; message?: string } } }).body;
      if (body.type === 'prediction/tile') received.tiles++;
      if (body.type === 'error/show') received.errors.push(body.message ?? 'error');
      if (body.type === 'status/update' && body.status?.state === 'error') received.errors.push(body.status.message ?? 'status error');
      return true;
    },
  };
  const channel = new WebviewChannel(webview, 'soak');
  registry.add(doc, channel);
  let messageId = 1;
  const send = (body: Record<string, unknown>) => controller.handle(channel, { messageId: messageId++, body });
  await send({ type: 'ready' });
  await send({ type: 'view/changed', t: 0, z: 0, box: { column: 0, row: 0, width: Math.min(size, 1024), height: Math.min(size, 1024) } });

  const random = new Random(2026);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  // idle() only covers work already started: let the debounce fire first, twice to be sure.
  const settle = async () => { for (let k = 0; k < 2; k++) { await sleep(100); await live.idle(); } };
  const stroke = async (i: number) => {
    const classId = 1 + (i % 2);
    // class 1 on blobs-rich left half, class 2 on the right; a 10-point wiggle of 40–200 px
    let x = (classId === 1 ? 0 : size / 2) + random.int(size / 2 - 64) + 32;
    let y = random.int(size - 64) + 32;
    const points = new Float32Array(20);
    for (let p = 0; p < 10; p++) {
      points[2 * p] = Math.max(0, Math.min(size - 1, x));
      points[2 * p + 1] = Math.max(0, Math.min(size - 1, y));
      x += random.range(-20, 20);
      y += random.range(-20, 20);
    }
    await send({ type: 'labels/paint', t: 0, z: 0, classId, brushSize: 1 + random.int(15), points: points.buffer });
  };

  // Watchdog: a soak that stops making progress (a job that never settles) must fail loudly, not hang.
  let phase = 'start';
  let lastProgress = Date.now();
  const progress = (p: string) => { phase = p; lastProgress = Date.now(); };
  const stallSeconds = arg('stall', 180);
  const watchdog = setInterval(() => {
    if (Date.now() - lastProgress < stallSeconds * 1000) return;
    process.stderr.write(`${JSON.stringify({
      stalled: phase, seconds: (Date.now() - started) / 1000, queuedJobs: pool.queuedCount, runningJobs: pool.runningCount,
      replacedWorkers: pool.replacedWorkers, status: live.status(), log: logger.lines.slice(-15),
    }, null, 2)}\n`);
    process.exit(1);
  }, 5000);
  watchdog.unref();
  // --every N: also measure after every N strokes (the growth curve)
  const every = arg('every', 0);
  /** What the memory has to hold at a checkpoint: labels to train on and the forest they gave. */
  const workload = () => ({
    labelledPixels: doc.labels?.labelledCount() ?? 0,
    forestMiB: live.forest ? mib(serializeForest(live.forest).byteLength) : 0,
  });
  const checkpoints: Record<string, unknown> = {};
  // --idle ms: how long the editor stays idle before a measurement
  const idleMs = arg('idle', TRAINING_MEMORY_IDLE_MS + 500);
  let baseline: Memory | undefined;
  const strokeTimes: number[] = [];
  for (let i = 0; i < strokes; i++) {
    progress(`stroke ${i + 1}`);
    const t0 = performance.now();
    await stroke(i);
    strokeTimes.push(performance.now() - t0);
    await sleep(random.range(10, 120));
    if (i + 1 === 50 || i + 1 === strokes || (every > 0 && (i + 1) % every === 0)) {
      progress(`settle after stroke ${i + 1}`);
      await settle();
      progress(`memory after stroke ${i + 1}`);
      const m = await memory(pool, live, idleMs);
      if (i + 1 === 50) baseline = m;
      checkpoints[`afterStroke${i + 1}`] = { ...m, ...workload(), tilesSoFar: received.tiles, seconds: (Date.now() - started) / 1000 };
    }
  }
  // Undo half the steps, then redo them, through VS Code's undo entries of the document.
  const undone: DocumentEdit[] = [];
  for (let i = 0; i < undoRedo; i++) {
    progress(`undo/redo ${i + 1}`);
    if (i < undoRedo / 2) {
      const e = edits.pop()!;
      e.undo();
      undone.push(e);
    } else {
      const e = undone.pop()!;
      e.redo();
      edits.push(e);
    }
    await sleep(random.range(5, 60));
  }
  progress('settle after undo/redo');
  await settle();
  progress('memory at the end');
  const end = await memory(pool, live, idleMs);
  clearInterval(watchdog);
  if (process.env.SOAK_SMAPS_DUMP) await fs.writeFile(process.env.SOAK_SMAPS_DUMP, readFileSync('/proc/self/smaps', 'utf8'));
  checkpoints.afterUndoRedo = { ...end, ...workload(), tilesSoFar: received.tiles, seconds: (Date.now() - started) / 1000 };
  const loggedErrors = logger.lines.filter((l) => l.startsWith('[error]'));
  const growth = (key: 'liveMiB' | 'rssMiB') => Math.round(((end[key] - baseline![key]) / baseline![key]) * 1000) / 10;
  const ok = growth('liveMiB') <= 10 && growth('rssMiB') <= 10 && loggedErrors.length === 0 && received.errors.length === 0;
  const sorted = strokeTimes.slice().sort((a, b) => a - b);
  live.dispose();
  controller.dispose();
  doc.dispose();
  await pool.dispose();
  await fs.rm(dir, { recursive: true, force: true });
  const ratio = (key: 'liveMiB' | 'rssMiB') => Math.round((end[key] / baseline![key]) * 1000) / 1000;
  process.stdout.write(`${JSON.stringify({
    ok, image: `${size}×${size} uint16`, strokes, undoRedo, trees, workers: pool.size, abortGraceMs: grace, loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10),
    // The verdict: memory after GC once idle, after stroke 50 vs after the undo/redo, and the errors seen.
    summary: {
      baselineAfterStroke50: { rssMiB: baseline!.rssMiB, liveMiB: baseline!.liveMiB, labelledPixels: (checkpoints.afterStroke50 as { labelledPixels: number }).labelledPixels },
      end: { rssMiB: end.rssMiB, liveMiB: end.liveMiB, labelledPixels: doc.labels?.labelledCount() ?? 0 },
      ratio: { rss: ratio('rssMiB'), live: ratio('liveMiB') },
      growthMiB: { rss: Math.round((end.rssMiB - baseline!.rssMiB) * 10) / 10, live: Math.round((end.liveMiB - baseline!.liveMiB) * 10) / 10 },
      // Informative only (the verdict is on RSS): RSS without V8's unused heap, which swings with GC timing.
      rssLessV8SlackRatio: Math.round(((end.rssMiB - end.v8SlackMiB) / (baseline!.rssMiB - baseline!.v8SlackMiB)) * 1000) / 1000,
      limit: 1.1,
      errors: loggedErrors.length + received.errors.length,
    },
    growthPercent: { live: growth('liveMiB'), rss: growth('rssMiB') }, checkpoints,
    labelledPixels: doc.labels?.labelledCount(), predictionTilesReceived: received.tiles,
    strokeHandlingMs: { median: Math.round(sorted[Math.floor(sorted.length / 2)] * 10) / 10, max: Math.round(sorted[sorted.length - 1]) },
    errors: [...loggedErrors.slice(0, 5), ...received.errors.slice(0, 5)], replacedWorkers: pool.replacedWorkers, seconds: (Date.now() - started) / 1000,
  }, null, 2)}\n`);
  process.exitCode = ok ? 0 : 1;
}

// Exit explicitly on failure: live worker threads would otherwise keep the process alive.
main().catch((error) => { console.error(error); process.exit(1); });
