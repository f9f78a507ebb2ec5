/**
 * `npm run bench -- bigimageWebview [--size 16384] [--file image]` — the big-image figures a user waits for, in the real VS Code
 * (code-server + Chromium, the e2e harness; run `npm run build` and `bash e2e/install.sh` first), printed as JSON.
 *
 * A size² uint8 tiled TIFF (512² tiles, deflate, written by tifffile) — or `--file`, e.g. the pyramidal OME-TIFF that
 * `bench bigimage --keep` leaves — in a fresh workspace, default settings:
 * - openMs: Quick Open's Enter → the webview's first rendered view (body.dataset.ready), Fit, coarse level; and
 *   webviewOpenMs: the same from the webview's own start (VS Code's creation of the editor and its webview, ~2.7 s
 *   here for any image, excluded); openCompleteMs: the same Enter → every tile asked for has come (without a file
 *   pyramid the view first fills in from a finer level while the coarse one is computed from the whole file);
 * - oneToOneMs: the 1:1 button → every tile of the view drawn (no tile pending);
 * - panMs: a drag by one screen at 1:1 → every tile of the new view drawn (median of 5);
 * - strokeFirstTileMs: "Update now" after two strokes → the first predicted tile drawn (training included);
 * - rendererRssMiB: the Chromium renderer processes' resident memory growth while opening, panning, labelling and
 *   predicting (the largest growth of one renderer; the webview is either its own renderer or part of the
 *   workbench's, so this bounds the webview's memory from above).
 * Targets (issue #13): open ≤ 1 s (to the first view), pan ≤ 200 ms, webview ≤ 500 MB.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { sampleRendererGrowth } from './lib/rendererMemory';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startSession, waitFor } = require('../e2e/helpers/session') as { startSession: (o: object) => Promise<any>; waitFor: (f: () => Promise<unknown>, o?: object) => Promise<any> };

const args = process.argv.slice(2);
const N = Number(args.includes('--size') ? args[args.indexOf('--size') + 1] : '16384');
const FILE = args.includes('--file') ? args[args.indexOf('--file') + 1] : undefined;
const progress = (m: string) => process.stderr.write(`[bigimage-webview] ${m}\n`);
const median = (v: number[]) => { const s = [...v].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pc-bench-bigwebview-'));
  const py = `
import numpy as np, tifffile, sys
W = H = ${N}
def tiles():
    for ty in range(0, H, 512):
        y = np.arange(ty, min(H, ty + 512))[:, None]; x = np.arange(W)[None, :]
        band = (np.where(((x % 200) - 100) ** 2 + ((y % 200) - 100) ** 2 < 45 * 45, 190, 40) + ((x >> 4) & 7) + (30 * x) // W).astype(np.uint8)
        for tx in range(0, W, 512):
            yield band[:, tx:tx + 512]
tifffile.imwrite(sys.argv[1], tiles(), shape=(H, W), dtype=np.uint8, tile=(512, 512), compression='zlib')
`;
  const imageName = FILE ? basename(FILE) : 'slide.tif';
  if (FILE) {
    symlinkSync(resolve(FILE), join(dir, imageName));
  } else {
    progress(`writing a ${N}² tiled TIFF`);
    const r = spawnSync('/usr/bin/python3', ['-c', py, join(dir, imageName)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
  }
  const s = await startSession({ name: 'bench-bigimage', workspace: dir, settings: { 'pixelClassifier.liveUpdate': false } });
  const loadBefore = loadavg();
  try {
    await s.openWorkbench(imageName);
    const rendererGrowth = sampleRendererGrowth();
    // Quick Open: the file name typed and its row listed, then the clock starts at Enter; the first view's time is read
    // from the webview's own clock (performance.timeOrigin + readyAt: the same wall clock), not from polling.
    const input = await s.openQuickInput('Control+P');
    await input.fill(imageName);
    await s.page.locator('.quick-input-widget .monaco-list-row', { hasText: imageName }).first().waitFor({ state: 'visible', timeout: 30000 });
    let t0 = Date.now();
    await s.page.keyboard.press('Enter');
    const frame = await s.waitForWebviewReady(imageName);
    const openMs = Math.round(Number(await frame.evaluate('performance.timeOrigin + Number(document.body.dataset.readyAt)')) - t0);
    const data = async (): Promise<Record<string, string>> => frame.evaluate('({ ...document.body.dataset })');
    const webviewOpenMs = Number((await data()).readyAt);
    const d0 = await data();
    progress(`open → first view: ${openMs} ms (${webviewOpenMs} ms from the webview's start: init ${d0.initAt}, first tile asked ${d0.firstTileRequestAt}, first tile ${d0.firstTileAt})`);
    const settled = () => waitFor(async () => { const d = await data(); return d.tilesPending === '0' ? true : null; }, { timeout: 60000, interval: 10, what: 'no tile pending' });
    await settled().catch(() => undefined); // an image below the tiled threshold has no tiles
    // The view complete: every tile asked for has come (without a file pyramid, the coarse level needs the whole file).
    const openCompleteMs = Date.now() - t0;
    progress(`open → view complete: ${openCompleteMs} ms`);
    t0 = Date.now();
    await frame.locator('#btn-one-to-one').click();
    await waitFor(async () => (await data()).tileLevel === '0' ? true : null, { interval: 10 });
    await settled();
    const oneToOneMs = Date.now() - t0;
    const box = await s.webview().locator('#image-canvas').boundingBox();
    const pans: number[] = [];
    for (let k = 0; k < 5; k++) {
      const y = box.y + box.height / 2;
      await s.page.mouse.move(box.x + box.width - 20, y);
      await s.page.mouse.down({ button: 'middle' });
      await s.page.mouse.move(box.x + 20, y, { steps: 4 });
      t0 = Date.now();
      await s.page.mouse.up({ button: 'middle' });
      await settled();
      pans.push(Date.now() - t0);
    }
    progress(`pan: ${median(pans)} ms`);
    // Two strokes and Update now.
    const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
    for (const [cls, dy] of [[2, 0], [1, 60]] as const) {
      await frame.locator(`.class-row[data-class-id="${cls}"]`).click();
      await s.page.mouse.move(cx - 20, cy + dy);
      await s.page.mouse.down();
      await s.page.mouse.move(cx + 20, cy + dy, { steps: 5 });
      await s.page.mouse.up();
    }
    t0 = Date.now();
    await frame.locator('#btn-update-now').click();
    await waitFor(async () => Number((await data()).predictionTiles || 0) > 0 ? true : null, { timeout: 120000, interval: 10 });
    const strokeFirstTileMs = Date.now() - t0;
    await waitFor(async () => /Up to date|Zoom in/.test(await frame.locator('body').textContent()) ? true : null, { timeout: 180000 });
    const peakGrowth = rendererGrowth.stop();
    console.log(JSON.stringify({
      benchmark: 'bigimage (webview, real VS Code)',
      image: FILE ? { file: FILE } : { width: N, height: N, dtype: 'uint8', file: 'tiled TIFF 512², deflate' },
      cores: availableParallelism(),
      loadAverageBefore: loadBefore.map((v) => +v.toFixed(2)),
      loadAverageAfter: loadavg().map((v) => +v.toFixed(2)),
      openMs, webviewOpenMs, openCompleteMs, oneToOneMs, panMs: median(pans), strokeFirstTileMs,
      rendererRssGrowthMiB: Math.round(peakGrowth / 2 ** 20),
      targets: { openMs: 1000, panMs: 200, webviewMiB: 500 },
      inside: 'open: Quick Open Enter → first rendered view (VS Code creating the custom editor and its webview included); pan: mouse up → every tile of the new view drawn',
    }, null, 2));
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(0);
}

main().catch((e) => { console.error(e); process.exit(1); });
