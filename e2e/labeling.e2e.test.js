// E2E (issue 5): the labeling loop in a real VS Code. On sample/cells.tif: paint strokes of two classes with the
// mouse (class 1 inside nuclei, class 2 on background), the probability overlay appears (prediction tiles are
// drawn and the canvas turns colourful) and the readout's probabilities favour the right class on an unlabelled
// nucleus; Ctrl+Z removes the last stroke; Ctrl+S writes cells.pixelclass.json with the labels; after closing and
// reopening the editor the labels are restored and the predictions come back. Screenshots of every step.
// The scene's ground truth (nucleus centres and radii) comes from scripts/makeSample.mjs, which made the image.
// Run: bash e2e/run.sh e2e/labeling.e2e.test.js
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { waitFor } = require('./helpers/session');
const { PREDICTION_TIMEOUT, cellsImage, openCellsScene } = require('./helpers/cellsScene');
const { readCanvas, stats, changedFraction, bodyData, parseReadout } = require('./helpers/canvas');
const { oneToOneMapping } = require('./helpers/imageMapping');
const { strokeCanvas } = require('./helpers/pointer');

const truth = cellsImage();
let s;
let nuclei;

before(async () => { ({ s, nuclei } = await openCellsScene('labeling')); });
after(async () => { await s?.stop(); });

const num = (v) => (v === undefined ? NaN : Number(v));

/** Waits until body.dataset.labelCount satisfies `ok(count)`; returns the count. */
async function labelCountWhere(frame, ok, what) {
  return waitFor(async () => { const n = num((await bodyData(frame)).labelCount); return ok(n) ? n : null; },
    { timeout: 30000, what: `labelCount ${what}` }).then((n) => n);
}

/** Hovers image pixel (col,row) (wiggling by one CSS px so the readout refreshes) until it shows probabilities. */
async function probabilitiesAt(frame, map, col, row) {
  const [x, y] = map.toCss(col, row);
  let flip = 0;
  return waitFor(async () => {
    const p = map.mapper.toPage(x + (flip ^= 1) * 0.2, y);
    await s.page.mouse.move(p.x, p.y);
    const r = parseReadout(await frame.locator('#pixel-readout').textContent());
    return r && r.col === col && r.row === row && r.probabilities['1'] !== undefined && r.probabilities['2'] !== undefined ? r : null;
  }, { timeout: PREDICTION_TIMEOUT, interval: 500, what: `probabilities in the readout at x=${col} y=${row}` });
}

/**
 * Waits until prediction tiles have been drawn and the overlay covers the plane: the canvas is colourful and more
 * than 20% of it differs from the grey image (tiles arrive one by one, so a single early readback is not enough).
 * Returns { tiles, stats, changed }.
 */
async function predictionsShown(frame, greyImage, what) {
  const greyStats = stats(greyImage);
  return waitFor(async () => {
    const tiles = num((await bodyData(frame)).predictionTiles);
    if (!(tiles > 0)) return null;
    const image = await readCanvas(frame);
    const now = stats(image);
    const changed = changedFraction(greyImage, image);
    return now.meanChroma > greyStats.meanChroma + 8 && changed > 0.2 ? { tiles, stats: now, changed } : null;
  }, { timeout: PREDICTION_TIMEOUT, interval: 500, what: `the probability overlay over the plane (${what})` });
}

