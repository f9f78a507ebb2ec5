// E2E (issue 16): the labelling tools beyond the brush with the mouse in a real VS Code, and "Label Here Next".
// On sample/cells.tif: a polygon (three clicks and a double-click) and a magic-wand drag on a bright nucleus write
// class 1; a fill click writes class 2 into the unlabelled background (preserve labels on, so the polygon and the
// nucleus stay); Ctrl+S saves exactly the editor's labels. With live update on, the classifier trains and the
// "Label Here Next" view lists regions; clicking the top one navigates the editor there.
// Run: bash e2e/run.sh e2e/labelTools.e2e.test.js
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { startSession, waitFor, REPO } = require('./helpers/session');
const { labelledInFile } = require('./helpers/projectFile');
const { bodyData } = require('./helpers/canvas');
const { canvasMapper } = require('./helpers/pointer');
const { oneToOneMapping } = require('./helpers/imageMapping');
const { readTiff } = require('./helpers/readTiff');

const SAMPLE = path.join(REPO, 'sample');
const truth = readTiff(path.join(SAMPLE, 'cells.tif'));
let s;
let nuclei;

before(async () => {
  ({ nuclei } = (await import(pathToFileURL(path.join(REPO, 'scripts', 'makeSample.mjs')).href)).makeCells());
  s = await startSession({ name: 'label-tools', workspace: SAMPLE, settings: { 'pixelClassifier.liveUpdate': false } });
});
after(async () => { await s?.stop(); });

const count = async (frame) => { const n = Number((await bodyData(frame)).labelCount); return Number.isFinite(n) ? n : 0; };
const grows = (frame, above, what) => waitFor(async () => { const n = await count(frame); return n > above ? n : null; }, { timeout: 30000, what });

