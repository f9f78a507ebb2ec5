/**
 * `npm run bench -- live [--strokes 10] [--size 2048] [--features all|light] [--labels image|arbitrary] [--debounce MS]`
 *
 * The live loop as a user meets it, printed as JSON on stdout (progress on stderr): the editor host's
 * DocumentController and LiveSession (extension/editor) with the real worker pool (warmed up as the extension
 * does), on a generated 2048×2048 uint16 image (bright blobs on a noisy uneven background) written to a TIFF file
 * and opened the way the editor opens it (`createImageOpener` over `openImage`: header in the host, planes above
 * 4 MiB decoded in a worker, tile regions read from the file), all 49 features, a 100-tree forest and ~20k
 * labelled pixels of two classes painted where a user would (class 2 on blobs, class 1 on background;
 * `--labels arbitrary`: thick strokes regardless of the content, the worst case), the 1024×1024 viewport in the
 * middle (16 tiles of 256²), live update on with the extension's debounce (`--debounce` overrides it).
 *
 * Every figure starts when the stroke's `labels/paint` message arrives at the host, so the debounce is inside it,
 * and ends when the `prediction/tile` message is posted to the webview. The live update is progressive: a preview
 * forest (a few trees on a subsample) predicts the visible tiles first, then the full forest re-predicts them; both
 * are reported: `previewFirstTileMs` / `previewViewportMs` and `fullFirstTileMs` / `fullViewportMs`
 * (`firstTileMs` / `viewportMs` = whichever stage came first).
 * - fresh: the first stroke on a freshly opened image (nothing cached: the ~20k labels are painted with live
 *   update off, then it is switched on and one more dab is painted);
 * - cached: `--strokes` more dabs, each once the previous update is complete (the view's features are cached by
 *   then), medians reported.
 * The session's own log lines (preview and full training times, features) are included for profiling.
 * `--other-images N [--other-labels 50000]`: the project also has N other 1024² uint16 images with that many
 * brush-labelled pixels each (issue #18, ilastik #1569: 9 × 50,000 + ~20k ≈ 470k samples); one update first
 * computes their samples (the session keeps them), then the open image's feature cache is emptied, so "fresh"
 * is again the first stroke with nothing of the open image cached.
 * Targets (issue #18): cached first tile ≤ 200 ms, viewport ≤ 500 ms; fresh first tile ≤ 400 ms, viewport
 * ≤ 800 ms. Load average is recorded; timings are never asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { selectionAll, selectionDefaultLight } from '../extension/core/features/featureSet';
import { LabelDocument } from '../extension/editor/labelDocument';
import { DocumentController } from '../extension/editor/documentController';
import { EditorRegistry, WebviewChannel } from '../extension/editor/editorRegistry';
import { createImageOpener } from '../extension/editor/imageOpener';
import { LiveSession } from '../extension/editor/liveSession';
import { poolCompute } from '../extension/editor/liveCompute';
import { MemoryLogger } from '../extension/editor/logger';
import { openImage } from '../extension/node/openImage';
import { writeTiffFile } from '../extension/node/tiffFileWriter';
import { WorkerPool } from '../extension/workers/workerPool';
import { warmUpForestTraining } from '../extension/workers/parallelForest';
import type { Envelope, HostToWebviewMessage } from '../extension/protocol';
import { LabelVolume } from '../extension/core/labels/labelVolume';
import { setProjectLabels } from '../extension/project/projectFile';
import { sha256File } from '../extension/project/fileHash';
import { brushLabels, truthImage } from './lib/labelledImages';
import { installNodePlatform } from '../extension/node/nodePlatform';

installNodePlatform();

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const nStrokes = Number(arg('strokes', '10'));
const labelMode = arg('labels', 'image') === 'arbitrary' ? 'arbitrary' : 'image';
const size = Number(arg('size', '2048'));
const featureSet = arg('features', 'all');
const debounceArg = args.includes('--debounce') ? Number(arg('debounce', '150')) : undefined;
/** Other labelled images of the project (issue #18, many labels: 9 × 1024² with 50,000 labels each gives ~470k more samples). */
const otherImages = Number(arg('other-images', '0'));
const otherLabels = Number(arg('other-labels', '50000'));
const progress = (m: string) => process.stderr.write(`[live] ${m}\n`);

