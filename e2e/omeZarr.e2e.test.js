// E2E (issue 13): an OME-Zarr folder in the Explorer opens in the Pixel Classifier editor through the folder's
// context-menu entry "Open in Pixel Classifier" and through its .zattrs file; the image is rendered (the sample's
// cells, read from a generated OME-Zarr 0.4 store with two levels and zlib-compressed chunks, shown as tiles at its
// levels); two classes painted and Update predict its tiles; Ctrl+S saves the strokes in cells.pixelclass.json beside
// the folder, keyed by the folder's name.
// Run: bash e2e/run.sh e2e/omeZarr.e2e.test.js
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startSession, waitFor, REPO } = require('./helpers/session');
const { bodyData, readCanvas, stats } = require('./helpers/canvas');
const { canvasMapper, strokeCanvas } = require('./helpers/pointer');
const { readTiff } = require('./helpers/readTiff');
const { labelledInFile } = require('./helpers/projectFile');
const { writeOmeZarr } = require('./helpers/writeOmeZarr');

let s;
let workspace;

before(async () => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-e2e-zarr-ws-'));
  writeOmeZarr(path.join(workspace, 'cells.ome.zarr'), readTiff(path.join(REPO, 'sample', 'cells.tif')));
  s = await startSession({ name: 'ome-zarr', workspace, settings: { 'pixelClassifier.liveUpdate': false } });
});
after(async () => {
  await s?.stop();
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
});

/** The ready webview of the store (its title is the store's name; the tab shows the metadata file). */
async function storeWebview(tab) {
  await s.page.locator('.tabs-container .tab', { hasText: tab }).first().waitFor({ timeout: 60000 });
  return waitFor(async () => {
    const f = await s.webviewFrame();
    const ok = await f.evaluate(() => !!document.body && document.body.dataset.ready === 'true' && document.title === 'cells.ome.zarr');
    return ok ? f : null;
  }, { timeout: 90000, what: 'the webview of cells.ome.zarr to be ready' });
}

/** The canvas shows the cells: many grey levels and contrast, no error banner. */
async function assertRendered(frame, t) {
  const seen = await waitFor(async () => {
    const st = stats(await readCanvas(frame));
    return st.levels > 20 && st.std > 8 ? st : null;
  }, { timeout: 30000, what: 'the image rendered on the canvas' });
  t.diagnostic(`canvas: ${seen.levels} grey levels, mean ${seen.mean.toFixed(1)}, std ${seen.std.toFixed(1)}`);
  assert.equal(await frame.locator('#error-banner').isVisible(), false, 'no error banner');
}

test('Explorer context menu on a .zarr folder: "Open in Pixel Classifier" renders the image', { timeout: 6 * 60000 }, async (t) => {
  try {
    await s.openWorkbench('cells.ome.zarr');
    const row = s.page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'cells.ome.zarr' }).first();
    // The menu entry appears once the extension's contributions are loaded: reopen the menu until it is there.
    const item = s.page.locator('.context-view .action-item', { hasText: 'Open in Pixel Classifier' }).first();
    await waitFor(async () => {
      await s.page.keyboard.press('Escape');
      await row.click({ button: 'right', timeout: 10000 });
      return item.waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false);
    }, { timeout: 90000, interval: 1000, what: '"Open in Pixel Classifier" in the folder\'s context menu' });
    // The menu fades in: screenshot it once it is fully opaque (best effort, the click does not depend on it).
    await waitFor(() => item.evaluate((el) => {
      for (let e = el; e; e = e.parentElement) if (Number(getComputedStyle(e).opacity) < 1) return false;
      return true;
    }), { timeout: 10000, what: 'the context menu to finish fading in' }).catch(() => {});
    await s.shot('01-context-menu');
    await item.click();
    const frame = await storeWebview('.zattrs');
    await assertRendered(frame, t);
    await s.shot('02-opened-from-context-menu');

    // Paint and save: the project goes beside the folder, keyed by the folder's name.
    await frame.locator('#tool-brush').click();
    await frame.locator('.class-row[data-class-id="1"]').click();
    const m = await canvasMapper(s, frame);
    await strokeCanvas(s, frame, [[m.width * 0.3, m.height * 0.4], [m.width * 0.5, m.height * 0.45]]);
    const first = await waitFor(async () => { const n = Number((await bodyData(frame)).labelCount); return n > 0 ? n : null; }, { timeout: 30000, what: 'labels after the stroke' });
    // A second class elsewhere, then Update: the store's tiles are predicted.
    await frame.locator('.class-row[data-class-id="2"]').click();
    await strokeCanvas(s, frame, [[m.width * 0.6, m.height * 0.7], [m.width * 0.75, m.height * 0.72]]);
    await waitFor(async () => Number((await bodyData(frame)).labelCount) > first, { timeout: 30000, what: 'labels after the second stroke' });
    await frame.locator('#btn-update-now').click();
    const tiles = await waitFor(async () => { const n = Number((await bodyData(frame)).predictionTiles || 0); return n > 0 ? n : null; }, { timeout: 120000, what: 'predicted tiles of the store' });
    t.diagnostic(`${tiles} prediction tiles`);
    await s.page.waitForTimeout(500);
    await s.shot('02b-predicted');
    await s.page.locator('.tabs-container .tab', { hasText: '.zattrs' }).first().click();
    await s.page.keyboard.press('Control+S');
    const projectFile = path.join(s.ws, 'cells.pixelclass.json');
    const project = await waitFor(() => {
      if (!fs.existsSync(projectFile)) return null;
      const p = JSON.parse(fs.readFileSync(projectFile, 'utf8'));
      return labelledInFile(p, 'cells.ome.zarr') > 0 ? p : null;
    }, { timeout: 30000, what: 'cells.pixelclass.json with the stroke of cells.ome.zarr' });
    assert.deepEqual(project.images.map((i) => i.path), ['cells.ome.zarr']);
    await s.shot('03-painted-and-saved');
  } catch (e) {
    await s.shot('failure-context-menu').catch(() => {});
    console.log('--- code-server log tail ---\n' + s.tailServerLog());
    throw e;
  }
});

test('a click on the store\'s .zattrs opens it in the Pixel Classifier editor with its labels', { timeout: 4 * 60000 }, async (t) => {
  try {
    await s.runCommand('View: Close All Editors');
    // The folder is still expanded from the first test (the Explorer revealed its .zattrs). The saved project appears
    // in the list first (it shifts the rows), then a click on the file, checked by the Explorer's selection.
    const rows = s.page.locator('.explorer-folders-view .monaco-list-row');
    await rows.filter({ hasText: 'cells.pixelclass.json' }).first().waitFor({ timeout: 30000 });
    const zattrs = rows.filter({ hasText: /^\s*\.zattrs\s*$/ }).first();
    if (!(await zattrs.isVisible().catch(() => false))) await rows.filter({ hasText: 'cells.ome.zarr' }).first().click();
    await waitFor(async () => {
      await zattrs.click();
      return (await zattrs.getAttribute('aria-selected')) === 'true';
    }, { timeout: 30000, interval: 500, what: '.zattrs selected in the Explorer' });
    const frame = await storeWebview('.zattrs');
    await assertRendered(frame, t);
    assert.ok(Number((await bodyData(frame)).labelCount) > 0, 'the saved labels are shown again');
    assert.equal(await s.page.locator('.editor-group-container .monaco-editor').count(), 0, 'no text editor was opened');
    await s.shot('04-opened-from-zattrs');
  } catch (e) {
    await s.shot('failure-zattrs').catch(() => {});
    console.log('--- code-server log tail ---\n' + s.tailServerLog());
    throw e;
  }
});
