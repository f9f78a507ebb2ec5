// E2E (issue 15): a z-stack opens in three orthogonal views (xy, xz, yz) with a crosshair; the xz/yz views have the
// true aspect ratio from the pixel size (z is 3× coarser here, so their rows/columns of z are 3× taller/wider);
// a brush stroke in the yz view writes voxels that appear in the xy view at the right place (x = the yz slice,
// y = the stroke's row, z = its column); Shift+click moves the crosshair; V maximises a view and back.
// Run: bash e2e/run.sh e2e/orthoViews.e2e.test.js
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startSession, waitFor } = require('./helpers/session');
const { bodyData } = require('./helpers/canvas');
const { writeTiff } = require('./helpers/writeTiff');

const W = 120, H = 90, Z = 20;
let s;
let dir;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-ortho-ws-'));
  // A ball in the middle of a noisy volume: visible in every view.
  const pages = [];
  for (let z = 0; z < Z; z++) {
    const p = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const d = Math.hypot((x - 60) / 30, (y - 45) / 30, (z - 10) / 7);
      p[y * W + x] = (d < 1 ? 200 : 40) + ((x * 7 + y * 13 + z * 5) % 17);
    }
    pages.push(p);
  }
  // OME-XML: 0.2 µm pixels, 0.6 µm z-steps (the default unit of PhysicalSize is µm).
  const ome = '<?xml version="1.0" encoding="UTF-8"?><OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06">'
    + `<Image ID="Image:0"><Pixels ID="Pixels:0" DimensionOrder="XYZCT" Type="uint8" SizeX="${W}" SizeY="${H}" SizeZ="${Z}" SizeC="1" SizeT="1"`
    + ' PhysicalSizeX="0.2" PhysicalSizeY="0.2" PhysicalSizeZ="0.6"><Channel ID="Channel:0:0" SamplesPerPixel="1"/><TiffData/></Pixels></Image></OME>';
  writeTiff(path.join(dir, 'stack.tif'), { width: W, height: H, pages, description: ome });
  s = await startSession({ name: 'ortho-views', workspace: dir, settings: { 'pixelClassifier.liveUpdate': false } });
});
after(async () => { await s?.stop(); fs.rmSync(dir, { recursive: true, force: true }); });

/** Screen transform of a view: screen = offset + image · scale, rows × aspect. */
async function viewOf(frame, orientation) {
  const sel = orientation === 'xy' ? '#view-xy .viewer' : `#view-${orientation} .viewer`;
  const text = await frame.locator(sel).getAttribute('data-view');
  const [scale, offsetX, offsetY, aspect] = text.split(',').map(Number);
  const box = await s.webview().locator(orientation === 'xy' ? '#image-canvas' : `#image-canvas-${orientation}`).boundingBox();
  return {
    scale, aspect,
    toPage: (col, row) => ({ x: box.x + offsetX + (col + 0.5) * scale, y: box.y + offsetY + (row + 0.5) * scale * aspect }),
  };
}

