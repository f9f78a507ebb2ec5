// E2E (issue 2): in a real VS Code, open sample/cells.tif through Quick Open; the Pixel Classifier editor
// shows the image (pixels read back from #image-canvas) and, at 1:1, the pixel readout reports the raw
// value that the TIFF holds at the reported position. Ground truth comes from the test's own TIFF reader.
// Run: bash e2e/run.sh   (or, with the extension built and e2e installed: node --test e2e/viewer.e2e.test.js)
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { startSession, waitFor, REPO } = require('./helpers/session');
const { readTiff } = require('./helpers/readTiff');
const { readCanvas, stats, canvasBox } = require('./helpers/canvas');
const { readoutAt: hoverReadout, oneToOneMapping } = require('./helpers/imageMapping');

const SAMPLE = path.join(REPO, 'sample');
const truth = readTiff(path.join(SAMPLE, 'cells.tif'));
let s;

before(async () => { s = await startSession({ name: 'viewer', workspace: SAMPLE }); });
after(async () => { await s?.stop(); });

test('cells.tif opens in the Pixel Classifier editor, renders, and the readout shows raw values', async (t) => {
  try {
    await s.openWorkbench('cells.tif');
    await s.shot('01-workbench');

    const frame = await s.openInEditor('cells.tif');
    await s.shot('02-opened');
    assert.equal(await frame.locator('#error-banner').isVisible(), false, 'no error banner');

    // The canvas shows an image: many grey levels and real contrast (not a blank or uniform canvas).
    const fitStats = stats(await readCanvas(frame));
    t.diagnostic(`fit view: ${JSON.stringify(fitStats)}`);
    assert.ok(fitStats.levels >= 32, `expected many grey levels on the canvas, got ${fitStats.levels}`);
    assert.ok(fitStats.std >= 10, `expected contrast on the canvas, got std ${fitStats.std.toFixed(1)}`);

    // 1:1 → one image pixel per CSS pixel; the readout at the canvas centre anchors the mapping.
    const { mapper, centre, cx, cy, toCss, visible } = await oneToOneMapping(s, frame, truth);
    t.diagnostic(`canvas ${JSON.stringify(await canvasBox(frame))}`);
    const readoutAt = (x, y, previous) => hoverReadout(s, frame, mapper, x, y, previous);
    assert.equal(centre.c0, truth.at(centre.col, centre.row), `raw value at x=${centre.col} y=${centre.row}`);
    assert.equal(centre.z, 0); assert.equal(centre.t, 0);

    // Moving by (9, 5) CSS px moves by exactly (9, 5) image pixels at 1:1.
    const moved = await readoutAt(cx + 9, cy + 5, centre.text);
    assert.deepEqual([moved.col - centre.col, moved.row - centre.row], [9, 5], '1:1 means one image pixel per CSS pixel');
    assert.equal(moved.c0, truth.at(moved.col, moved.row));

    // Brightest and darkest visible pixels (3×3 mean, to land inside a nucleus / on background).
    let bright = null; let dark = null;
    for (let row = 1; row < truth.height - 1; row++) {
      for (let col = 1; col < truth.width - 1; col++) {
        if (!visible(col, row)) continue;
        let m = 0;
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) m += truth.at(col + dx, row + dy);
        if (!bright || m > bright.m) bright = { col, row, m };
        if (!dark || m < dark.m) dark = { col, row, m };
      }
    }
    assert.ok(bright && dark, 'part of the image is visible at 1:1');
    let previous = moved.text;
    const checked = [];
    for (const target of [bright, dark, { col: centre.col - 37, row: centre.row + 23 }, { col: centre.col + 41, row: centre.row - 29 }]) {
      if (!visible(target.col, target.row)) continue;
      const [x, y] = toCss(target.col, target.row);
      const r = await readoutAt(x, y, previous);
      previous = r.text;
      assert.deepEqual([r.col, r.row], [target.col, target.row], 'readout position follows the mouse at 1:1');
      assert.equal(r.c0, truth.at(r.col, r.row), `raw value at x=${r.col} y=${r.row}`);
      checked.push(r);
    }
    t.diagnostic(`readouts: ${checked.map((r) => r.text).join(' ; ')}`);
    await s.shot('03-one-to-one-readout');

    // The displayed grey level follows the raw value (auto contrast is monotonic): nucleus brighter than background.
    const grey = async (col, row) => {
      const [x, y] = toCss(col, row);
      const { data } = await readCanvas(frame, { x: Math.floor(x), y: Math.floor(y), width: 1, height: 1 });
      return 0.299 * data[0] + 0.587 * data[1] + 0.114 * data[2];
    };
    const gBright = await grey(bright.col, bright.row);
    const gDark = await grey(dark.col, dark.row);
    t.diagnostic(`grey at brightest ${truth.at(bright.col, bright.row)} → ${gBright.toFixed(0)}, darkest ${truth.at(dark.col, dark.row)} → ${gDark.toFixed(0)}`);
    assert.ok(gBright > gDark + 100, `nucleus (${gBright}) should be much brighter than background (${gDark}) on the canvas`);

    const oneStats = stats(await readCanvas(frame));
    assert.ok(oneStats.levels >= 32 && oneStats.std >= 10, `1:1 view shows the image: ${JSON.stringify(oneStats)}`);

    // Fit brings the whole image back.
    await frame.locator('#btn-fit').click();
    await s.shot('04-fit');

    // Physical units (issue #15): set the pixel size; a scale bar appears and the status bar gives µm.
    await frame.evaluate(() => { document.getElementById('section-display').open = true; });
    const fromFile = await frame.locator('#pixel-size-source').textContent();
    await frame.locator('#pixel-size').fill('0.5 × 0.5 µm');
    await frame.locator('#pixel-size').press('Enter');
    await frame.locator('#scale-bar').waitFor({ state: 'visible', timeout: 15000 });
    const barText = await frame.locator('#scale-bar').textContent();
    assert.match(barText, /^\d+(\.\d+)? µm$/, `scale bar label: ${barText}`);
    await waitFor(async () => (await frame.locator('#pixel-size-source').textContent()) === 'set in the project', { timeout: 15000, what: 'the pixel size set in the project' });
    t.diagnostic(`pixel size was ${fromFile}`);
    const [hx, hy] = toCss(centre.col, centre.row);
    await readoutAt(hx + 1, hy, previous);
    const physical = await frame.locator('#physical-readout').textContent();
    t.diagnostic(`scale bar ${barText}; cursor ${physical}`);
    assert.match(physical, /^\(\d+\.\d+, \d+\.\d+ µm\)$/);
    await s.shot('05-pixel-size-scale-bar');
    // Being the one default editor for TIFF means VS Code never asks which default to use (a duplicate
    // case-variant selector such as *.TIF next to *.tif triggers that prompt: VS Code lower-cases globs).
    const conflict = await s.page.locator('.notification-toast', { hasText: 'multiple default editors' }).count();
    assert.equal(conflict, 0, 'VS Code shows "There are multiple default editors available for the resource."');
    assert.deepEqual(s.extensionErrors(), [], 'no console errors from the extension or its webview');
  } catch (e) {
    await s.shot('failure').catch(() => {});
    console.log('--- code-server log tail ---\n' + s.tailServerLog());
    throw e;
  }
});