test('polygon, wand and fill with the mouse; saved labels equal the editor\'s; Label Here Next navigates', { timeout: 10 * 60000 }, async (t) => {
  try {
    await s.openWorkbench('cells.tif');
    const frame = await s.openInEditor('cells.tif');
    const map = await oneToOneMapping(s, frame, truth);
    const m = await canvasMapper(s, frame);
    const page = (col, row) => { const [x, y] = map.toCss(col, row); return m.toPage(x, y); };
    const inView = (n) => map.visible(Math.round(n.col - n.rx - 6), Math.round(n.row - n.ry - 6)) && map.visible(Math.round(n.col + n.rx + 6), Math.round(n.row + n.ry + 6));
    const big = nuclei.filter((n) => Math.min(n.rx, n.ry) >= 9 && n.brightness >= 2500 && inView(n)).sort((a, b) => b.brightness - a.brightness);
    assert.ok(big.length >= 2, 'two big nuclei in view');
    const [a, b] = big;
    await frame.locator('.class-row[data-class-id="1"]').click();

    // Polygon: three vertices inside nucleus a, double-click on the last.
    await frame.locator('#tool-polygon').click();
    const d = Math.floor(0.5 * Math.min(a.rx, a.ry));
    const vertices = [[a.col - d, a.row - d], [a.col + d, a.row - d], [a.col, a.row + d]].map(([c, r]) => page(Math.round(c), Math.round(r)));
    for (const v of vertices) { await s.page.mouse.click(v.x, v.y); await s.page.waitForTimeout(450); }
    await s.page.mouse.dblclick(vertices[2].x, vertices[2].y);
    const afterPolygon = await grows(frame, 0, 'labels after the polygon');
    t.diagnostic(`polygon: ${afterPolygon} px`);
    await s.shot('01-polygon');

    // Magic wand: press in nucleus b and drag a little: the bright nucleus grows, not the background.
    await frame.locator('#tool-wand').click();
    const seed = page(Math.round(b.col), Math.round(b.row));
    await s.page.mouse.move(seed.x, seed.y);
    await s.page.mouse.down();
    await s.page.mouse.move(seed.x + 40, seed.y, { steps: 8 });
    await s.shot('02-wand-preview');
    await s.page.mouse.up();
    const afterWand = await grows(frame, afterPolygon, 'labels after the wand');
    const wandPixels = afterWand - afterPolygon;
    t.diagnostic(`wand: ${wandPixels} px (nucleus area ≈ ${Math.round(Math.PI * b.rx * b.ry)})`);
    assert.ok(wandPixels > 0.3 * Math.PI * b.rx * b.ry && wandPixels < 3 * Math.PI * b.rx * b.ry, `the wand took about the nucleus (${wandPixels} px)`);

    // Superpixel brush: its segment borders show while it is the tool; a short stroke writes whole superpixels.
    await frame.locator('#tool-superpixel').click();
    await waitFor(async () => ((await bodyData(frame)).layers || '').includes('superpixels'), { timeout: 10000, what: 'the superpixel borders layer' });
    await waitFor(async () => Number((await bodyData(frame)).superpixelTiles || 0) > 0, { timeout: 10000, what: 'superpixel border tiles drawn' });
    await s.page.waitForTimeout(1500); // borders are drawn one tile per animation frame
    await s.shot('02b-superpixel-borders');
    const sp = page(Math.round(b.col + 2 * b.rx + 12), Math.round(b.row));
    await s.page.mouse.move(sp.x, sp.y);
    await s.page.mouse.down();
    await s.page.mouse.move(sp.x + 3, sp.y, { steps: 2 });
    await s.page.mouse.up();
    const afterSuperpixels = await grows(frame, afterWand, 'labels after the superpixel brush');
    t.diagnostic(`superpixels: ${afterSuperpixels - afterWand} px for a 3-pixel stroke`);
    assert.ok(afterSuperpixels - afterWand > 20, 'the superpixel brush wrote whole segments, not just the stroke');

    // Fill the background with class 2, preserving the labels (M toggles preserve).
    await frame.locator('.class-row[data-class-id="2"]').click();
    await frame.locator('#tool-fill').click();
    await frame.locator('#btn-preserve').click();
    const bg = page(5, 5);
    await s.page.mouse.click(bg.x, bg.y);
    const afterFill = await grows(frame, afterSuperpixels, 'labels after the fill');
    t.diagnostic(`fill: ${afterFill - afterSuperpixels} px`);
    await s.shot('03-fill');

    // Ctrl+S: the file holds exactly the editor's labels.
    await s.page.locator('.tabs-container .tab', { hasText: 'cells.tif' }).first().click();
    await s.page.keyboard.press('Control+S');
    const projectFile = path.join(s.ws, 'cells.pixelclass.json');
    const project = await waitFor(() => { try { return JSON.parse(fs.readFileSync(projectFile, 'utf8')); } catch { return null; } }, { timeout: 30000, what: 'the saved project' });
    assert.equal(labelledInFile(project, 'cells.tif'), afterFill, 'saved labels equal the editor\'s count');

    // Train (Update) and use Label Here Next.
    await frame.locator('#btn-update-now').click();
    const header = s.page.locator('.pane-header', { hasText: 'Label Here Next' });
    await header.waitFor({ timeout: 30000 });
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    const entry = s.page.locator('.monaco-list-row', { hasText: /^1\. cells\.tif/ }).first();
    await entry.waitFor({ state: 'visible', timeout: 180000 });
    await s.shot('04-label-here-next');
    await frame.locator('#btn-fit').click();
    const fitZoom = await frame.locator('#zoom-label').textContent();
    await entry.click();
    // The editor frames the suggested 256² region (the view changes from Fit) and outlines it.
    const zoom = await waitFor(async () => { const z = await frame.locator('#zoom-label').textContent(); return z !== fitZoom ? z : null; },
      { timeout: 20000, what: 'the editor to navigate to the suggested region' });
    t.diagnostic(`zoom ${fitZoom} → ${zoom} after clicking the top suggestion`);
    assert.ok(await frame.evaluate(() => document.querySelector('[data-highlight="on"]') !== null), 'the region is outlined');
    await s.shot('05-navigated');
    assert.deepEqual(s.extensionErrors(), [], 'no console errors from the extension or its webview');
  } catch (e) {
    await s.shot('failure').catch(() => {});
    console.log('--- code-server log tail ---\n' + s.tailServerLog());
    throw e;
  }
});
