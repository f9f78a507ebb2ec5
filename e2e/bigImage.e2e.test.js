// E2E (issue 13): a big image is shown as tiles at the resolution of the zoom, never as a whole plane. The setting
// pixelClassifier.tiledViewAboveMegapixels is lowered to 1 so a 3000×2000 image (6 Mpx, generated here) takes the
// tiled path a 16384² slide takes by default. At Fit the webview asks for a coarse level; zoomed in, level-0 tiles;
// painting two classes and pressing Update predicts the visible tiles (only those: the plane is larger than the
// background budget, also lowered); Ctrl+S saves the labels.
// Run: bash e2e/run.sh e2e/bigImage.e2e.test.js
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startSession, waitFor } = require('./helpers/session');
const { bodyData } = require('./helpers/canvas');
const { writeTiff } = require('./helpers/writeTiff');
const { labelledInFile } = require('./helpers/projectFile');

const W = 3000, H = 2000;
let s;
let dir;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-big-ws-'));
  const p = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    // bright discs on a grid, a gentle ramp and texture
    const dx = (x % 200) - 100, dy = (y % 200) - 100;
    p[y * W + x] = (dx * dx + dy * dy < 45 * 45 ? 190 : 40) + ((x >> 4) & 7) + Math.floor((30 * x) / W);
  }
  writeTiff(path.join(dir, 'slide.tif'), { width: W, height: H, pages: [p] });
  s = await startSession({
    name: 'big-image', workspace: dir,
    settings: {
      'pixelClassifier.liveUpdate': false, 'pixelClassifier.tiledViewAboveMegapixels': 1,
      'pixelClassifier.backgroundPredictionMegapixels': 1, 'pixelClassifier.livePredictionMegapixels': 2,
    },
  });
});
after(async () => { await s?.stop(); fs.rmSync(dir, { recursive: true, force: true }); });

async function viewOf(frame) {
  const [scale, offsetX, offsetY] = (await frame.locator('#view-xy .viewer').getAttribute('data-view')).split(',').map(Number);
  const box = await s.webview().locator('#image-canvas').boundingBox();
  return { scale, toPage: (col, row) => ({ x: box.x + offsetX + (col + 0.5) * scale, y: box.y + offsetY + (row + 0.5) * scale }) };
}

test('a big image as tiles: levels follow the zoom; paint, predict the view, save', { timeout: 8 * 60000 }, async (t) => {
  try {
    await s.openWorkbench('slide.tif');
    const frame = await s.openInEditor('slide.tif');
    assert.equal((await bodyData(frame)).tiled, 'true', 'the image is tiled');
    const fitLevel = Number(await waitFor(async () => (await bodyData(frame)).tileLevel, { what: 'a tile level' }));
    t.diagnostic(`Fit: level ${fitLevel}`);
    assert.ok(fitLevel >= 1, 'at Fit a coarse level is shown');
    await s.page.waitForTimeout(1500);
    await s.shot('01-fit-coarse-level');

    // Zoom to 1:1 around the disc at (1100, 900): level 0 tiles.
    await frame.locator('#btn-one-to-one, [title^="1:1"]').first().click();
    await waitFor(async () => (await bodyData(frame)).tileLevel === '0' ? true : null, { what: 'level 0 at 1:1' });
    await s.page.waitForTimeout(1000);
    const v = await viewOf(frame);
    // Paint class 2 on a disc in view and class 1 on background, both near the view centre.
    const canvas = await s.webview().locator('#image-canvas').boundingBox();
    const centre = { col: Math.round((canvas.width / 2 - (await viewOf(frame)).toPage(0, 0).x + canvas.x) / v.scale), row: 0 };
    centre.row = Math.round((canvas.height / 2 - v.toPage(0, 0).y + canvas.y) / v.scale);
    const disc = { col: Math.round(centre.col / 200) * 200 + 100, row: Math.round(centre.row / 200) * 200 + 100 };
    t.diagnostic(`view centre ${centre.col},${centre.row}; disc at ${disc.col},${disc.row}`);
    const stroke = async (classId, from, to) => {
      await frame.locator(`.class-row[data-class-id="${classId}"]`).click();
      const before = Number((await bodyData(frame)).labelCount || 0);
      const a = v.toPage(from[0], from[1]), b = v.toPage(to[0], to[1]);
      await s.page.mouse.move(a.x, a.y);
      await s.page.mouse.down();
      await s.page.mouse.move(b.x, b.y, { steps: 10 });
      await s.page.mouse.up();
      return waitFor(async () => { const n = Number((await bodyData(frame)).labelCount || 0); return n > before ? n : null; }, { what: `labels of class ${classId}` });
    };
    await stroke(2, [disc.col - 20, disc.row], [disc.col + 20, disc.row]);
    const labelled = await stroke(1, [disc.col - 20, disc.row - 70], [disc.col + 20, disc.row - 70]);
    await s.page.waitForTimeout(300);
    await s.shot('02-painted-level0');

    await frame.locator('#btn-update-now').click();
    const tiles = await waitFor(async () => { const n = Number((await bodyData(frame)).predictionTiles || 0); return n > 0 ? n : null; }, { timeout: 120000, what: 'predicted tiles' });
    await waitFor(async () => /Up to date/.test(await frame.locator('.classifier-panel, #classifier-status, body').first().textContent()) ? true : null, { timeout: 120000, what: 'the classifier to be up to date' });
    const predicted = Number((await bodyData(frame)).predictionTiles);
    t.diagnostic(`${tiles} → ${predicted} prediction tiles (the view only: the plane has ${Math.ceil(W / 256) * Math.ceil(H / 256)})`);
    assert.ok(predicted < Math.ceil(W / 256) * Math.ceil(H / 256), 'only the visible tiles were predicted');
    const p = v.toPage(disc.col, disc.row);
    await s.page.mouse.move(p.x, p.y);
    const readout = await waitFor(async () => { const r = await frame.locator('#pixel-readout').textContent(); return /p2=/.test(r) ? r : null; }, { what: 'probabilities under the pointer' });
    t.diagnostic(readout);
    assert.match(readout, /p2=(0\.[6-9]|1\.0)/, 'the disc is predicted as class 2');
    await s.shot('03-predicted-view');

    // Zoomed out to Fit: the status asks to zoom in (the view is larger than live predictions cover).
    await frame.locator('#btn-fit').click();
    await waitFor(async () => /Zoom in to see predictions/.test(await frame.locator('body').textContent()) ? true : null, { timeout: 60000, what: 'the zoom-in note' });
    await s.shot('04-fit-zoom-note');

    await s.page.locator('.tabs-container .tab', { hasText: 'slide.tif' }).first().click();
    await s.page.keyboard.press('Control+S');
    const projectFile = path.join(s.ws, 'slide.pixelclass.json');
    const project = await waitFor(() => { try { return JSON.parse(fs.readFileSync(projectFile, 'utf8')); } catch { return null; } }, { timeout: 30000, what: 'the saved project' });
    assert.equal(labelledInFile(project, 'slide.tif'), labelled, 'saved labels equal the editor\'s count');
    assert.deepEqual(s.extensionErrors(), [], 'no console errors from the extension or its webview');
  } catch (e) {
    await s.shot('failure').catch(() => {});
    throw e;
  }
});
