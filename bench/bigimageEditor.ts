/**
 * `npm run bench -- bigimageEditor [--size 16384] [--volume 64x2048] [--quick]` — the editor side of issue #13, printed
 * as JSON on stdout (progress on stderr): the editor host (LabelDocument + DocumentController + LiveSession with the
 * real worker pool) serving a big image as tiles, driven with the webview's messages exactly as the tiled view sends
 * them (extension/editor, webview/canvas/tileGrid.ts for the level and tile choice).
 *
 * Inputs, generated streaming as `bench bigimage` does (bench/bigimage/*): a size² uint16 tiled BigTIFF (512² tiles, no
 * pyramid) and a z × n² uint16 OME-Zarr 0.4 volume (gzip chunks of 1 × 256²).
 * Inside each timer: the host's reading, pyramid levels, plane statistics and message delivery (not the webview's
 * drawing of the tiles, which is a putImageData per 512² tile).
 * - openMs: opening the file → every tile of a 1600×900 view at Fit delivered (the level Fit needs);
 * - panMs: at 1:1, moving the view by one screen → the new view's tiles delivered (median of 5);
 * - zStepMs: the volume at 1:1, one z-step → the view's tiles of the new slice delivered (median of 5);
 * - strokeFirstTileMs: 1:1 view, a stroke then "update now" → the first predicted tile, features not cached / cached;
 * - peakRssMiB: the extension host process with its worker threads (whole-process RSS, sampled every 50 ms).
 * Targets: open ≤ 1 s, pan ≤ 200 ms, z-step ≤ 300 ms, stroke → tile ≤ 1 s uncached / ≤ 300 ms cached, host ≤ 1 GB.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { selectionAll } from '../extension/core/features/featureSet';
import { LabelDocument } from '../extension/editor/labelDocument';
import { DocumentController } from '../extension/editor/documentController';
import { EditorRegistry, WebviewChannel } from '../extension/editor/editorRegistry';
import { LiveSession } from '../extension/editor/liveSession';
import { featureCacheBudget } from '../extension/editor/editorConfig';
import { poolCompute } from '../extension/editor/liveCompute';
import { MemoryLogger } from '../extension/editor/logger';
import { WorkerPool } from '../extension/workers/workerPool';
import { warmUpForestTraining } from '../extension/workers/parallelForest';
import { openImage } from '../extension/node/openImage';
import { writeTiledTiff } from './bigimage/tiledTiffGenerator';
import { writeZarrVolume } from './bigimage/volumeGenerators';
import { chooseLevel, visibleTiles } from '../webview/canvas/tileGrid';
import type { Envelope, HostToWebviewMessage, PixelBox } from '../extension/protocol';
import { installNodePlatform } from '../extension/node/nodePlatform';

installNodePlatform();

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const quick = args.includes('--quick');
const N = Number(arg('size', quick ? '6000' : '16384'));
const [VZ, VN] = arg('volume', quick ? '8x1024' : '64x2048').split('x').map(Number);
const progress = (m: string) => process.stderr.write(`[bigimage-editor] ${m}\n`);
const median = (v: number[]) => { const s = [...v].sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN; };
const VIEW = { width: 1600, height: 900 };

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pc-bench-bigimage-'));
  const workerScript = join(dir, 'computeWorker.js');
  await build({ entryPoints: [resolve(__dirname, '../extension/workers/computeWorker.ts')], outfile: workerScript, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error' });
  const slide = join(dir, 'slide.tif');
  const volume = join(dir, 'volume.ome.zarr');
  progress(`writing a ${N}² uint16 tiled BigTIFF and a ${VZ}×${VN}² OME-Zarr volume`);
  await writeTiledTiff(slide, { width: N, height: N, tile: 512, levels: 1 });
  await writeZarrVolume(volume, VZ, VN, 256);
  const pool = new WorkerPool({ workerScript, abortGraceMs: 10_000 });
  await warmUpForestTraining(pool);
  let peakRss = 0;
  const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage.rss()); }, 50);
  const loadBefore = loadavg();

  async function session(file: string) {
    const logger = new MemoryLogger();
    const events: { at: number; body: HostToWebviewMessage }[] = [];
    const webview = { postMessage: async (m: unknown) => { events.push({ at: performance.now(), body: (m as Envelope<HostToWebviewMessage>).body }); return true; } };
    const registry = new EditorRegistry<LabelDocument>();
    let live!: LiveSession;
    const doc = await LabelDocument.open({ fsPath: file, scheme: 'file', toString: () => file } as never, { openImage: (p) => openImage(p), logger });
    doc.project.features = selectionAll();
    doc.project.classifier.trees = 100;
    const controller = new DocumentController(doc, registry, {
      logger, settings: () => ({ liveUpdate: false, readOnly: false, tileSize: 256 }), confirm: async () => true,
      createLive: (c) => (live = new LiveSession(c, { compute: poolCompute(() => pool, logger), logger, featureCacheBytes: featureCacheBudget(1024 * 2 ** 20, doc.tiling() !== undefined), openImage: (p) => openImage(p) })),
    });
    const channel = new WebviewChannel(webview, 'bench');
    registry.add(doc, channel);
    let id = 1;
    const send = (body: unknown) => controller.handle(channel, { messageId: id++, body });
    const tiling = doc.descriptor()!.tiled;
    /**
     * Requests what the webview requests for `box` at `scale` (CSS px per image px, dpr 1): every image and label tile at
     * the level of the zoom for a tiled image, else (planes up to the tiled-view threshold) the whole plane.
     */
    const showView = async (z: number, box: PixelBox, scale: number) => {
      if (!tiling) {
        await Promise.all([send({ type: 'image/requestPlane', t: 0, z, c: 0 }), send({ type: 'labels/requestPlane', t: 0, z })]);
        await send({ type: 'view/changed', t: 0, z, box });
        return 1;
      }
      const level = chooseLevel(tiling.levels, scale);
      const tiles = visibleTiles(tiling.levels, level, box, tiling.tileSize);
      const coarse = visibleTiles(tiling.levels, tiling.levels.length - 1, box, tiling.tileSize);
      await Promise.all([...coarse, ...tiles].flatMap((t) => [
        send({ type: 'image/requestTile', t: 0, z, c: 0, level: t.level, column: t.column, row: t.row }),
        send({ type: 'labels/requestTile', t: 0, z, level: t.level, column: t.column, row: t.row }),
      ]));
      await send({ type: 'view/changed', t: 0, z, box });
      return tiles.length;
    };
    return { doc, events, send, showView, live: () => live, controller, tiled: tiling !== undefined };
  }

  // 1. open → Fit view
  let t0 = performance.now();
  const s1 = await session(slide);
  const fitScale = Math.min(VIEW.width / N, VIEW.height / N);
  const fitTiles = await s1.showView(0, { column: 0, row: 0, width: N, height: N }, fitScale);
  const openMs = performance.now() - t0;
  progress(`open → Fit (${fitTiles} tiles): ${openMs.toFixed(0)} ms`);

  // 2. pan by one screen at 1:1
  const pans: number[] = [];
  let view = { column: Math.floor(N / 2), row: Math.floor(N / 2), width: VIEW.width, height: VIEW.height };
  await s1.showView(0, view, 1);
  for (let k = 0; k < 5; k++) {
    view = { ...view, column: view.column + VIEW.width >= N ? 0 : view.column + VIEW.width };
    t0 = performance.now();
    await s1.showView(0, view, 1);
    pans.push(performance.now() - t0);
  }
  progress(`pan: ${median(pans).toFixed(0)} ms`);

  // 4. stroke → first tile, uncached then cached (same view)
  const paint = (classId: number, pts: number[]) => s1.send({ type: 'labels/paint', t: 0, z: 0, classId, brushSize: 9, points: new Float32Array(pts).buffer });
  // Strokes on the discs of the synthetic image and beside them, inside the view (whose tiles are cached after the
  // first update, as the feature cache of the extension (1 GiB) holds them).
  const cx = view.column + 128 - (view.column % 256), cy = view.row + 128 - (view.row % 256);
  await paint(2, [cx - 20, cy, cx + 20, cy]);
  await paint(1, [cx - 20, cy - 100, cx + 20, cy - 100]);
  const firstTile = async () => {
    const from = s1.events.length;
    const before = s1.live()?.generation ?? -1;
    const start = performance.now();
    await s1.send({ type: 'live/updateNow' });
    for (;;) {
      const e = s1.events.slice(from).find((x) => x.body.type === 'prediction/tile' && x.body.generation > before);
      if (e) return e.at - start;
      const err = s1.events.slice(from).find((x) => x.body.type === 'status/update' && x.body.status.state === 'error');
      if (err && err.body.type === 'status/update') throw new Error(err.body.status.message);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const idle = async () => { for (;;) { const st = s1.controller.status(); if (st.state === 'idle' && st.message) return; await new Promise((r) => setTimeout(r, 20)); } };
  const uncached = await firstTile();
  await idle();
  const cached: number[] = [];
  for (let k = 0; k < 3; k++) {
    await paint(1 + (k % 2), [cx - 60 + 10 * k, cy + 80, cx - 50 + 10 * k, cy + 80]);
    cached.push(await firstTile());
    await idle();
  }
  progress(`stroke → first tile: uncached ${uncached.toFixed(0)} ms, cached ${median(cached).toFixed(0)} ms`);
  s1.doc.dispose();

  // 3. z-step on the volume at 1:1
  const s2 = await session(volume);
  const vview = { column: 0, row: 0, width: Math.min(VIEW.width, VN), height: Math.min(VIEW.height, VN) };
  await s2.showView(0, vview, 1);
  const steps: number[] = [];
  for (let z = 1; z <= 5; z++) {
    t0 = performance.now();
    await s2.showView(z, vview, 1);
    steps.push(performance.now() - t0);
  }
  progress(`z-step: ${median(steps).toFixed(0)} ms`);
  const volumeTiled = s2.tiled;
  s2.doc.dispose();
  clearInterval(sampler);

  console.log(JSON.stringify({
    benchmark: 'bigimage (editor)',
    slide: { width: N, height: N, dtype: 'uint16', file: 'tiled BigTIFF 512², no pyramid' },
    volume: { z: VZ, y: VN, x: VN, dtype: 'uint16', file: 'OME-Zarr 0.4, chunks 1×256²', shownAs: volumeTiled ? 'tiles' : 'whole planes (below the tiled-view threshold)' },
    view: VIEW,
    cores: availableParallelism(),
    loadAverageBefore: loadBefore.map((v) => +v.toFixed(2)),
    loadAverageAfter: loadavg().map((v) => +v.toFixed(2)),
    openMs: Math.round(openMs),
    panMs: Math.round(median(pans)),
    zStepMs: Math.round(median(steps)),
    strokeFirstTileMs: { uncached: Math.round(uncached), cached: Math.round(median(cached)) },
    peakRssMiB: Math.round(peakRss / 2 ** 20),
    targets: { openMs: 1000, panMs: 200, zStepMs: 300, strokeFirstTileMs: { uncached: 1000, cached: 300 }, peakRssMiB: 1024 },
    inside: 'host reading, levels, statistics and message delivery (not the webview drawing the tiles); RSS of the whole host process with its worker threads',
  }, null, 2));
  await pool.dispose();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

main().catch((e) => { console.error(e); process.exit(1); });
