// E2E (issue 14, items 2, 3 and 5): labels above one result view. On sample/cells.tif at 1:1: paint a background
// stroke of class 2 (blue — the class the probability overlay paints the background in) and a nucleus stroke of
// class 1; once predictions are drawn, the stroke's pixels read back from the canvas are still exactly the class
// colour (opaque labels above the 50 % overlay) and a two-tone edge (dark, then light) borders them. The result view is one choice:
// S / U / N / P switch it (the radio group and the composited layers follow), holding R shows the raw image alone,
// every toolbar button has a tooltip with its shortcut, and "Uncertain" outlines the region it jumped to, then the
// outline fades. Screenshots of label/overlay rendering at 1:1 and at Fit.
// Run: bash e2e/run.sh e2e/resultView.e2e.test.js
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { waitFor } = require('./helpers/session');
const { PREDICTION_TIMEOUT, cellsImage, openCellsScene } = require('./helpers/cellsScene');
const { readCanvas, changedFraction, bodyData } = require('./helpers/canvas');
const { oneToOneMapping } = require('./helpers/imageMapping');
const { strokeCanvas } = require('./helpers/pointer');

const truth = cellsImage();
let s;
let nuclei;

before(async () => { ({ s, nuclei } = await openCellsScene('result-view')); });
after(async () => { await s?.stop(); });

