/**
 * `npm run bench -- web` — issue #20's figures, through the real web host: the same stroke-to-prediction path timed in
 * code-server's web-worker extension host (a web-only build: package.json without `main`) and, in the same run, in its
 * Node extension host (the desktop build), printed as JSON. Run `npm run build` and `bash e2e/install.sh` first.
 *
 * A 2048² uint16 TIFF and a project trained beforehand by the CLI with `--features all` (the number of features is
 * reported; 49 for one 2D channel) and 100 trees, live update on, default settings, a window large enough that 1:1
 * shows about 1024² image pixels:
 * The strokes are painted once the 1:1 view is drawn (a tiled view's image tiles have arrived: `tilesPending` 0), as a
 * user paints on what she sees; painted earlier, they waited behind the view's tiles (0.4–0.6 s in the web host).
 * - strokeFirstTileMs: mouse up of a stroke (the second class's) → the first predicted tile drawn (training included);
 * - strokeViewportMs: the same → the tiles covering the 1024² viewport drawn (16 tiles of 256²);
 * - rendererRssGrowthMiB: the largest growth of one Chromium renderer's resident memory while opening, labelling and
 *   predicting (in the web host the extension host and its compute workers live in the page's renderer, so this is
 *   the page's memory including compute), from a baseline taken once the workbench's memory is steady: a workbench that
 *   has just shown its explorer keeps growing for a few seconds (`workbenchStart`; in the web host 50–90 MiB, most of it
 *   VS Code's own web extension host starting, also with no extension installed);
 * - web hosts: activationMiB, what our extension's activation (`onStartupFinished`, in the page) adds to that start:
 *   the settled start of this session minus that of a session without the extension; pageGrowthMiB =
 *   rendererRssGrowthMiB + activationMiB, the page's memory that is ours, against the 500 MB bound.
 * Target (issue #20): web within 2× of desktop. `--only web|desktop|web-isolated` runs one host; `--isolated` adds the
 * web host cross-origin isolated (behind the e2e's COOP/COEP proxy: workers share memory); `--size N` changes the image;
 * `--settings '<json>'` sets VS Code settings for the measured sessions.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sampleRendererGrowth, waitForRenderersToSettle } from './lib/rendererMemory';
import { installNodePlatform } from '../extension/node/nodePlatform';
import { writeTiffFile } from '../extension/node/tiffFileWriter';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startSession, waitFor } = require('../e2e/helpers/session') as { startSession: (o: object) => Promise<any>; waitFor: (f: () => Promise<unknown>, o?: object) => Promise<any> };

installNodePlatform();
const args = process.argv.slice(2);
const N = Number(args.includes('--size') ? args[args.indexOf('--size') + 1] : '2048');
const ONLY = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const VIEW = 1024;
/** `--settings '<json>'`: VS Code user settings for the measured sessions (e.g. `{"pixelClassifier.tiledViewAboveMegapixels": 16}`). */
const SETTINGS = args.includes('--settings') ? JSON.parse(args[args.indexOf('--settings') + 1]) as Record<string, unknown> : {};
const TILE = 256;
const progress = (m: string) => process.stderr.write(`[bench web] ${m}\n`);
const ROOT = resolve(__dirname, '..');

