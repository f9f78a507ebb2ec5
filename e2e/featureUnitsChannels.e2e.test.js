// E2E (issue #15): physical units and feature channels in the Features panel of a real VS Code. A 3-channel OME-TIFF
// (channels "DAPI", "GFP", "Noise"; 0.5 × 0.25 µm pixels) opens; the Features panel lists the three channels by name,
// all checked; switching "σ in physical units (µm)" on shows what σ becomes in pixels per axis; unchecking GFP drops
// the channel count to two thirds; Apply and Ctrl+S save `"scaleUnit": "physical"` and `"featureChannels": [0, 2]`
// in the project's features. Screenshots of every step.
// Run: npm run build && EXT_INSTALL=copy E2E_SKIP_BUILD=1 bash e2e/run.sh e2e/featureUnitsChannels.e2e.test.js
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startSession, waitFor } = require('./helpers/session');
const { writeTiff } = require('./helpers/writeTiff');

const W = 160, H = 120;
let s;
let workspace;

/** Three uint8 channels: discs (DAPI), their rings (GFP) and noise; OME-XML gives names and the pixel size. */
function writeFixture(file) {
  const planes = [new Uint8Array(W * H), new Uint8Array(W * H), new Uint8Array(W * H)];
  let seed = 7;
  const random = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const discs = [[30, 40, 14], [80, 70, 18], [125, 35, 12], [120, 95, 15]];
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const i = y * W + x;
    let inside = false, ring = false;
    for (const [cx, cy, r] of discs) {
      const d = Math.hypot(x - cx, y - cy);
      if (d <= r) inside = true;
      if (Math.abs(d - r) < 2.5) ring = true;
    }
    planes[0][i] = Math.min(255, (inside ? 190 : 40) + Math.round(random() * 30));
    planes[1][i] = Math.min(255, (ring ? 200 : 30) + Math.round(random() * 30));
    planes[2][i] = Math.round(random() * 255);
  }
  const channels = ['DAPI', 'GFP', 'Noise'].map((name, c) => `<Channel ID="Channel:0:${c}" Name="${name}" SamplesPerPixel="1"/>`).join('');
  const description = '<?xml version="1.0" encoding="UTF-8"?><OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06">'
    + `<Image ID="Image:0" Name="cells"><Pixels ID="Pixels:0" DimensionOrder="XYCZT" Type="uint8" SizeX="${W}" SizeY="${H}" SizeC="3" SizeZ="1" SizeT="1" `
    + 'PhysicalSizeX="0.5" PhysicalSizeY="0.25">' // unit: µm by default (OME)
    + `${channels}<TiffData IFD="0" PlaneCount="3"/></Pixels></Image></OME>`;
  writeTiff(file, { width: W, height: H, pages: planes, description });
}

before(async () => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-e2e-units-ws-'));
  writeFixture(path.join(workspace, 'cells3c.tif'));
  s = await startSession({ name: 'featureUnitsChannels', workspace });
});
after(async () => {
  await s?.stop();
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
});