/** Blob of the synthetic image (centre, radius in pixels). */
interface Blob { x: number; y: number; r: number }

function syntheticImage(n: number): { pixels: Uint16Array; blobs: Blob[] } {
  // mulberry32: a tiny seeded generator, so the image is the same on every run.
  let state = 7;
  const rnd = {
    next(): number {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
  const img = new Uint16Array(n * n);
  const blobs = Array.from({ length: Math.round((n * n) / 6000) }, () => ({ x: rnd.next() * n, y: rnd.next() * n, r: 6 + rnd.next() * 14 }));
  const grid = new Map<string, typeof blobs>();
  for (const b of blobs) {
    const key = `${Math.floor(b.x / 64)},${Math.floor(b.y / 64)}`;
    (grid.get(key) ?? grid.set(key, []).get(key)!).push(b);
  }
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      let v = 300 + (200 * (row + col)) / n + 30 * (rnd.next() - 0.5);
      const gx = Math.floor(col / 64);
      const gy = Math.floor(row / 64);
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          for (const b of grid.get(`${gx + dx},${gy + dy}`) ?? []) {
            const d = Math.hypot(col - b.x, row - b.y);
            if (d < b.r) v += 2000 * (1 - (d / b.r) ** 2);
          }
        }
      }
      img[row * n + col] = Math.min(65535, Math.max(0, Math.round(v)));
    }
  }
  return { pixels: img, blobs };
}

/**
 * Where a user paints: class 2 dabs inside blobs (centre, radius ≤ 0.6·r), class 1 dabs on background at
 * least 8 px from every blob — labels that agree with the image, like a biologist's scribbles.
 * @returns dab centres inside `view`, blobs first then background, in a fixed order
 */
function labelSpots(blobs: Blob[], view: { column: number; row: number; width: number; height: number }) {
  const inView = (x: number, y: number, margin: number) => x >= view.column + margin && x < view.column + view.width - margin
    && y >= view.row + margin && y < view.row + view.height - margin;
  const foreground = blobs.filter((b) => b.r >= 12 && inView(b.x, b.y, 40)).map((b) => ({ x: b.x, y: b.y, brush: Math.min(21, Math.floor(1.2 * b.r) | 1) }));
  const background: { x: number; y: number; brush: number }[] = [];
  for (let y = view.row + 40; y < view.row + view.height - 40; y += 37) {
    for (let x = view.column + 40; x < view.column + view.width - 40; x += 41) {
      if (blobs.every((b) => Math.hypot(x - b.x, y - b.y) > b.r + 8 + 10)) background.push({ x, y, brush: 15 });
    }
  }
  return { foreground, background };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
}


/** Figures of one update (milliseconds from the stroke's arrival at the host). */
interface Update {
  firstTileMs: number; viewportMs: number;
  previewFirstTileMs?: number; previewViewportMs?: number; fullFirstTileMs: number; fullViewportMs: number;
  /** Viewport pixels whose most probable class is the same in the preview and the full forest, in %. */
  previewAgreementPct?: number;
  /** The session's log lines of this update (training, preview, tiles). */
  log?: string[];
}

/** A message posted to the webview, when, and whether the session's forest was the preview then. */
interface Posted { at: number; body: HostToWebviewMessage; preview: boolean }

/** % of pixels of the preview tiles whose argmax class equals the full forest's on the same tile. */
function agreement(preview: Posted[], full: Posted[]): number | undefined {
  let same = 0;
  let total = 0;
  for (const p of preview) {
    if (p.body.type !== 'prediction/tile') continue;
    const pb = p.body;
    const f = full.find((e) => e.body.type === 'prediction/tile' && e.body.box.row === pb.box.row && e.body.box.column === pb.box.column);
    if (!f || f.body.type !== 'prediction/tile') continue;
    const a = new Uint8Array(pb.probabilities);
    const b = new Uint8Array(f.body.probabilities);
    const n = pb.box.width * pb.box.height;
    for (let i = 0; i < n; i++) {
      let ka = 0;
      let kb = 0;
      for (let k = 1; k < pb.nClasses; k++) {
        if (a[k * n + i] > a[ka * n + i]) ka = k;
        if (b[k * n + i] > b[kb * n + i]) kb = k;
      }
      if (ka === kb) same++;
      total++;
    }
  }
  return total ? (100 * same) / total : undefined;
}