const rgbAt = (img, x, y) => { const i = (Math.round(y) * img.width + Math.round(x)) * 4; return [img.data[i], img.data[i + 1], img.data[i + 2]]; };
const hex = (c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
const luminance = ([r, g, b]) => 0.299 * r + 0.587 * g + 0.114 * b;

test('labels stay visible above the result; one result view; hold R for the raw image; tooltips; fading outline', { timeout: 10 * 60000 }, async (t) => {
  try {
    await s.openWorkbench('cells.tif');
    const frame = await s.openInEditor('cells.tif');
    if (await s.page.locator('.notification-toast').count()) {
      await s.runCommand('Notifications: Clear All Notifications');
      await waitFor(async () => (await s.page.locator('.notification-toast').count()) === 0, { timeout: 10000, what: 'toasts to clear' });
    }

    // Item 5: every toolbar button names itself and its shortcut.
    const titles = await frame.locator('.toolbar vscode-button').evaluateAll((els) => els.map((e) => e.getAttribute('title')));
    t.diagnostic(`toolbar tooltips: ${titles.join(' | ')}`);
    assert.ok(titles.length >= 10, `toolbar buttons: ${titles.length}`);
    for (const title of titles) assert.match(title || '', /^\S.* \((?:[^()]+)\)$/, `tooltip "${title}" names the button and its shortcut`);
    assert.match(await frame.locator('#result-uncertainty').getAttribute('title'), /\(U\)$/);

    const map = await oneToOneMapping(s, frame, truth);
    const grey = await readCanvas(frame);
    const clear = (col, row, gap) => nuclei.every((n) => Math.hypot(n.col - col, n.row - row) > Math.max(n.rx, n.ry) + gap);
    let spot = null;
    for (let row = 30; row < truth.height - 30 && !spot; row += 5) {
      for (let col = 30; col < truth.width - 30 && !spot; col += 5) {
        if ([-16, 0, 16].every((d) => map.visible(col + d, row, 12) && clear(col + d, row, 16))) spot = [col, row];
      }
    }
    assert.ok(spot, 'a background spot in view');
    const nucleus = nuclei.filter((n) => Math.min(n.rx, n.ry) >= 9 && n.brightness >= 2500 && map.visible(Math.round(n.col), Math.round(n.row), 20))[0];
    assert.ok(nucleus, 'a big nucleus in view');
    const classColor = async (id) => hex(await frame.locator(`.class-row[data-class-id="${id}"] .class-swatch`).inputValue());
    const blue = await classColor(2);

    await frame.locator('#tool-brush').click();
    await frame.locator('.class-row[data-class-id="1"]').click();
    await strokeCanvas(s, frame, [[nucleus.col - 3, nucleus.row], [nucleus.col + 3, nucleus.row]].map(([c, r]) => map.toCss(Math.round(c), Math.round(r))));
    await waitFor(async () => Number((await bodyData(frame)).labelCount) > 0, { timeout: 30000, what: 'the class-1 stroke' });
    const before2 = Number((await bodyData(frame)).labelCount);
    await frame.locator('.class-row[data-class-id="2"]').click();
    const [col, row] = spot;
    await strokeCanvas(s, frame, [[col - 16, row], [col + 16, row]].map(([c, r]) => map.toCss(c, r)));
    await waitFor(async () => Number((await bodyData(frame)).labelCount) > before2, { timeout: 30000, what: 'the class-2 stroke' });

    // Predictions over the plane (the background turns class-2 blue at 50 %).
    await waitFor(async () => Number((await bodyData(frame)).predictionTiles) > 0 && changedFraction(grey, await readCanvas(frame)) > 0.3,
      { timeout: PREDICTION_TIMEOUT, interval: 500, what: 'the probability overlay over the plane' });
    assert.equal((await bodyData(frame)).resultView, 'probabilities');
    assert.equal((await bodyData(frame)).layers, 'image,probabilities,labels', 'labels are drawn above the result');
    await s.page.mouse.move(5, 5); // no brush outline near the stroke (it is on another canvas anyway)
    const withOverlay = await readCanvas(frame);

    // Item 2: the stroke's pixels are exactly the class colour, with a dark edge above and below the stroke.
    const [x, y] = map.toCss(col, row);
    const centre = rgbAt(withOverlay, x, y);
    assert.deepEqual(centre, blue, `stroke centre ${centre} is the class colour ${blue} above the probability overlay`);
    let top = y; while (top > y - 12 && rgbAt(withOverlay, x, top - 1).join() === blue.join()) top--;
    let bottom = y; while (bottom < y + 12 && rgbAt(withOverlay, x, bottom + 1).join() === blue.join()) bottom++;
    const above = rgbAt(withOverlay, x, top - 1); const below = rgbAt(withOverlay, x, bottom + 1);
    const lightAbove = rgbAt(withOverlay, x, top - 2); const lightBelow = rgbAt(withOverlay, x, bottom + 2);
    const outside = rgbAt(withOverlay, x, top - 5);
    t.diagnostic(`stroke rows ${top - y}..${bottom - y} around the centre; edge dark ${above} / ${below}, light ${lightAbove} / ${lightBelow}; overlay outside ${outside}`);
    assert.ok(bottom - top + 1 >= 3, 'the stroke is several pixels wide');
    assert.ok(luminance(above) < 40 && luminance(below) < 40, `a dark edge borders the stroke (${above}, ${below})`);
    assert.ok(luminance(lightAbove) > 150 && luminance(lightBelow) > 150, `a light edge outside the dark one (${lightAbove}, ${lightBelow})`);
    assert.ok(luminance(outside) < 100, `the overlay beyond the edge is the dark class-2 blue (${outside})`);
    await s.shot('01-labels-above-probabilities-1to1');
    await frame.locator('#btn-fit').click();
    await waitFor(async () => /^image,probabilities,labels$/.test((await bodyData(frame)).layers), { timeout: 5000, what: 'layers at Fit' });
    await s.shot('02-labels-above-probabilities-fit');
    await frame.locator('#btn-one-to-one').click();

    // Item 3: one result view at a time, by key (focus is in the editor since the strokes).
    const view = async (key, expected, layers) => {
      await s.page.keyboard.press(key);
      await waitFor(async () => { const d = await bodyData(frame); return d.resultView === expected && d.layers === layers; },
        { timeout: 10000, what: `result view ${expected} after ${key}` });
      assert.equal(await frame.locator(`#result-${expected}`).getAttribute('aria-checked'), 'true', `the radio group shows ${expected}`);
      assert.equal(await frame.locator('.result-option[aria-checked="true"]').count(), 1, 'exactly one result view is chosen');
    };
    await view('s', 'segmentation', 'image,segmentation,labels');
    await s.shot('03-segmentation');
    await view('u', 'uncertainty', 'image,uncertainty,labels');
    await s.shot('04-uncertainty');
    await view('n', 'none', 'image,labels');
    const none = await readCanvas(frame);
    t.diagnostic(`None: ${(100 * changedFraction(grey, none)).toFixed(2)}% of the canvas differs from the raw image (the strokes)`);
    assert.ok(changedFraction(grey, none) < 0.02, 'with None only the strokes cover the raw image');
    await view('p', 'probabilities', 'image,probabilities,labels');

    // Hold R: the raw image alone; release: back.
    await s.page.keyboard.down('r');
    await waitFor(async () => (await bodyData(frame)).layers === 'image', { timeout: 10000, what: 'only the raw image while R is held' });
    const raw = await readCanvas(frame);
    assert.ok(changedFraction(grey, raw) < 0.001, 'holding R shows the raw image exactly');
    await s.shot('05-hold-r-raw');
    await s.page.keyboard.up('r');
    await waitFor(async () => (await bodyData(frame)).layers === 'image,probabilities,labels', { timeout: 10000, what: 'the overlays back after R' });

    // Item 5: "Uncertain" outlines the region it chose; the outline fades out.
    await frame.locator('#btn-most-uncertain').click();
    await waitFor(() => frame.evaluate(() => document.querySelector('.viewer').dataset.highlight === 'on'), { timeout: 60000, what: 'the outline of the uncertain region' });
    await s.shot('06-uncertain-outline');
    await waitFor(() => frame.evaluate(() => document.querySelector('.viewer').dataset.highlight === undefined), { timeout: 15000, what: 'the outline to fade out' });
    assert.deepEqual(s.extensionErrors(), [], 'no console errors from the extension or its webview');
  } catch (e) {
    await s.shot('failure').catch(() => {});
    console.log('--- code-server log tail ---\n' + s.tailServerLog());
    throw e;
  }
});
