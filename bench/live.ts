/**
 * `npm run bench -- live [--strokes 10] [--size 2048] [--features all|light] [--labels image|arbitrary]`
 *
 * The live loop of issue #5, printed as JSON on stdout (progress on stderr): the editor host's
 * LiveSession (extension/editor/liveSession.ts) with the real worker pool (warmed up as the extension does), on a generated
 * 2048×2048 uint16 image (bright blobs on a noisy uneven background), all 49 features, a 100-tree
 * forest and ~20k labelled pixels of two classes painted where a user would (class 2 on blobs, class 1 on
 * background; `--labels arbitrary`: thick strokes regardless of the content, the worst case), the
 * 1024×1024 viewport in the middle (16 tiles of 256²).
 *
 * The live update is progressive: a preview forest (a few trees on a subsample) predicts the visible
 * tiles first, then the full forest re-predicts them. Per update, times from "update now" to:
 * the first preview tile, the whole viewport of the preview, the first full-forest tile and the whole
 * viewport of the full forest (`firstTileMs` / `viewportMs` = the first of either stage).
 * - fresh: the first update on a fresh image (no feature cached);
 * - cached: then `--strokes` more strokes, each followed by "update now" once the previous viewport is
 *   done (features of the view cached by then), medians reported. Training is included.
 * Targets (issue #5): first tile ≤ 300 ms, viewport ≤ 1.5 s (median). Load average is recorded.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { selectionAll, selectionDefaultLight } from '../extension/core/features/featureSet';
import { memoryImageSource } from '../extension/core/image/memoryImageSource';
import type { ImageInfo } from '../extension/core/image/imageModel';
import { LabelDocument } from '../extension/editor/labelDocument';
import { DocumentController } from '../extension/editor/documentController';
import { EditorRegistry, WebviewChannel } from '../extension/editor/editorRegistry';
import { LiveSession } from '../extension/editor/liveSession';
import { poolCompute } from '../extension/editor/liveCompute';
import { MemoryLogger } from '../extension/editor/logger';
import { WorkerPool } from '../extension/workers/workerPool';
import { warmUpForestTraining } from '../extension/workers/parallelForest';
import type { Envelope, HostToWebviewMessage } from '../extension/protocol';
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

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pc-bench-live-'));
  const workerScript = join(dir, 'computeWorker.js');
  await build({
    entryPoints: [resolve(__dirname, '../extension/workers/computeWorker.ts')],
    outfile: workerScript, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error',
  });
  // As the extension host does when it creates its pool (extension.ts): a small background training warms
  // the workers up while the user opens the image and paints.
  const pool = new WorkerPool({ workerScript, abortGraceMs: 10_000 });
  const warmUp = warmUpForestTraining(pool);
  const loadBefore = loadavg();
  progress(`generating a ${size}² image`);
  const { pixels, blobs } = syntheticImage(size);
  const imagePath = join(dir, 'bench.tif');
  writeFileSync(imagePath, 'placeholder: the document hashes this file; pixels come from memory');
  const info: ImageInfo = {
    name: imagePath, format: 'tiff', shape: { t: 1, z: 1, c: 1, y: size, x: size }, axes: 'YX', dtype: 'uint16',
    pages: 1, compression: 'none', metadata: {},
  };
  const source = memoryImageSource(info, [pixels]);
  const logger = new MemoryLogger();
  const doc = await LabelDocument.open({ fsPath: imagePath, scheme: 'file', toString: () => imagePath } as never, { openImage: async () => source, logger });
  doc.project.features = featureSet === 'light' ? selectionDefaultLight() : selectionAll();
  doc.project.classifier.trees = 100;

  // Arrival times of messages, by type.
  const events: { at: number; body: HostToWebviewMessage }[] = [];
  const webview = { postMessage: async (m: unknown) => { events.push({ at: performance.now(), body: (m as Envelope<HostToWebviewMessage>).body }); return true; } };
  const registry = new EditorRegistry<LabelDocument>();
  let live!: LiveSession;
  const controller = new DocumentController(doc, registry, {
    logger,
    settings: () => ({ liveUpdate: false, readOnly: false, tileSize: 256 }),
    confirm: async () => true,
    createLive: (c) => (live = new LiveSession(c, { compute: poolCompute(() => pool, logger), logger, featureCacheBytes: 2048 * 2 ** 20, openImage: async () => source })),
  });
  const channel = new WebviewChannel(webview, 'bench');
  registry.add(doc, channel);
  let id = 1;
  const send = (body: unknown) => controller.handle(channel, { messageId: id++, body });
  const view = { column: size / 2 - 512, row: size / 2 - 512, width: 1024, height: 1024 };
  await send({ type: 'view/changed', t: 0, z: 0, box: view });

  const stroke = (classId: number, brushSize: number, pts: number[]) =>
    send({ type: 'labels/paint', t: 0, z: 0, classId, brushSize, points: new Float32Array(pts).buffer });
  // ~20k labelled pixels inside the viewport. 'image' (default): labels that agree with the image — class 2
  // dabs on blobs, class 1 dabs on background, as a user paints clear examples. 'arbitrary': long thick
  // strokes of alternating classes regardless of the content (the forest then memorises noise: ~4× the
  // nodes, depth ~29), the worst case for training and prediction time.
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
  const labelled = doc.labels!.labelledCount();
  await warmUp; // (a user takes far longer to paint these strokes than the warm-up takes)
  progress(`${labelled} labelled pixels; first update (fresh image)`);

  const viewportTiles = 16;
  interface Update {
    firstTileMs: number; viewportMs: number;
    previewFirstTileMs?: number; previewViewportMs?: number; fullFirstTileMs: number; fullViewportMs: number;
    /** Viewport pixels whose most probable class is the same in the preview and the full forest, in %. */
    previewAgreementPct?: number;
  }
  /** % of pixels of the preview tiles whose argmax class equals the full forest's on the same tile. */
  function agreement(preview: typeof events, full: typeof events): number | undefined {
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
  async function update(): Promise<Update> {
    const t0 = performance.now();
    const from = events.length;
    const startGeneration = live.generation;
    await send({ type: 'live/updateNow' });
    const inViewOf = (generation: number) => events.slice(from).filter((e) => e.body.type === 'prediction/tile' && e.body.generation === generation
      && e.body.box.row >= view.row && e.body.box.row < view.row + view.height
      && e.body.box.column >= view.column && e.body.box.column < view.column + view.width);
    for (;;) {
      const generation = live.generation;
      const full = !live.preview && generation > startGeneration ? inViewOf(generation) : [];
      if (full.length >= viewportTiles) {
        const tiles = events.slice(from).filter((e) => e.body.type === 'prediction/tile' && e.body.generation > startGeneration);
        const previewGenerations = new Set(tiles.map((e) => (e.body as { generation: number }).generation).filter((g) => g < generation));
        // Stale stages cannot occur here (one update at a time): at most one preview generation.
        const preview = previewGenerations.size === 1 ? inViewOf([...previewGenerations][0]) : [];
        const previewTiles = tiles.filter((e) => (e.body as { generation: number }).generation < generation);
        return {
          firstTileMs: tiles[0].at - t0,
          viewportMs: (preview.length >= viewportTiles ? preview[viewportTiles - 1] : full[viewportTiles - 1]).at - t0,
          ...(previewTiles.length ? { previewFirstTileMs: previewTiles[0].at - t0 } : {}),
          ...(preview.length >= viewportTiles ? { previewViewportMs: preview[viewportTiles - 1].at - t0 } : {}),
          fullFirstTileMs: tiles.find((e) => (e.body as { generation: number }).generation === generation)!.at - t0,
          fullViewportMs: full[viewportTiles - 1].at - t0,
          ...(preview.length ? { previewAgreementPct: agreement(preview, full) } : {}),
        };
      }
      const error = events.slice(from).find((e) => e.body.type === 'status/update' && e.body.status.state === 'error');
      if (error && error.body.type === 'status/update') throw new Error(error.body.status.message);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  const rounded = (u: Update) => Object.fromEntries(Object.entries(u).map(([k, v]) => [k, k.endsWith('Pct') ? +(v as number).toFixed(2) : Math.round(v as number)]));
  const describe = (u: Update) => Object.entries(rounded(u)).map(([k, v]) => `${k} ${v}`).join(', ');
  const fresh = await update();
  progress(`fresh: ${describe(fresh)}`);
  const runs: Update[] = [];
  for (let i = 0; i < nStrokes; i++) {
    if (labelMode === 'arbitrary') {
      const row = view.row + 60 + ((i * 97) % 900);
      await stroke(1 + (i % 2), 5, [view.column + 600, row, view.column + 640, row]);
    } else {
      // one more small dab per update, alternating classes, on the image's own structures
      const useForeground = i % 2 === 0 && fg < spots.foreground.length;
      const spot = useForeground ? spots.foreground[fg++] : spots.background[bg++ % spots.background.length];
      await stroke(useForeground ? 2 : 1, 7, [spot.x + 1, spot.y + 1]);
    }
    const r = await update();
    runs.push(r);
    progress(`stroke ${i + 1}: ${describe(r)}`);
    // the session's own account of the full training (samples, features, training ms)
    const trained = logger.lines.filter((l) => l.includes('trained ')).at(-1);
    if (trained) progress(`  ${trained.replace(/^.*?trained/, 'trained')}`);
  }
  const trainLines = logger.lines.filter((l) => l.includes('trained') || l.includes('preview:'));
  const medianOf = (key: keyof Update) => {
    const values = runs.map((r) => r[key]).filter((v): v is number => v !== undefined);
    return values.length ? Math.round(median(values)) : null;
  };
  live.dispose();
  await pool.dispose();
  rmSync(dir, { recursive: true, force: true });
  const result = {
    benchmark: 'live',
    image: `${size}×${size} uint16`,
    features: `${featureSet} (${live.status().featureChannels} channels)`,
    trees: 100,
    labelledPixels: labelled,
    labels: labelMode === "arbitrary" ? "arbitrary: thick strokes regardless of the content" : "image: class 2 on blobs, class 1 on background",
    viewport: '1024×1024 (16 tiles of 256²)',
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
      medianPreviewAgreementPct: runs.length ? +median(runs.map((r) => r.previewAgreementPct ?? NaN)).toFixed(2) : null,
      runs: runs.map(rounded),
    },
    targets: { firstTileMs: 300, viewportMs: 1500 },
    trainingLog: trainLines.slice(-4),
    loadAverage: { before: loadBefore.map((v) => +v.toFixed(2)), after: loadavg().map((v) => +v.toFixed(2)) },
  };
  console.log(JSON.stringify(result, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