test('three views: paint in yz, see it in xy; crosshair; maximise', { timeout: 8 * 60000 }, async (t) => {
  try {
    await s.openWorkbench('stack.tif');
    const frame = await s.openInEditor('stack.tif');
    await frame.locator('#view-xz #image-canvas-xz').waitFor({ state: 'visible', timeout: 30000 });
    assert.equal((await bodyData(frame)).viewLayout, 'three');
    await waitFor(async () => (await frame.locator('#view-yz .viewer').getAttribute('data-view')) !== null, { what: 'the yz view' });
    const xz = await viewOf(frame, 'xz');
    const yz = await viewOf(frame, 'yz');
    t.diagnostic(`xz aspect ${xz.aspect}, yz aspect ${yz.aspect}`);
    assert.ok(Math.abs(xz.aspect - 3) < 1e-6, 'xz rows (z) are drawn 3× taller: z is 3× coarser');
    assert.ok(Math.abs(yz.aspect - 1 / 3) < 1e-6, 'yz columns (z) are drawn 3× wider');
    await s.page.waitForTimeout(800);
    await s.shot('01-three-views');

    // The crosshair starts at the centre: the yz view shows column x = 60.
    const cursor0 = (await bodyData(frame)).cursor.split(',').map(Number);
    t.diagnostic(`crosshair ${cursor0}`);
    const xSlice = cursor0[0];

    // Paint class 1 in the yz view with a 3-px brush, a horizontal stroke along z at row y = 20: z = 4 … 8.
    await frame.locator('.class-row[data-class-id="1"]').click();
    await s.page.keyboard.press('[');
    await s.page.keyboard.press('[');
    const before = Number((await bodyData(frame)).labelCount || 0);
    const a = yz.toPage(4, 20), b = yz.toPage(8, 20);
    await s.page.mouse.move(a.x, a.y);
    await s.page.mouse.down();
    await s.page.mouse.move(b.x, b.y, { steps: 10 });
    await s.page.mouse.up();
    const painted = await waitFor(async () => { const n = Number((await bodyData(frame)).labelCount || 0); return n > before ? n : null; }, { what: 'labels after the yz stroke' });
    t.diagnostic(`painted ${painted - before} voxels in yz`);
    await s.page.waitForTimeout(500);
    await s.shot('02-painted-in-yz');

    // Shift+click on the stroke in yz: the crosshair moves to (x = slice, y = 20, z = 6) and the xy view shows z = 6.
    const c = yz.toPage(6, 20);
    await s.page.keyboard.down('Shift');
    await s.page.mouse.click(c.x, c.y);
    await s.page.keyboard.up('Shift');
    await waitFor(async () => (await bodyData(frame)).z === '6' ? true : null, { what: 'the xy view to go to z = 6' });
    const cursor1 = (await bodyData(frame)).cursor.split(',').map(Number);
    assert.deepEqual(cursor1, [xSlice, 20, 6], 'crosshair at the painted voxel');

    // In the xy view at z = 6, the label is at (x = slice, y = 20): hover it and read the readout's label.
    const xy = await viewOf(frame, 'xy');
    const p = xy.toPage(xSlice, 20);
    await s.page.mouse.move(p.x, p.y);
    const title = await waitFor(async () => { const tt = await frame.locator('#pixel-readout').getAttribute('title'); return tt ? tt : null; }, { what: 'the label under the pointer in xy' });
    assert.equal(title, 'label: Label 1');
    const readout = await frame.locator('#pixel-readout').textContent();
    assert.match(readout, new RegExp(`x=${xSlice} y=20 z=6`));
    // A pixel off the stroke (y = 40) has no label.
    const q = xy.toPage(xSlice, 40);
    await s.page.mouse.move(q.x, q.y);
    await waitFor(async () => (await frame.locator('#pixel-readout').textContent()).includes('y=40') ? true : null, { what: 'the readout at y = 40' });
    assert.equal(await frame.locator('#pixel-readout').getAttribute('title'), '');
    await s.shot('03-label-in-xy');

    // The xz view (row y = 20 now) shows the stroke too: its label layer is not blank.
    // V over the xz view maximises it; V again returns to three views.
    const m = xz.toPage(60, 10);
    await s.page.mouse.move(m.x, m.y);
    await s.page.mouse.click(m.x, m.y, { button: 'middle' });
    await s.page.keyboard.press('v');
    await waitFor(async () => (await bodyData(frame)).viewLayout === 'xz' ? true : null, { what: 'xz maximised' });
    await s.page.waitForTimeout(500);
    await s.shot('04-xz-maximised');
    await s.page.keyboard.press('v');
    await waitFor(async () => (await bodyData(frame)).viewLayout === 'three' ? true : null, { what: 'three views again' });

    // Class 2 painted in the xz view (row z = 2, background), then Update: the classifier trains on labels from
    // two views and predicts all three planes (the readout over the xz and yz views shows probabilities).
    await frame.locator('.class-row[data-class-id="2"]').click();
    const xz2 = await viewOf(frame, 'xz');
    const e = xz2.toPage(10, 2), f = xz2.toPage(30, 2);
    const beforeBg = Number((await bodyData(frame)).labelCount || 0);
    await s.page.mouse.move(e.x, e.y);
    await s.page.mouse.down();
    await s.page.mouse.move(f.x, f.y, { steps: 10 });
    await s.page.mouse.up();
    await waitFor(async () => Number((await bodyData(frame)).labelCount || 0) > beforeBg ? true : null, { what: 'labels after the xz stroke' });
    await frame.locator('#btn-update-now').click();
    for (const [orientation, col, row] of [['xz', 60, 10], ['yz', 10, 45]]) {
      const v = await viewOf(frame, orientation);
      const at = v.toPage(col, row);
      const text = await waitFor(async () => {
        await s.page.mouse.move(at.x, at.y);
        const r = await frame.locator('#pixel-readout').textContent();
        return /p1=/.test(r) ? r : null;
      }, { timeout: 120000, what: `probabilities in the ${orientation} view` });
      t.diagnostic(`${orientation}: ${text}`);
    }
    await s.page.waitForTimeout(500);
    await s.shot('05-predictions-in-three-views');
    assert.deepEqual(s.extensionErrors(), [], 'no console errors from the extension or its webview');
  } catch (e) {
    await s.shot('failure').catch(() => {});
    throw e;
  }
});