/**
 * Adds `otherImages` more 1024² uint16 images to the document's project, each with `otherLabels` brush-labelled
 * pixels (bench/lib/labelledImages.ts), as a user's project of many labelled images (the shared project the
 * document's session holds; the live trainer reads the other images' labels from it and their pixels from disk).
 */
async function addOtherImages(dir: string, doc: LabelDocument): Promise<void> {
  const project = doc.project;
  for (let i = 0; i < otherImages; i++) {
    const image = truthImage(1024, 100 + i);
    const name = `other${i}.tif`;
    const file = join(dir, name);
    await writeTiffFile(file, [Uint16Array.from(image.pixels, (v) => Math.max(0, Math.min(65535, Math.round(v * 4000))))], { width: 1024, height: 1024, dtype: 'uint16' });
    project.images.push({ path: name, sha256: await sha256File(file), shape: { t: 1, z: 1, c: 1, y: 1024, x: 1024 }, dtype: 'uint16' });
    const labels = new LabelVolume({ t: 1, z: 1, y: 1024, x: 1024 });
    for (const p of brushLabels(image, otherLabels, 100 + i)) labels.setAt(p, image.truth[p] === 1 ? 1 : 2);
    setProjectLabels(project, name, labels);
  }
  progress(`project: ${otherImages} other images with ${otherLabels} labelled pixels each`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pc-bench-live-'));
  const workerScript = join(dir, 'computeWorker.js');
  await build({
    entryPoints: [resolve(__dirname, '../extension/workers/computeWorker.ts')],
    outfile: workerScript, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error',
  });
  // As the extension host does when an image opens (extension.ts): the pool starts and a small background
  // training warms the workers up while the user opens the image and paints.
  const pool = new WorkerPool({ workerScript, abortGraceMs: 10_000 });
  const warmUp = warmUpForestTraining(pool);
  const loadBefore = loadavg();
  progress(`generating a ${size}² image`);
  const { pixels, blobs } = syntheticImage(size);
  const imagePath = join(dir, 'bench.tif');
  await writeTiffFile(imagePath, [pixels], { width: size, height: size, dtype: 'uint16' });
  const logger = new MemoryLogger();
  // The editor's opener (extension.ts): header in the host, big planes decoded in a worker, regions from the file.
  const opener = createImageOpener({ openInHost: openImage, getPool: () => pool, logger });
  const doc = await LabelDocument.open({ fsPath: imagePath, scheme: 'file', toString: () => imagePath } as never, { openImage: opener, logger });
  doc.project.features = featureSet === 'light' ? selectionDefaultLight() : selectionAll();
  doc.project.classifier.trees = 100;
  if (otherImages > 0) {
    await addOtherImages(dir, doc);
    const project = await doc.snapshot();
    const labelled = Object.keys(project.labels).length;
    progress(`project: ${project.images.length} images, ${labelled} labelled; ${JSON.stringify(doc.warnings)} ${doc.projectError ? JSON.stringify(doc.projectError) : ""}`);
    if (labelled < otherImages) throw new Error(`the project has ${labelled} labelled images, expected ${otherImages}`);
  }

  const events: Posted[] = [];
  let live!: LiveSession;
  const webview = {
    postMessage: async (m: unknown) => {
      events.push({ at: performance.now(), body: (m as Envelope<HostToWebviewMessage>).body, preview: live?.preview ?? false });
      return true;
    },
  };
  const registry = new EditorRegistry<LabelDocument>();
  const controller = new DocumentController(doc, registry, {
    logger,
    settings: () => ({ liveUpdate: true, readOnly: false, tileSize: 256 }),
    confirm: async () => true,
    createLive: (c) => (live = new LiveSession(c, {
      compute: poolCompute(() => pool, logger), logger, featureCacheBytes: 1024 * 2 ** 20, openImage: opener,
      ...(debounceArg !== undefined ? { debounceMs: debounceArg } : {}),
    })),
  });
  const channel = new WebviewChannel(webview, 'bench');
  registry.add(doc, channel);
  let id = 1;
  const send = (body: unknown) => controller.handle(channel, { messageId: id++, body });
  const view = { column: size / 2 - 512, row: size / 2 - 512, width: 1024, height: 1024 };
  await send({ type: 'view/changed', t: 0, z: 0, box: view });
  live.enabled = false;
  // The view's first report looks for the model cache (none here): wait for it, so that it cannot start a training.
  for (let waited = 0; !logger.lines.some((l) => l.includes('model cache')) && waited < 20_000; waited += 10) await new Promise((r) => setTimeout(r, 10));

  const stroke = (classId: number, brushSize: number, pts: number[]) =>
    send({ type: 'labels/paint', t: 0, z: 0, classId, brushSize, points: new Float32Array(pts).buffer });
  // ~20k labelled pixels inside the viewport, painted with live update off (nothing is computed meanwhile).
  // 'image' (default): labels that agree with the image — class 2 dabs on blobs, class 1 dabs on background.
  // 'arbitrary': long thick strokes of alternating classes regardless of the content (the forest then memorises
  // noise: ~4× the nodes), the worst case for training and prediction time.
  const spots = labelSpots(blobs, view);
  let fg = 0;
  let bg = 0;
  if (labelMode === 'arbitrary') {
    for (let k = 0; k < 6; k++) {
      const row = view.row + 80 + k * 150;
      await stroke(1 + (k % 2), 21, [view.column + 100, row, view.column + 250, row + 10]);
    }
  } else {
    while (doc.labels!.labelledCount() < 20000 && (fg < spots.foreground.length || bg < spots.background.length)) {
      const useForeground = fg < spots.foreground.length && (bg >= spots.background.length || doc.labels!.counts(2)[2] <= doc.labels!.counts(2)[1]);
      const spot = useForeground ? spots.foreground[fg++] : spots.background[bg++];
      await stroke(useForeground ? 2 : 1, spot.brush, [spot.x, spot.y]);
    }
  }
  await warmUp; // (a user takes far longer to paint these strokes than the warm-up takes)
  if (otherImages > 0) {
    progress(`project warm-up: samples of ${otherImages} other images`);
    const t = performance.now();
    await send({ type: 'live/updateNow' });
    await live.idle();
    progress(`  ${Math.round(performance.now() - t)} ms; ${logger.lines.filter((l) => l.includes('trained')).at(-1)?.replace(/^.*?trained/, 'trained')}`);
    live.features.clear();
  }
  live.enabled = true;
  if (live.features.size > 0) throw new Error('features were computed before the fresh stroke');
  progress(`${doc.labels!.labelledCount()} labelled pixels; first stroke (fresh image)`);

  const viewportTiles = 16;
  /** Paints one dab and waits for the full forest's viewport; times from the paint message's arrival. */
  async function timedStroke(paint: () => Promise<unknown>): Promise<Update> {
    const from = events.length;
    const logFrom = logger.lines.length;
    const startGeneration = live.generation;
    const t0 = performance.now();
    await paint();
    const inView = (e: Posted) => e.body.type === 'prediction/tile' && e.body.generation > startGeneration
      && e.body.box.row >= view.row && e.body.box.row < view.row + view.height
      && e.body.box.column >= view.column && e.body.box.column < view.column + view.width;
    const deadline = t0 + (process.env.LIVE_DEADLINE_MS ? Number(process.env.LIVE_DEADLINE_MS) : 120_000);
    for (;;) {
      const tiles = events.slice(from).filter(inView);
      const full = tiles.filter((e) => !e.preview);
      const fullGeneration = full.length ? (full.at(-1)!.body as { generation: number }).generation : -1;
      const fullOfLast = full.filter((e) => (e.body as { generation: number }).generation === fullGeneration);
      if (fullOfLast.length >= viewportTiles && !live.preview && live.generation === fullGeneration) {
        const preview = tiles.filter((e) => e.preview);
        const first = tiles[0];
        const viewportDone = preview.length >= viewportTiles ? Math.min(preview[viewportTiles - 1].at, fullOfLast[viewportTiles - 1].at) : fullOfLast[viewportTiles - 1].at;
        return {
          firstTileMs: first.at - t0,
          viewportMs: viewportDone - t0,
          ...(preview.length ? { previewFirstTileMs: preview[0].at - t0 } : {}),
          ...(preview.length >= viewportTiles ? { previewViewportMs: preview[viewportTiles - 1].at - t0 } : {}),
          fullFirstTileMs: fullOfLast[0].at - t0,
          fullViewportMs: fullOfLast[viewportTiles - 1].at - t0,
          ...(preview.length ? { previewAgreementPct: agreement(preview, fullOfLast) } : {}),
          log: logger.lines.slice(logFrom).map((l) => l.replace(/^.*?bench\.tif: /, '')),
        };
      }
      const error = events.slice(from).find((e) => e.body.type === 'status/update' && e.body.status.state === 'error');
      if (error && error.body.type === 'status/update') throw new Error(error.body.status.message);
      if (performance.now() > deadline) throw new Error(`no full viewport within 120 s; log: ${logger.lines.slice(logFrom).join(' | ')}; last status: ${JSON.stringify(events.filter((e) => e.body.type === 'status/update').at(-1)?.body)}`);
      await new Promise((r) => setTimeout(r, 2));
    }
  }
  const rounded = (u: Update) => Object.fromEntries(Object.entries(u).map(([k, v]) => [k, k === 'log' ? v : k.endsWith('Pct') ? +(v as number).toFixed(2) : Math.round(v as number)]));
  const describe = (u: Update) => Object.entries(rounded(u)).filter(([k]) => k !== 'log').map(([k, v]) => `${k} ${v}`).join(', ');
  const dab = (i: number) => () => {
    if (labelMode === 'arbitrary') {
      const row = view.row + 60 + ((i * 97) % 900);
      return stroke(1 + (i % 2), 5, [view.column + 600, row, view.column + 640, row]);
    }
    // one more small dab per update, alternating classes, on the image's own structures
    const useForeground = i % 2 === 0 && fg < spots.foreground.length;
    const spot = useForeground ? spots.foreground[fg++] : spots.background[bg++ % spots.background.length];
    return stroke(useForeground ? 2 : 1, 7, [spot.x + 1, spot.y + 1]);
  };
  const fresh = await timedStroke(dab(0));
  progress(`fresh: ${describe(fresh)}`);
  const labelled = doc.labels!.labelledCount();
  const runs: Update[] = [];
  for (let i = 1; i <= nStrokes; i++) {
    const r = await timedStroke(dab(i));
    runs.push(r);
    progress(`stroke ${i}: ${describe(r)}`);
  }
  const medianOf = (key: Exclude<keyof Update, 'log'>) => {
    const values = runs.map((r) => r[key]).filter((v): v is number => v !== undefined);
    return values.length ? Math.round(median(values)) : null;
  };
  live.dispose();
  await pool.dispose();
  rmSync(dir, { recursive: true, force: true });
  const result = {
    benchmark: 'live',
    image: `${size}×${size} uint16, uncompressed TIFF read through the editor's image opener`,
    features: `${featureSet} (${live.status().featureChannels} channels)`,
    trees: 100,
    labelledPixels: labelled,
    labels: labelMode === 'arbitrary' ? 'arbitrary: thick strokes regardless of the content' : 'image: class 2 on blobs, class 1 on background',
    viewport: '1024×1024 (16 tiles of 256²)',
    clock: "from the stroke's labels/paint message arriving at the host (debounce included) to the prediction/tile message",
    debounceMs: debounceArg ?? 'extension default',
    workers: pool.size,
    cpus: availableParallelism(),
    fresh: rounded(fresh),
    cached: {
      strokes: runs.length,
      medianFirstTileMs: medianOf('firstTileMs'),
      medianViewportMs: medianOf('viewportMs'),
      medianPreviewFirstTileMs: medianOf('previewFirstTileMs'),
      medianPreviewViewportMs: medianOf('previewViewportMs'),
      medianFullFirstTileMs: medianOf('fullFirstTileMs'),
      medianFullViewportMs: medianOf('fullViewportMs'),
      medianPreviewAgreementPct: runs.some((r) => r.previewAgreementPct !== undefined) ? +median(runs.map((r) => r.previewAgreementPct ?? NaN).filter((v) => !Number.isNaN(v))).toFixed(2) : null,
      runs: runs.map(rounded),
    },
    targets: { cached: { firstTileMs: 200, viewportMs: 500 }, fresh: { firstTileMs: 400, viewportMs: 800 } },
    loadAverage: { before: loadBefore.map((v) => +v.toFixed(2)), after: loadavg().map((v) => +v.toFixed(2)) },
  };
  console.log(JSON.stringify(result, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