test('paint two classes, live predictions, undo, save, reopen', { timeout: 15 * 60000 }, async (t) => {
  try {
    await s.openWorkbench('cells.tif');
    let frame = await s.openInEditor('cells.tif');
    assert.equal(await frame.locator('#error-banner').isVisible(), false, 'no error banner');
    const start = await bodyData(frame);
    t.diagnostic(`initial dataset ${JSON.stringify(start)}`);
    assert.ok(!(num(start.labelCount) > 0), 'a fresh image has no labels');

    // Toasts (if any) float over the editor's lower right corner and would swallow strokes: dismiss them.
    if (await s.page.locator('.notification-toast').count()) {
      await s.quickInput('F1', '>Notifications: Clear All Notifications', 'Clear All Notifications');
      await waitFor(async () => (await s.page.locator('.notification-toast').count()) === 0, { timeout: 10000, what: 'toasts to clear' });
    }
    const map = await oneToOneMapping(s, frame, truth);
    const greyImage = await readCanvas(frame);
    await s.shot('01-opened-1to1');

    // Choose strokes from the scene's ground truth: big, bright, fully visible nuclei for class 1 (inside their
    // inner half), background far from every nucleus for class 2, and one more nucleus left unlabelled.
    const inView = (n, margin) => map.visible(Math.round(n.col - n.rx - margin), Math.round(n.row - n.ry - margin)) &&
      map.visible(Math.round(n.col + n.rx + margin), Math.round(n.row + n.ry + margin));
    const big = nuclei.filter((n) => Math.min(n.rx, n.ry) >= 9 && n.brightness >= 2500 && inView(n, 4))
      .sort((a, b) => b.brightness - a.brightness);
    assert.ok(big.length >= 3, `need 3 big nuclei in view at 1:1, found ${big.length}`);
    const [n1, n2, unlabelled] = big;
    const clearOfNuclei = (col, row, gap) => nuclei.every((n) => Math.hypot(n.col - col, n.row - row) > Math.max(n.rx, n.ry) + gap);
    const backgroundSpots = [];
    for (let row = 20; row < truth.height - 20 && backgroundSpots.length < 2; row += 6) {
      for (let col = 20; col < truth.width - 20 && backgroundSpots.length < 2; col += 6) {
        const segment = [-14, -7, 0, 7, 14].map((d) => [col + d, row]);
        if (!segment.every(([c, r]) => map.visible(c, r, 10) && clearOfNuclei(c, r, 14))) continue;
        if (backgroundSpots.some(([c, r]) => Math.hypot(c - col, r - row) < 60)) continue;
        backgroundSpots.push([col, row]);
      }
    }
    assert.equal(backgroundSpots.length, 2, 'two background spots in view');
    const strokeThrough = (pixels) => strokeCanvas(s, frame, pixels.map(([c, r]) => map.toCss(c, r)));
    const nucleusStroke = (n) => {
      const d = 0.4 * Math.min(n.rx, n.ry);
      return [[n.col - d, n.row], [n.col, n.row - d / 2], [n.col + d, n.row]].map(([c, r]) => [Math.round(c), Math.round(r)]);
    };
    const backgroundStroke = ([col, row]) => [[col - 14, row], [col, row + 2], [col + 14, row]];

    // Class 1 (nuclei) with the brush.
    await frame.locator('#tool-brush').click();
    await frame.locator('.class-row[data-class-id="1"]').click();
    let count = 0;
    for (const n of [n1, n2]) {
      await strokeThrough(nucleusStroke(n));
      count = await labelCountWhere(frame, (c) => c > count, `> ${count} after a class-1 stroke`);
    }
    await s.shot('02-class1-strokes');

    // Class 2 (background).
    await frame.locator('.class-row[data-class-id="2"]').click();
    await strokeThrough(backgroundStroke(backgroundSpots[0]));
    count = await labelCountWhere(frame, (c) => c > count, `> ${count} after the first class-2 stroke`);
    const countBeforeLast = count;
    await strokeThrough(backgroundStroke(backgroundSpots[1]));
    count = await labelCountWhere(frame, (c) => c > countBeforeLast, `> ${countBeforeLast} after the last stroke`);
    const countAfterLast = count;
    t.diagnostic(`labelCount ${countBeforeLast} → ${countAfterLast} after 4 strokes`);
    await s.shot('03-class2-strokes');

    // Live predictions: tiles arrive and the canvas turns colourful (class colours blended over the grey image).
    const t0 = Date.now();
    const shown = await predictionsShown(frame, greyImage, 'after painting');
    t.diagnostic(`overlay over the plane after ${((Date.now() - t0) / 1000).toFixed(1)} s: ${JSON.stringify(shown)}`);
    // The classifier generalises: an unlabelled nucleus is class 1, far background is class 2.
    const pNucleus = await probabilitiesAt(frame, map, Math.round(unlabelled.col), Math.round(unlabelled.row));
    assert.ok(pNucleus.probabilities['1'] > pNucleus.probabilities['2'], `unlabelled nucleus reads as class 1: ${pNucleus.text}`);
    const [bgCol, bgRow] = backgroundSpots[1];
    const pBackground = await probabilitiesAt(frame, map, bgCol, bgRow - 8);
    assert.ok(pBackground.probabilities['2'] > pBackground.probabilities['1'], `background reads as class 2: ${pBackground.text}`);
    await s.shot('04-predictions');

    // Ctrl+Z (VS Code's undo, routed to the custom editor) removes the last stroke only.
    await s.page.keyboard.press('Control+Z');
    count = await labelCountWhere(frame, (c) => c === countBeforeLast, `back to ${countBeforeLast} after Ctrl+Z`);
    await s.shot('05-after-undo');
    const tab = s.page.locator('.tabs-container .tab', { hasText: 'cells.tif' }).first();
    assert.match(await tab.getAttribute('class'), /\bdirty\b/, 'the editor is dirty before saving');

    // Ctrl+S writes the project beside the image, with the labels.
    const projectFile = path.join(s.ws, 'cells.pixelclass.json');
    await s.page.keyboard.press('Control+S');
    const project = await waitFor(() => {
      if (!fs.existsSync(projectFile)) return null;
      try { return JSON.parse(fs.readFileSync(projectFile, 'utf8')); } catch { return null; } // mid-write
    }, { timeout: 30000, what: 'cells.pixelclass.json' });
    await waitFor(async () => !/\bdirty\b/.test(await tab.getAttribute('class')), { timeout: 15000, what: 'the dirty marker to clear' });
    const text = fs.readFileSync(projectFile, 'utf8');
    t.diagnostic(`project file: ${text.length} bytes, top-level keys ${Object.keys(project).join(', ')}`);
    assert.match(text, /labels/i, 'the project holds labels');
    assert.match(text, /cells\.tif/, 'the project refers to the image by its relative path');
    await s.shot('06-saved');

    // Close the editor, reopen it: labels restored, predictions come back.
    await tab.click();
    await s.quickInput('F1', '>View: Close All Editors', 'View: Close All Editors');
    await waitFor(async () => (await s.page.locator('.tabs-container .tab', { hasText: 'cells.tif' }).count()) === 0,
      { timeout: 30000, what: 'the editor to close' });
    await s.shot('07-closed');
    frame = await s.openInEditor('cells.tif');
    await labelCountWhere(frame, (c) => c === countBeforeLast, `restored to ${countBeforeLast} after reopening`);
    const map2 = await oneToOneMapping(s, frame, truth);
    const reshown = await predictionsShown(frame, greyImage, 'after reopening');
    t.diagnostic(`after reopening: ${JSON.stringify(reshown)}`);
    const p2 = await probabilitiesAt(frame, map2, Math.round(unlabelled.col), Math.round(unlabelled.row));
    assert.ok(p2.probabilities['1'] > p2.probabilities['2'], `after reopening the unlabelled nucleus still reads as class 1: ${p2.text}`);
    await s.shot('08-reopened');
    assert.equal(await frame.locator('#error-banner').isVisible(), false, 'no error banner');
    assert.deepEqual(s.extensionErrors(), [], 'no console errors from the extension or its webview');
  } catch (e) {
    await s.shot('failure').catch(() => {});
    console.log('--- code-server log tail ---\n' + s.tailServerLog());
    throw e;
  }
});