test('Features panel: σ in physical units and an unchecked channel are saved in the project', { timeout: 6 * 60000 }, async (t) => {
  try {
    await s.openWorkbench('cells3c.tif');
    const frame = await s.openInEditor('cells3c.tif');
    // Nothing labelled yet: the Features section is open; the channel list names the three OME channels, all checked.
    await waitFor(() => frame.evaluate(() => document.getElementById('section-features').open === true), { timeout: 15000, what: 'the Features section' });
    const labels = await frame.evaluate(() => [...document.querySelectorAll('#feature-channels vscode-checkbox')].map((c) => `${c.label}|${c.checked}`));
    assert.deepEqual(labels, ['0: DAPI|true', '1: GFP|true', '2: Noise|true']);
    const summary = () => frame.evaluate(() => document.getElementById('feature-estimate').textContent);
    const before = await summary();
    t.diagnostic(`summary before: ${before}`);
    const channelsOf = (text) => Number(/^(\d+) feature channel/.exec(text)[1]);
    assert.match(before, /from 3 of 3 input channels/);
    const panel = async () => {
      await frame.evaluate(() => document.getElementById('feature-channels').scrollIntoView({ block: 'center' }));
    };
    await panel();
    await s.shot('01-channels-listed');

    // σ in physical units: the note under the toggle says what σ is in pixels along x and y (0.5 × 0.25 µm pixels).
    const physical = frame.locator('#feature-physical');
    await physical.scrollIntoViewIfNeeded();
    await physical.click();
    const note = await waitFor(async () => {
      const text = await frame.evaluate(() => document.getElementById('feature-unit-note').textContent);
      return /µm →/.test(text) ? text : null;
    }, { timeout: 10000, what: 'the physical-units note' });
    t.diagnostic(`note: ${note}`);
    assert.match(note, /σ=(\S+) µm → (\S+) × (\S+) pixels \(x × y\); pixel 0\.5 × 0\.25 µm\./);
    const [, sigma, px, py] = /σ=(\S+) µm → (\S+) × (\S+) pixels/.exec(note);
    assert.ok(Math.abs(Number(px) - Number(sigma) / 0.5) < 0.05 * Number(px) && Math.abs(Number(py) - Number(sigma) / 0.25) < 0.05 * Number(py),
      'σ per axis = σ / pixel size');
    assert.match(await frame.locator('.sigma-label').first().textContent(), /µm$/, 'the scale columns read in µm');

    // Uncheck GFP: two of three input channels feed the features.
    await frame.locator('#feature-channel-1').click();
    await waitFor(async () => /from 2 of 3 input channels/.test(await summary()), { timeout: 10000, what: 'the summary to count 2 channels' });
    const after = await summary();
    t.diagnostic(`summary after: ${after}`);
    assert.equal(channelsOf(after) * 3, channelsOf(before) * 2, 'the feature count follows the channels');
    await panel();
    await s.shot('02-physical-and-gfp-unchecked');

    // Apply, then save: the project's features carry both settings.
    await frame.locator('#btn-features-apply').click();
    await waitFor(async () => (await frame.locator('#btn-features-apply').getAttribute('disabled')) !== null, { timeout: 15000, what: 'Apply to take effect' });
    const projectFile = path.join(s.ws, 'cells3c.pixelclass.json');
    await s.page.keyboard.press('Control+S');
    const project = await waitFor(() => {
      if (!fs.existsSync(projectFile)) return null;
      try {
        const p = JSON.parse(fs.readFileSync(projectFile, 'utf8'));
        return p.features && p.features.scaleUnit ? p : null;
      } catch { return null; } // mid-write
    }, { timeout: 30000, what: 'cells3c.pixelclass.json with the feature settings' });
    assert.equal(project.features.scaleUnit, 'physical');
    assert.deepEqual(project.features.featureChannels, [0, 2]);
    const text = fs.readFileSync(projectFile, 'utf8');
    assert.match(text, /"scaleUnit": "physical"/);
    assert.match(text, /"featureChannels": \[0, 2\]/);
    // The host's estimate (status) follows the applied selection too.
    await waitFor(async () => /In use: \d+ channels/.test(await frame.evaluate(() => document.querySelector('.feature-host-summary').textContent)),
      { timeout: 30000, what: 'the host estimate' });
    const inUse = await frame.evaluate(() => document.querySelector('.feature-host-summary').textContent);
    t.diagnostic(`host: ${inUse}`);
    assert.equal(Number(/In use: (\d+) channels/.exec(inUse)[1]), channelsOf(after));
    await s.shot('03-saved');
    assert.deepEqual(s.extensionErrors(), [], 'no errors from the extension or its webview');
  } catch (error) {
    await s.shot('failure').catch(() => {});
    t.diagnostic(s.tailServerLog());
    throw error;
  }
});