/** A workspace with the image, a scribble label image and a project trained on them by the CLI (all features, 100 trees). */
async function workspace(): Promise<{ dir: string; nFeatures: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'pc-bench-web-'));
  const pixels = new Uint16Array(N * N);
  for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) {
    const inBlob = ((x % 96) - 48) ** 2 + ((y % 96) - 48) ** 2 < 30 * 30;
    pixels[y * N + x] = (inBlob ? 2400 : 600) + ((x * 7 + y * 13) % 97) * 3 + (x >> 5);
  }
  await writeTiffFile(join(dir, 'image.tif'), [pixels], { width: N, height: N, dtype: 'uint16' });
  const labels = new Uint8Array(N * N);
  for (let x = 40; x < 56; x++) labels[48 * N + x] = 1; // inside the first blob
  for (let x = 0; x < 12; x++) labels[2 * N + x] = 2; // background
  await writeTiffFile(join(dir, 'labels.tif'), [labels], { width: N, height: N, dtype: 'uint8' });
  const out = execFileSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'train', '--image', 'image.tif', '--labels', 'labels.tif', '--features', 'all', '--trees', '100', '--json', '-o', 'image.pixelclass.json'], { cwd: dir, encoding: 'utf8' });
  rmSync(join(dir, 'labels.tif'));
  rmSync(join(dir, 'image.pixelclass.model')); // the editor trains itself after the strokes
  // Keep the project's features (all 49) and classes, not the CLI's labels: the strokes are the image's only labels.
  const projectFile = join(dir, 'image.pixelclass.json');
  writeFileSync(projectFile, JSON.stringify({ ...JSON.parse(readFileSync(projectFile, 'utf8')), labels: {} }, null, 1));
  return { dir, nFeatures: Number(JSON.parse(out).nFeatures ?? JSON.parse(out).features ?? NaN) };
}

/** Opens the image in one host, paints, and times the predictions. */
async function measure(host: 'desktop' | 'web' | 'web-isolated', dir: string, nFeatures: number): Promise<Record<string, unknown>> {
  // keepProjects: the project trained with all features must reach the editor (without it, it opened with the default
  // selection: 13 features, not the 49 the figures are for).
  const s = await startSession({ name: `bench-web-${host}`, workspace: dir, webOnly: host !== 'desktop', isolate: host === 'web-isolated', keepProjects: true, settings: SETTINGS });
  try {
    await s.page.setViewportSize({ width: VIEW + 700, height: VIEW + 200 });
    await s.openWorkbench('image.tif');
    const start = await waitForRenderersToSettle();
    const rendererGrowth = sampleRendererGrowth();
    const frame = await s.openInEditor('image.tif');
    const data = async (): Promise<Record<string, string>> => frame.evaluate('({ ...document.body.dataset })');
    await frame.locator('#btn-one-to-one').click();
    // Paint on what is shown: a tiled view first draws the 1:1 view's image tiles (as a user waits to see the image).
    await waitFor(async () => ((await data()).tilesPending ?? '0') === '0' ? true : null, { timeout: 60000, interval: 20 });
    const box = await s.webview().locator('#image-canvas').boundingBox();
    const visible = { x: Math.min(N, Math.round(box.width)), y: Math.min(N, Math.round(box.height)) };
    const viewportTiles = Math.ceil(Math.min(VIEW, visible.x) / TILE) * Math.ceil(Math.min(VIEW, visible.y) / TILE);
    await frame.locator('#tool-brush').click();
    const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
    let t0 = 0;
    for (const [cls, dy] of [[1, 0], [2, 60]] as const) {
      await frame.locator(`.class-row[data-class-id="${cls}"]`).click();
      await s.page.mouse.move(cx - 30, cy + dy);
      await s.page.mouse.down();
      await s.page.mouse.move(cx + 30, cy + dy, { steps: 6 });
      if (cls === 2) {
        // Only the second class makes training possible: its mouse up starts the clock (after the first stroke's
        // labels arrived, so no tile of an earlier run is counted).
        await waitFor(async () => Number((await data()).predictionTiles || 0) === 0 ? true : null, { timeout: 60000, interval: 10 });
        t0 = Date.now();
      }
      await s.page.mouse.up();
    }
    await waitFor(async () => Number((await data()).predictionTiles || 0) > 0 ? true : null, { timeout: 600000, interval: 10 });
    const strokeFirstTileMs = Date.now() - t0;
    await waitFor(async () => Number((await data()).predictionTiles || 0) >= viewportTiles ? true : null, { timeout: 600000, interval: 10 });
    const strokeViewportMs = Date.now() - t0;
    const peakGrowth = rendererGrowth.stop();
    // The classifier panel's "Feature channels" reads "<channels> · <size>": the editor must use the project's features.
    const channels = Number(((await frame.locator('#feature-summary').textContent()) ?? '').split('·')[0]);
    if (channels !== nFeatures) throw new Error(`the editor predicted with ${channels} feature channels, not the project's ${nFeatures}`);
    progress(`${host}: first tile ${strokeFirstTileMs} ms, ${viewportTiles} viewport tiles ${strokeViewportMs} ms, renderer +${Math.round(peakGrowth / 2 ** 20)} MiB`);
    await s.shot('predicted');
    return {
      strokeFirstTileMs, strokeViewportMs, viewportTiles, visibleImagePixels: visible, rendererRssGrowthMiB: Math.round(peakGrowth / 2 ** 20),
      workbenchStart: { ms: start.ms, settled: start.settled, growthMiB: Math.round(start.growthBytes / 2 ** 20) },
    };
  } finally {
    await s.stop();
  }
}

