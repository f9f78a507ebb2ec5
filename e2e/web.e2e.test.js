// E2E (issue 20): the whole classifier in the browser's web-worker extension host. A WEB-ONLY build (package.json
// without `main`) is installed into code-server, which then runs it in the web worker (as vscode.dev / github.dev
// do). Checked: Running Extensions and the extension's own host info (uiKind Web, no `process`); a TIFF and an
// OME-Zarr open, two classes are painted in each, live predictions appear, Ctrl+S saves the project and its model
// cache through workspace.fs; the model cache equals, byte for byte, the one the desktop build's CLI (Node) trains
// from the same saved project. Run twice: as code-server serves it (no cross-origin isolation: workers get copies)
// and behind a proxy adding COOP/COEP (crossOriginIsolated: workers share memory).
// Run: bash e2e/run.sh e2e/web.e2e.test.js
'use strict';
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startSession, waitFor, REPO } = require('./helpers/session');
const { bodyData } = require('./helpers/canvas');
const { canvasMapper, strokeCanvas } = require('./helpers/pointer');
const { readTiff } = require('./helpers/readTiff');
const { labelledInFile } = require('./helpers/projectFile');
const { writeOmeZarr } = require('./helpers/writeOmeZarr');
const { writeTiff } = require('./helpers/writeTiff');

const PREDICTION_TIMEOUT = Number(process.env.E2E_PREDICTION_TIMEOUT_MS || 180000);
const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-e2e-web-ws-'));
fs.copyFileSync(path.join(REPO, 'sample', 'cells.tif'), path.join(workspace, 'cells.tif'));
writeOmeZarr(path.join(workspace, 'cells.ome.zarr'), readTiff(path.join(REPO, 'sample', 'cells.tif')));
// 1600×1400 = 2.24 megapixels: above the browser's tiled-view default (2), below the desktop's (16).
const WIDE = { width: 1600, height: 1400 };
{
  const plane = new Uint8Array(WIDE.width * WIDE.height);
  for (let y = 0; y < WIDE.height; y++) for (let x = 0; x < WIDE.width; x++) {
    const inBlob = ((x % 80) - 40) ** 2 + ((y % 80) - 40) ** 2 < 24 * 24;
    plane[y * WIDE.width + x] = (inBlob ? 190 : 50) + ((x * 7 + y * 13) % 23);
  }
  writeTiff(path.join(workspace, 'wide.tif'), { ...WIDE, pages: [plane] });
}
after(() => fs.rmSync(workspace, { recursive: true, force: true }));

/** Runs "Show Extension Host Info" and returns the JSON its notification shows. */
async function hostInfo(s) {
  await s.page.keyboard.press('Escape'); // a palette left open by an earlier attempt (before activation)
  const toasts = await s.page.locator('.notification-toast', { hasText: 'web-worker extension host' }).count();
  await s.quickInput('F1', '>Pixel Classifier: Show Extension Host Info', 'Show Extension Host Info', { rowTimeout: 5000 });
  await waitFor(async () => (await s.page.locator('.notification-toast', { hasText: 'web-worker extension host' }).count()) > toasts || toasts > 0, { timeout: 15000, what: 'the host info notification' });
  const toast = s.page.locator('.notification-toast', { hasText: 'web-worker extension host' }).last();
  await toast.waitFor({ timeout: 30000 });
  const text = await toast.locator('.notification-list-item-message').textContent();
  await s.page.keyboard.press('Escape');
  return JSON.parse(text.slice(text.indexOf('{')));
}

/** Paints class 1 and class 2 in the open editor, waits for the labels and for predicted tiles. */
async function paintTwoClassesAndPredict(s, frame, what) {
  await frame.locator('#tool-brush').click();
  await frame.locator('.class-row[data-class-id="1"]').click();
  const m = await canvasMapper(s, frame);
  const before = Number((await bodyData(frame)).labelCount) || 0;
  await strokeCanvas(s, frame, [[m.width * 0.3, m.height * 0.4], [m.width * 0.45, m.height * 0.43]]);
  const first = await waitFor(async () => { const n = Number((await bodyData(frame)).labelCount); return n > before ? n : null; }, { timeout: 30000, what: `labels after the class-1 stroke (${what})` });
  await frame.locator('.class-row[data-class-id="2"]').click();
  await strokeCanvas(s, frame, [[m.width * 0.6, m.height * 0.7], [m.width * 0.75, m.height * 0.72]]);
  await waitFor(async () => Number((await bodyData(frame)).labelCount) > first, { timeout: 30000, what: `labels after the class-2 stroke (${what})` });
  // Live update (on by default) trains and predicts: tiles arrive.
  return waitFor(async () => { const n = Number((await bodyData(frame)).predictionTiles || 0); return n > 0 ? n : null; }, { timeout: PREDICTION_TIMEOUT, interval: 500, what: `predicted tiles (${what})` });
}

/**
 * The desktop build retrains the saved project (CLI, Node, no model cache) and predicts cells.tif; returns its model
 * cache and probability TIFF bytes.
 */
