// E2E (issue 14, item 4): the walkthrough "Classify pixels in your first image" in a real VS Code. It lists the six
// steps; its first button opens the sample image in the Pixel Classifier editor (copied into the folder), where the
// Features section is open because nothing is labelled yet; "Choose Features" keeps it open; the eye of a feature
// cell shows that feature of the visible region in place of the raw image (a different picture on the canvas) and
// Escape returns to the raw image. Screenshots of the walkthrough and of the preview.
// Run: bash e2e/run.sh e2e/walkthrough.e2e.test.js
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startSession, waitFor } = require('./helpers/session');
const { readCanvas, changedFraction, bodyData } = require('./helpers/canvas');

let s;
let workspace;

before(async () => {
  // An empty folder: the sample comes from the extension.
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-e2e-walkthrough-ws-'));
  fs.writeFileSync(path.join(workspace, 'notes.txt'), 'my project\n');
  s = await startSession({ name: 'walkthrough', workspace });
});
after(async () => {
  await s?.stop();
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
});

const STEPS = ['Open the sample image', 'Choose features', 'Paint two classes', 'Check the uncertainty', 'Predict the workspace', 'Export'];

test('walkthrough: open the sample, features open, preview a feature, Escape returns', { timeout: 5 * 60000 }, async (t) => {
  try {
    await s.openWorkbench('notes.txt');
    await s.quickInput('F1', '>Welcome: Open Walkthrough', 'Welcome: Open Walkthrough');
    await s.quickInput(null, 'Classify pixels', 'Classify pixels in your first image');
    const page = s.page;
    await page.getByText('Classify pixels in your first image').first().waitFor({ timeout: 30000 });
    for (const step of STEPS) await page.locator('.getting-started-step .step-title', { hasText: step }).first().waitFor({ timeout: 10000 });
    // The step's markdown (media/walkthrough/openSample.md) renders in a webview beside the steps.
    await page.frameLocator('.getting-started-media iframe.webview.ready').frameLocator('#active-frame')
      .getByText('pixel-classifier-sample/').first().waitFor({ timeout: 30000 });
    await s.shot('01-walkthrough');

    // Step 1's button copies the sample into the folder and opens it in the Pixel Classifier editor.
    await page.locator('.getting-started-step', { hasText: 'Open the sample image' }).first().click();
    await page.getByRole('button', { name: 'Open Sample Image' }).click();
    const frame = await s.waitForWebviewReady('cells.tif');
    assert.ok(fs.existsSync(path.join(s.ws, 'pixel-classifier-sample', 'cells.tif')), 'the sample was copied into the folder');
    // Nothing labelled yet: the Features section is open.
    const featuresOpen = () => frame.evaluate(() => document.getElementById('section-features').open === true);
    assert.equal(await featuresOpen(), true, 'the Features section opens expanded while nothing is labelled');
    await s.shot('02-sample-opened');

    // Every step has its button; the buttons of steps 2–4 bring the editor back and show what the step is about.
    const walkthroughTab = page.locator('.tabs-container .tab', { hasText: 'Walkthrough' }).first();
    const stepButton = async (step, button) => {
      await walkthroughTab.click();
      const stepEl = page.locator('.getting-started-step', { hasText: step }).first();
      await stepEl.click();
      await page.locator('.getting-started-step.expanded', { hasText: step }).first().waitFor({ timeout: 10000 });
      const b = page.locator('.getting-started-step.expanded').getByRole('button', { name: button, exact: true });
      await b.waitFor({ timeout: 10000 });
      return b;
    };
    await (await stepButton('Choose features', 'Choose Features')).click();
    let editor = await s.waitForWebviewReady('cells.tif');
    await waitFor(() => editor.evaluate(() => document.getElementById('section-features').open === true), { timeout: 10000, what: 'the Features section after Choose Features' });
    await (await stepButton('Paint two classes', 'Paint Labels')).click();
    editor = await s.waitForWebviewReady('cells.tif');
    await waitFor(async () => (await editor.locator('#tool-brush').getAttribute('aria-pressed')) === 'true' &&
      (await editor.evaluate(() => document.getElementById('section-classes').open === true)), { timeout: 10000, what: 'the brush and the classes after Paint Labels' });
    await (await stepButton('Check the uncertainty', 'Show Uncertainty')).click();
    editor = await s.waitForWebviewReady('cells.tif');
    await waitFor(async () => (await bodyData(editor)).resultView === 'uncertainty', { timeout: 10000, what: 'the uncertainty view after Show Uncertainty' });
    await stepButton('Predict the workspace', 'Predict Workspace');
    await stepButton('Export', 'Export');
    await s.shot('02b-walkthrough-steps');
    await page.locator('.tabs-container .tab', { hasText: 'cells.tif' }).first().click();
    const frame2 = await s.waitForWebviewReady('cells.tif');
    await frame2.locator('#result-probabilities').click();

    // The eye of "Gaussian Smoothing σ=3.5" previews that feature of the visible region.
    await frame2.locator('#btn-fit').click();
    const raw = await readCanvas(frame2);
    const eye = frame2.locator('.feature-preview[data-feature="GaussianGradientMagnitude"][data-sigma="3.5"]');
    await eye.scrollIntoViewIfNeeded();
    await eye.click();
    const name = await waitFor(async () => (await bodyData(frame2)).featurePreview, { timeout: 60000, what: 'the feature preview image' });
    assert.match(name, /Gaussian Gradient Magnitude \(σ=3\.5\)/);
    const preview = await waitFor(async () => {
      const image = await readCanvas(frame2);
      return changedFraction(raw, image) > 0.2 ? image : null;
    }, { timeout: 30000, what: 'the canvas to show the feature instead of the raw image' });
    t.diagnostic(`preview "${name}": ${(100 * changedFraction(raw, preview)).toFixed(0)}% of the canvas differs from the raw image`);
    assert.match(await frame2.locator('#status-preview').textContent(), /Esc returns to the image/);
    assert.equal((await bodyData(frame2)).layers.split(',')[0], 'feature', 'the feature is the displayed layer');
    await s.shot('03-feature-preview');

    // Escape (focus in the editor) returns to the raw image.
    await frame2.locator('#image-canvas').focus();
    await page.keyboard.press('Escape');
    await waitFor(async () => (await bodyData(frame2)).featurePreview === undefined, { timeout: 10000, what: 'the preview to end after Escape' });
    const back = await waitFor(async () => {
      const image = await readCanvas(frame2);
      return changedFraction(raw, image) < 0.01 ? image : null;
    }, { timeout: 10000, what: 'the raw image back on the canvas' });
    assert.ok(back);
    await s.shot('04-escape-raw');
    assert.deepEqual(s.extensionErrors(), [], 'no console errors from the extension or its webview');
  } catch (e) {
    await s.shot('failure').catch(() => {});
    console.log('--- code-server log tail ---\n' + s.tailServerLog());
    throw e;
  }
});