/** The settled start of a web workbench with no extension installed (the reference for activationMiB), MiB. */
async function startWithoutExtension(host: 'web' | 'web-isolated', dir: string): Promise<number> {
  const s = await startSession({ name: `bench-web-${host}-reference`, workspace: dir, webOnly: true, isolate: host === 'web-isolated', withoutExtension: true });
  try {
    await s.page.setViewportSize({ width: VIEW + 700, height: VIEW + 200 });
    await s.openWorkbench('image.tif');
    const start = await waitForRenderersToSettle();
    progress(`${host} without the extension: the workbench grew ${Math.round(start.growthBytes / 2 ** 20)} MiB while starting (${start.ms} ms)`);
    return Math.round(start.growthBytes / 2 ** 20);
  } finally {
    await s.stop();
  }
}

async function main(): Promise<void> {
  progress(`writing a ${N}² uint16 image and training its project with the CLI`);
  const { dir, nFeatures } = await workspace();
  const loadBefore = loadavg();
  try {
    const figures: Record<string, unknown> = {};
    const hosts = ['desktop', 'web', ...(args.includes('--isolated') || ONLY === 'web-isolated' ? ['web-isolated'] as const : [])] as const;
    for (const host of hosts) {
      if (ONLY && ONLY !== host) continue;
      const figure = await measure(host, dir, nFeatures);
      if (host !== 'desktop') {
        const reference = await startWithoutExtension(host, dir);
        const start = figure.workbenchStart as { growthMiB: number };
        const activationMiB = Math.max(0, start.growthMiB - reference);
        Object.assign(figure, { workbenchStartWithoutExtensionMiB: reference, activationMiB, pageGrowthMiB: (figure.rendererRssGrowthMiB as number) + activationMiB });
        progress(`${host}: page growth ${(figure.rendererRssGrowthMiB as number) + activationMiB} MiB (activation ${activationMiB} MiB)`);
      }
      figures[host] = figure;
    }
    const d = figures.desktop as { strokeFirstTileMs: number; strokeViewportMs: number } | undefined;
    const w = figures.web as { strokeFirstTileMs: number; strokeViewportMs: number } | undefined;
    console.log(JSON.stringify({
      benchmark: 'web (issue #20): stroke → predictions in the web-worker extension host vs the Node extension host, real VS Code (code-server)',
      image: { width: N, height: N, dtype: 'uint16' }, nFeatures, trees: 100,
      cores: availableParallelism(),
      loadAverageBefore: loadBefore.map((v) => +v.toFixed(2)),
      loadAverageAfter: loadavg().map((v) => +v.toFixed(2)),
      ...figures,
      webOverDesktop: d && w ? { firstTile: +(w.strokeFirstTileMs / d.strokeFirstTileMs).toFixed(2), viewport: +(w.strokeViewportMs / d.strokeViewportMs).toFixed(2) } : undefined,
      target: 'web within 2× desktop; the page\'s growth that is ours (pageGrowthMiB) within the webview bound, 500 MB',
      sharedMemory: 'web: none (code-server serves no COOP/COEP), workers get copies; web-isolated: SharedArrayBuffer',
    }, null, 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(0);
}

main().catch((e) => { console.error(e); process.exit(1); });