function desktopRun(ws) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-e2e-web-desktop-'));
  try {
    for (const entry of ['cells.tif', 'cells.ome.zarr', 'cells.pixelclass.json']) fs.cpSync(path.join(ws, entry), path.join(dir, entry), { recursive: true });
    execFileSync(process.execPath, [path.join(REPO, 'dist', 'cli.js'), 'predict', '--project', 'cells.pixelclass.json', '--threads', '0',
      '-o', '{dataset_dir}/out/{nickname}_{result_type}.tif', 'cells.tif'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], timeout: 300000 });
    return { model: fs.readFileSync(path.join(dir, 'cells.pixelclass.model')), probabilities: fs.readFileSync(path.join(dir, 'out', 'cells_Probabilities.tif')) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

for (const isolate of (process.env.E2E_WEB_ISOLATION ? [process.env.E2E_WEB_ISOLATION === 'on'] : [false, true])) {
  const name = isolate ? 'web-isolated' : 'web';
  test(`web-only build in the web-worker extension host${isolate ? ', cross-origin isolated (shared memory)' : ' (no isolation: copies)'}: TIFF + OME-Zarr, paint, predict, save, model = desktop`, { timeout: 12 * 60000 }, async (t) => {
    const s = await startSession({ name, workspace, webOnly: true, isolate });
    try {
      await s.openWorkbench('cells.tif');
      const info = await waitFor(() => hostInfo(s).catch(() => null), { timeout: 90000, interval: 2000, what: 'the extension host info command' });
      t.diagnostic(`host info: ${JSON.stringify(info)}`);
      assert.equal(info.uiKind, 'web');
      assert.equal(info.processDefined, false, 'no Node `process` in the extension host: the web worker');
      assert.equal(info.crossOriginIsolated, isolate, 'crossOriginIsolated');
      assert.equal(info.sharedMemory, isolate, 'real SharedArrayBuffer exactly when isolated');

      await s.runCommand('Developer: Show Running Extensions');
      const row = s.page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: 'Pixel Classifier' }).first();
      await row.waitFor({ timeout: 30000 });
      const rowText = (await row.textContent()) || '';
      t.diagnostic(`Running Extensions: ${rowText.replace(/\s+/g, ' ').trim()}`);
      assert.match(rowText, /web worker/i, 'Running Extensions shows Pixel Classifier in the web worker');
      await s.shot('01-running-extensions');
      await s.runCommand('View: Close All Editors');

      // TIFF: read whole through workspace.fs, decoded in the web worker host, features and forest in Web Workers.
      let frame = await s.openInEditor('cells.tif');
      assert.equal(await frame.locator('#error-banner').isVisible(), false, 'no error banner on the TIFF');
      const tiffTiles = await paintTwoClassesAndPredict(s, frame, 'TIFF');
      t.diagnostic(`TIFF: ${tiffTiles} prediction tiles`);
      // Undo and redo the class-2 stroke (VS Code's Ctrl+Z / Ctrl+Shift+Z, routed to the custom editor).
      const painted = Number((await bodyData(frame)).labelCount);
      await s.page.keyboard.press('Control+Z');
      const undone = await waitFor(async () => { const n = Number((await bodyData(frame)).labelCount); return n < painted ? n : null; }, { timeout: 30000, what: 'fewer labels after Ctrl+Z' });
      await s.page.keyboard.press('Control+Shift+Z');
      await waitFor(async () => Number((await bodyData(frame)).labelCount) === painted, { timeout: 30000, what: 'the stroke back after Ctrl+Shift+Z' });
      t.diagnostic(`undo/redo: ${painted} → ${undone} → ${painted} labelled pixels`);
      await s.page.waitForTimeout(500);
      await s.shot('02-tiff-predicted');
      await s.page.locator('.tabs-container .tab', { hasText: 'cells.tif' }).first().click();
      await s.page.keyboard.press('Control+S');
      const projectFile = path.join(s.ws, 'cells.pixelclass.json');
      await waitFor(() => fs.existsSync(projectFile) && labelledInFile(JSON.parse(fs.readFileSync(projectFile, 'utf8')), 'cells.tif') > 0,
        { timeout: 30000, what: 'cells.pixelclass.json with the labels of cells.tif' });

      // OME-Zarr: read chunk by chunk through workspace.fs.
      await s.quickInput('Control+P', 'cells.ome.zarr/.zattrs', '.zattrs');
      frame = await waitFor(async () => {
        const f = await s.webviewFrame();
        return (await f.evaluate(() => document.body?.dataset.ready === 'true' && document.title === 'cells.ome.zarr')) ? f : null;
      }, { timeout: 90000, what: 'the webview of cells.ome.zarr' });
      assert.equal(await frame.locator('#error-banner').isVisible(), false, 'no error banner on the OME-Zarr');
      const zarrTiles = await paintTwoClassesAndPredict(s, frame, 'OME-Zarr');
      t.diagnostic(`OME-Zarr: ${zarrTiles} prediction tiles`);
      await s.page.waitForTimeout(500);
      await s.shot('03-zarr-predicted');
      await s.page.locator('.tabs-container .tab', { hasText: '.zattrs' }).first().click();
      await s.page.keyboard.press('Control+S');
      const project = await waitFor(() => {
        const p = JSON.parse(fs.readFileSync(projectFile, 'utf8'));
        return labelledInFile(p, 'cells.ome.zarr') > 0 && labelledInFile(p, 'cells.tif') > 0 ? p : null;
      }, { timeout: 30000, what: 'the project with the labels of both images' });
      assert.deepEqual(project.images.map((i) => i.path).sort(), ['cells.ome.zarr', 'cells.tif']);

      // The model cache the web build wrote for the saved project = the desktop build's retraining of it.
      const modelFile = path.join(s.ws, 'cells.pixelclass.model');
      let desktop;
      const webModel = await waitFor(() => {
        if (!fs.existsSync(modelFile)) return null;
        const bytes = fs.readFileSync(modelFile);
        desktop = desktopRun(s.ws);
        return bytes.equals(desktop.model) ? bytes : null;
      }, { timeout: 120000, interval: 3000, what: 'the web build\'s model cache to equal the desktop build\'s (same saved project)' });
      t.diagnostic(`model cache: ${webModel.length} bytes, identical to the desktop CLI's`);

      if (!isolate) {
        // Predict Workspace in the browser: inputs listed and outputs written through workspace.fs; the probabilities
        // equal the desktop CLI's byte for byte.
        await s.quickInput('F1', '>Pixel Classifier: Predict Workspace…', 'Predict Workspace…');
        const input = s.page.locator('.quick-input-widget .quick-input-box input');
        await waitFor(async () => /\*\.\{tif/.test(await input.inputValue()), { timeout: 20000, what: 'the glob input box' });
        await input.fill('cells.tif');
        await s.page.keyboard.press('Enter');
        const summary = s.page.locator('.notification-toast', { hasText: '1 predicted' });
        await summary.waitFor({ state: 'visible', timeout: 180000 });
        t.diagnostic(`Predict Workspace: ${(await summary.innerText()).replace(/\s+/g, ' ')}`);
        await s.shot('05-predict-workspace');
        const webProbabilities = fs.readFileSync(path.join(s.ws, 'cells_Probabilities.tif'));
        assert.ok(webProbabilities.equals(desktop.probabilities), `Predict Workspace in the browser wrote the desktop's probabilities (${webProbabilities.length} vs ${desktop.probabilities.length} bytes)`);

        // In the browser a plane above 2 megapixels is shown as tiles (the page holds the extension host and its
        // workers too); labelling and live prediction work there as on the desktop's big images.
        frame = await s.openInEditor('wide.tif');
        assert.equal((await bodyData(frame)).tiled, 'true', `${WIDE.width}×${WIDE.height} is shown as tiles in the browser`);
        const wideTiles = await paintTwoClassesAndPredict(s, frame, 'tiled view');
        t.diagnostic(`wide.tif (${WIDE.width}×${WIDE.height}, tiled view): ${wideTiles} prediction tiles`);
        await s.page.waitForTimeout(500);
        await s.shot('04-tiled-view-predicted');
        // The superpixel brush on tiles: its borders come from the level-0 image tiles, and a short stroke writes whole
        // superpixels.
        await frame.locator('#btn-one-to-one').click();
        await frame.locator('#tool-superpixel').click();
        const borderTiles = await waitFor(async () => { const n = Number((await bodyData(frame)).superpixelTiles || 0); return n > 0 ? n : null; }, { timeout: 60000, what: 'superpixel borders drawn in the tiled view' });
        await s.page.waitForTimeout(1500); // borders are drawn one tile per animation frame
        await s.shot('04b-tiled-view-superpixel-borders');
        const beforeSuperpixels = Number((await bodyData(frame)).labelCount);
        const m = await canvasMapper(s, frame);
        await strokeCanvas(s, frame, [[m.width * 0.4, m.height * 0.3], [m.width * 0.4 + 3, m.height * 0.3]]);
        const afterSuperpixels = await waitFor(async () => { const n = Number((await bodyData(frame)).labelCount); return n > beforeSuperpixels ? n : null; }, { timeout: 30000, what: 'labels after the superpixel stroke (tiled view)' });
        t.diagnostic(`tiled view: ${borderTiles} superpixel border tiles; a 3-pixel superpixel stroke wrote ${afterSuperpixels - beforeSuperpixels} px`);
        assert.ok(afterSuperpixels - beforeSuperpixels > 20, 'the superpixel brush wrote whole segments in the tiled view');
      }

      const after = await hostInfo(s);
      t.diagnostic(`workers started: ${JSON.stringify(after.workersStarted)}`);
      if (isolate) assert.ok(after.workersStarted.shared > 0 && after.workersStarted.copy === 0, 'isolated: the workers share memory');
      else assert.ok(after.workersStarted.copy > 0 && after.workersStarted.shared === 0, 'not isolated: the workers get copies');
      await s.shot('06-done');
      assert.deepEqual(s.extensionErrors(), [], 'no errors from the extension or its webview');
    } catch (e) {
      await s.shot('failure').catch(() => {});
      console.log('--- code-server log tail ---\n' + s.tailServerLog());
      throw e;
    } finally {
      await s.stop();
    }
  });
}
