// E2E (issue 14, items 6 and 7): the first click on a TIFF in the Explorer, right after the workbench has loaded,
// opens the Pixel Classifier editor (not the text editor showing a binary file); and the editor takes keys at
// once — PageUp/PageDown (z), Shift+PageUp/PageDown (t) and the tool keys — without a click on the canvas (a
// click paints). The z/t stack is written by the test (3 z-slices × 2 time points, ImageJ hyperstack).
// Run: bash e2e/run.sh e2e/firstOpen.e2e.test.js
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startSession, waitFor, REPO } = require('./helpers/session');
const { bodyData } = require('./helpers/canvas');
const { writeTiff } = require('./helpers/writeTiff');

const SZ = 3; const ST = 2; const W = 96; const H = 64;
let s;
let workspace;

before(async () => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-e2e-first-ws-'));
  fs.copyFileSync(path.join(REPO, 'sample', 'cells.tif'), path.join(workspace, 'cells.tif'));
  const pages = [];
  for (let t = 0; t < ST; t++) {
    for (let z = 0; z < SZ; z++) {
      const plane = new Uint8Array(W * H);
      for (let i = 0; i < plane.length; i++) plane[i] = (40 * z + 100 * t + (i % W)) & 255;
      pages.push(plane);
    }
  }
  writeTiff(path.join(workspace, 'stack.tif'), {
    width: W, height: H, pages,
    description: `ImageJ=1.54f\nimages=${SZ * ST}\nslices=${SZ}\nframes=${ST}\nhyperstack=true\n`,
  });
  s = await startSession({ name: 'first-open', workspace });
});
after(async () => {
  await s?.stop();
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
});

/** Waits for the webview of the active editor to report ready; returns its frame. */
async function readyWebview(what) {
  return waitFor(async () => {
    const f = await s.webviewFrame();
    return (await f.evaluate(() => document.body && document.body.dataset.ready === 'true')) ? f : null;
  }, { timeout: 60000, what: `the Pixel Classifier webview of ${what} to be ready` });
}

test('the first click on a TIFF in the Explorer opens the Pixel Classifier editor', async (t) => {
  try {
    await s.openWorkbench('cells.tif');
    // Immediately: no wait for the extension host, exactly as a user clicking as soon as the file list shows.
    const row = s.page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'cells.tif' }).first();
    const clickedAt = Date.now();
    await row.click();
    await s.page.locator('.tabs-container .tab', { hasText: 'cells.tif' }).first().waitFor({ timeout: 30000 });
    const frame = await readyWebview('cells.tif');
    t.diagnostic(`editor ready ${((Date.now() - clickedAt) / 1000).toFixed(1)} s after the click`);
    assert.equal(await s.page.locator('.editor-group-container .monaco-editor').count(), 0, 'no text editor was opened');
    assert.equal(await s.page.getByText('binary or uses an unsupported text encoding').count(), 0, 'no "binary file" notice');
    assert.equal(await frame.locator('#error-banner').isVisible(), false, 'no error banner');
    await s.shot('01-first-click');
  } catch (e) {
    await s.shot('failure-first-click').catch(() => {});
    console.log('--- code-server log tail ---\n' + s.tailServerLog());
    throw e;
  }
});

test('PageUp/PageDown, Shift+PageUp/PageDown and tool keys work without clicking the canvas', async (t) => {
  try {
    await s.runCommand('View: Close All Editors');
    // Opened as a user does, with a click in the Explorer (a click keeps the focus in the Explorer for other files).
    await s.page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'stack.tif' }).first().click();
    await s.page.locator('.tabs-container .tab', { hasText: 'stack.tif' }).first().waitFor({ timeout: 30000 });
    const frame = await readyWebview('stack.tif');
    const data = () => bodyData(frame);
    const zt = async () => { const d = await data(); return `${d.z ?? '0'}/${d.t ?? '0'}`; };
    assert.equal(await zt(), '0/0', 'the stack opens at z=0, t=0');
    t.diagnostic(`focus in the webview: ${await frame.evaluate(() => `${document.hasFocus()} ${document.activeElement && document.activeElement.id}`)}`);

    const press = async (key, expected, what) => {
      await s.page.keyboard.press(key);
      await waitFor(async () => (await zt()) === expected, { timeout: 10000, what: `${what}: z/t = ${expected} after ${key}` });
    };
    await press('PageDown', '1/0', 'next z');
    await press('PageDown', '2/0', 'next z');
    await press('PageDown', '2/0', 'z stays at the last slice');
    await press('PageUp', '1/0', 'previous z');
    await press('Shift+PageDown', '1/1', 'next t');
    await press('Shift+PageUp', '1/0', 'previous t');
    assert.equal(await frame.locator('#z-value').textContent(), '2/3', 'the z slider follows the keys');

    await s.page.keyboard.press('e');
    await waitFor(async () => (await frame.locator('#tool-eraser').getAttribute('aria-pressed')) === 'true', { timeout: 10000, what: 'the eraser after E' });
    await s.page.keyboard.press('h');
    await waitFor(async () => (await frame.locator('#tool-pan').getAttribute('aria-pressed')) === 'true', { timeout: 10000, what: 'the pan tool after H' });
    await s.page.keyboard.press('b');
    await waitFor(async () => (await frame.locator('#tool-brush').getAttribute('aria-pressed')) === 'true', { timeout: 10000, what: 'the brush after B' });
    assert.ok(!(Number((await data()).labelCount) > 0), 'nothing was painted');
    await s.shot('02-keys-without-click');
    assert.deepEqual(s.extensionErrors(), [], 'no console errors from the extension or its webview');
  } catch (e) {
    await s.shot('failure-keys').catch(() => {});
    console.log('--- code-server log tail ---\n' + s.tailServerLog());
    throw e;
  }
});
