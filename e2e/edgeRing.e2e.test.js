// E2E (issue #20's slow first tile): the labels' two-tone edge (webview/canvas/edgeRing.ts) in the browser VS Code
// runs in — the same Chromium, no GPU, as the workbench. Checked on canvases read back pixel by pixel:
//  1. a single label pixel at 1:1: its 4-neighbours dark (rgba 0,0,0,0.9), the 8 pixels at distance 2 (diagonals and
//     2 along the axes) light (rgba 255,255,255,0.85), nothing else — the pixel itself is the layer's, drawn over it;
//     at device-pixel ratio 2 every step is 2 device pixels wide;
//  2. redoing only the changed part (and, after a clear, only the labels' extent) equals rebuilding the whole ring, after
//     each of 40 random paint and erase edits of four label tiles, magnified (nearest) and minified (smoothed), and when
//     labels sit just outside the view.
// No VS Code here: the module is bundled with esbuild and run in a bare page.
// Run: bash e2e/run.sh e2e/edgeRing.e2e.test.js
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { chromium } = require('playwright-core');
const esbuild = require('esbuild');
const { REPO } = require('./helpers/session');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
let browser;
let page;

before(async () => {
  const bundle = await esbuild.build({
    stdin: {
      contents: "export { EdgeRing } from './webview/canvas/edgeRing'; export { PixelChanges } from './webview/canvas/pixelChanges';",
      resolveDir: REPO, loader: 'ts',
    },
    bundle: true, format: 'iife', globalName: 'edge', write: false, platform: 'browser',
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  page = await browser.newPage();
  await page.addScriptTag({ content: bundle.outputFiles[0].text });
});

after(async () => { await browser?.close(); });

test('one label pixel: dark 4-neighbours, light ring at distance 2, at device-pixel ratio 1 and 2', async () => {
  const rings = await page.evaluate(() => {
    const out = [];
    for (const unit of [1, 2]) {
      const tile = document.createElement('canvas');
      tile.width = 9; tile.height = 9;
      const t = tile.getContext('2d');
      t.fillStyle = 'rgb(255,0,0)';
      t.fillRect(4, 4, 1, 1);
      const size = 9 * unit;
      const target = document.createElement('canvas');
      target.width = size; target.height = size;
      const ctx = target.getContext('2d');
      new edge.EdgeRing().draw(ctx, [{ source: tile, x: 0, y: 0, width: 9, height: 9 }],
        { scale: unit, aspect: 1, offsetX: 0, offsetY: 0, width: size, height: size, unit }, undefined);
      out.push({ unit, size, data: Array.from(ctx.getImageData(0, 0, size, size).data) });
    }
    return out;
  });
  for (const { unit, size, data } of rings) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        // Offset from the label pixel in ring steps (device pixels / unit), relative to its top-left device pixel.
        const dx = Math.floor(x / unit) - 4, dy = Math.floor(y / unit) - 4;
        const manhattan = Math.abs(dx) + Math.abs(dy);
        const want = manhattan === 1 ? [0, 0, 0, 230]
          : manhattan === 2 && Math.max(Math.abs(dx), Math.abs(dy)) <= 2 ? [255, 255, 255, 217] : [0, 0, 0, 0];
        const got = data.slice((y * size + x) * 4, (y * size + x) * 4 + 4);
        assert.deepEqual(got, want, `unit ${unit}, pixel (${x}, ${y}), step (${dx}, ${dy})`);
      }
    }
  }
});

test('redoing only the changed part equals rebuilding the ring, edit after edit (magnified, minified, off view)', async () => {
  const report = await page.evaluate(() => {
    // A seeded generator: the same edits on every run.
    let seed = 12345;
    const rand = (n) => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n; };
    const cases = [
      { name: 'dpr 2, labels beyond the view', scale: 2, aspect: 1, offsetX: -100, offsetY: -90, width: 120, height: 110, unit: 2 },
      { name: 'magnified 1.5×, aspect 1.25', scale: 1.5, aspect: 1.25, offsetX: -20, offsetY: 7, width: 150, height: 170, unit: 1 },
      { name: 'minified 0.45× (smoothed)', scale: 0.45, aspect: 1, offsetX: 3, offsetY: 2, width: 60, height: 58, unit: 1 },
    ];
    const results = [];
    for (const p of cases) {
      const tiles = [];
      const changes = new edge.PixelChanges();
      for (let i = 0; i < 4; i++) {
        const c = document.createElement('canvas');
        c.width = 64; c.height = 64;
        tiles.push({ source: c, x: (i % 2) * 64, y: Math.floor(i / 2) * 64, width: 64, height: 64 });
      }
      const colours = ['rgb(255,0,0)', 'rgb(0,0,255)', 'rgb(0,200,0)'];
      const canvas = () => { const c = document.createElement('canvas'); c.width = p.width; c.height = p.height; return c.getContext('2d'); };
      const incremental = new edge.EdgeRing();
      const a = canvas(), b = canvas();
      let worst = 0, partial = 0, painted = 0;
      for (let step = 0; step < 40; step++) {
        // Now and then every tile is cleared first (a new plane: the layer's extent starts over).
        if (step % 14 === 10) {
          for (const t of tiles) t.source.getContext('2d').clearRect(0, 0, 64, 64);
          changes.cleared();
        }
        // One edit: a rectangle of a class, or erased, inside one tile (its box in image pixels is reported).
        const tile = tiles[rand(4)];
        const w = 1 + rand(12), h = 1 + rand(6), x = rand(64 - w), y = rand(64 - h);
        const ctx = tile.source.getContext('2d');
        if (rand(4) === 0) ctx.clearRect(x, y, w, h);
        else { ctx.fillStyle = colours[rand(3)]; ctx.fillRect(x, y, w, h); }
        changes.changed({ column: tile.x + x, row: tile.y + y, width: w, height: h });
        if (step % 14 === 3) changes.changedAll();
        for (const ctx2 of [a, b]) ctx2.clearRect(0, 0, p.width, p.height);
        incremental.draw(a, tiles, p, changes);
        new edge.EdgeRing().draw(b, tiles, p, undefined);
        const da = a.getImageData(0, 0, p.width, p.height).data, db = b.getImageData(0, 0, p.width, p.height).data;
        let differing = 0;
        for (let i = 0; i < da.length; i++) if (da[i] !== db[i]) differing++;
        worst = Math.max(worst, differing);
        for (let i = 3; i < db.length; i += 4) if (db[i]) painted++;
        if (step % 14 !== 3 && step % 14 !== 10) partial++;
      }
      results.push({ name: p.name, worst, partial, painted });
    }
    return results;
  });
  for (const r of report) {
    assert.ok(r.painted > 1000, `${r.name}: the ring has pixels to compare (${r.painted})`);
    assert.equal(r.worst, 0, `${r.name}: incremental ring equals the rebuilt one after every edit (${r.partial} partial updates)`);
  }
});
