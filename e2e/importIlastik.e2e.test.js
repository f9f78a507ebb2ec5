// E2E (issue 17): "Pixel Classifier: Import ilastik Project…" in a real VS Code. A generated ilastik Pixel
// Classification project (cells.ilp, written with h5wasm in ilastik's layout: one lane = cells.tif, two classes,
// label blocks of both) is picked through VS Code's file dialog; the import writes cells.pixelclass.json, opens
// cells.tif in the Pixel Classifier editor with the imported labels and class names, and painting adds to them.
// Run: bash e2e/run.sh e2e/importIlastik.e2e.test.js
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startSession, waitFor, REPO } = require('./helpers/session');
const { bodyData } = require('./helpers/canvas');
const { canvasMapper, strokeCanvas } = require('./helpers/pointer');

let s;
const FEATURE_IDS = ['GaussianSmoothing', 'LaplacianOfGaussian', 'GaussianGradientMagnitude', 'DifferenceOfGaussians', 'StructureTensorEigenvalues', 'HessianOfGaussianEigenvalues'];

/** Writes cells.ilp: lane 0 = cells.tif (y, x, c), classes "Nucleus" and "Background", two label blocks (300 px). */
async function writeIlp(file) {
  const h5wasm = (await import('h5wasm/node')).default;
  await h5wasm.ready;
  const f = new h5wasm.File(file, 'w');
  const tags = (keys) => JSON.stringify({ axes: [...keys].map((key) => ({ key, typeFlags: key === 'c' ? 1 : 2, resolution: 0, description: '' })) });
  try {
    f.create_dataset({ name: 'workflowName', data: 'Pixel Classification' });
    f.create_dataset({ name: 'ilastikVersion', data: '1.4.0' });
    f.create_group('FeatureSelections');
    f.create_dataset({ name: 'FeatureSelections/FeatureIds', data: FEATURE_IDS });
    f.create_dataset({ name: 'FeatureSelections/Scales', data: new Float64Array([0.7, 1.6, 3.5]) });
    f.create_dataset({ name: 'FeatureSelections/SelectionMatrix', data: new Uint8Array(18).fill(1), shape: [6, 3] });
    f.create_group('Input Data');
    f.create_group('Input Data/infos');
    f.create_group('Input Data/infos/lane0000');
    f.create_group('Input Data/infos/lane0000/Raw Data');
    f.create_dataset({ name: 'Input Data/infos/lane0000/Raw Data/location', data: 'FileSystem' });
    f.create_dataset({ name: 'Input Data/infos/lane0000/Raw Data/filePath', data: 'cells.tif' });
    f.create_dataset({ name: 'Input Data/infos/lane0000/Raw Data/nickname', data: 'cells' });
    f.create_dataset({ name: 'Input Data/infos/lane0000/Raw Data/axistags', data: tags('yxc') });
    f.create_group('PixelClassification');
    f.create_dataset({ name: 'PixelClassification/LabelNames', data: ['Nucleus', 'Background'] });
    f.create_dataset({ name: 'PixelClassification/LabelColors', data: new BigInt64Array([255n, 0n, 0n, 0n, 200n, 0n]), shape: [2, 3] });
    f.create_group('PixelClassification/LabelSets');
    f.create_group('PixelClassification/LabelSets/labels000');
    const blocks = [[100, 100, 1], [20, 20, 2]];
    blocks.forEach(([row, col, value], i) => {
      const name = `PixelClassification/LabelSets/labels000/block000${i}`;
      f.create_dataset({ name, data: new Uint8Array(10 * 15).fill(value), shape: [10, 15, 1] });
      f.get(name).create_attribute('blockSlice', `[${row}:${row + 10},${col}:${col + 15},0:1]`);
    });
  } finally {
    f.close();
  }
}

/** Writes two.h5 with two 2D uint16 datasets, /raw and /smoothed (ilastik axistags y, x). */
async function writeTwoDatasets(file) {
  const h5wasm = (await import('h5wasm/node')).default;
  await h5wasm.ready;
  const f = new h5wasm.File(file, 'w');
  try {
    for (const [name, offset] of [['raw', 0], ['smoothed', 1000]]) {
      f.create_dataset({ name, data: Uint16Array.from({ length: 64 * 48 }, (_, i) => offset + (i % 64) * 20), shape: [48, 64], chunks: [16, 64], compression: 'gzip' });
      f.get(name).create_attribute('axistags', JSON.stringify({ axes: [{ key: 'y', typeFlags: 2 }, { key: 'x', typeFlags: 2 }] }));
    }
  } finally {
    f.close();
  }
}

before(async () => {
  s = await startSession({ name: 'import-ilastik', workspace: path.join(REPO, 'sample'), settings: { 'pixelClassifier.liveUpdate': false } });
  await writeIlp(path.join(s.ws, 'cells.ilp'));
  await writeTwoDatasets(path.join(s.ws, 'two.h5'));
});
after(async () => { await s?.stop(); });

test('import an ilastik project through the command and paint on it', { timeout: 8 * 60000 }, async (t) => {
  try {
    await s.openWorkbench('cells.tif');
    // Contributed commands reach the palette once the workbench has scanned the extensions: retry until listed.
    await waitFor(async () => {
      try {
        await s.quickInput('F1', '>Pixel Classifier: Import ilastik Project', 'Import ilastik Project', { rowTimeout: 5000 });
        return true;
      } catch {
        await s.page.keyboard.press('Escape');
        return false;
      }
    }, { timeout: 90000, interval: 1000, what: 'the Import ilastik Project command in the palette' });
    // VS Code's own file dialog in the browser: a quick input holding a path; type the .ilp's path, Enter.
    const input = s.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 20000 });
    await input.fill(path.join(s.ws, 'cells.ilp'));
    await s.shot('01-file-dialog');
    await s.page.keyboard.press('Enter');
    // The import writes the project and opens the image with its labels.
    const projectFile = path.join(s.ws, 'cells.pixelclass.json');
    await waitFor(() => fs.existsSync(projectFile), { timeout: 60000, what: 'cells.pixelclass.json' });
    const project = JSON.parse(fs.readFileSync(projectFile, 'utf8'));
    assert.deepEqual(project.classes.map((c) => c.name), ['Nucleus', 'Background']);
    await s.page.locator('.tabs-container .tab', { hasText: 'cells.tif' }).first().waitFor({ timeout: 60000 });
    const frame = await waitFor(async () => {
      const f = await s.webviewFrame();
      return (await f.evaluate(() => document.body.dataset.ready === 'true')) ? f : null;
    }, { timeout: 90000, what: 'the editor of cells.tif' });
    const imported = await waitFor(async () => { const n = Number((await bodyData(frame)).labelCount); return n === 300 ? n : null; },
      { timeout: 30000, what: 'the 300 imported labelled pixels' });
    const names = await frame.locator('.class-row').allTextContents();
    t.diagnostic(`classes in the editor: ${JSON.stringify(names)}`);
    assert.ok(names[0].includes('Nucleus') && names[1].includes('Background'), 'the imported class names are shown');
    await s.shot('02-imported');
    // Paint on the imported project: the count grows and the summary toast told what happened.
    await frame.locator('#tool-brush').click();
    await frame.locator('.class-row[data-class-id="1"]').click();
    const m = await canvasMapper(s, frame);
    await strokeCanvas(s, frame, [[m.width * 0.6, m.height * 0.6], [m.width * 0.75, m.height * 0.62]]);
    await waitFor(async () => Number((await bodyData(frame)).labelCount) > imported, { timeout: 30000, what: 'more labels after painting' });
    const toast = await s.page.locator('.notification-toast .notification-list-item-message').allTextContents();
    t.diagnostic(`notifications: ${JSON.stringify(toast)}`);
    assert.ok(toast.some((x) => /Imported cells\.ilp as cells\.pixelclass\.json: 2 classes, 1 image/.test(x)), 'one summary of the import');
    await s.shot('03-painted');
    assert.deepEqual(s.extensionErrors(), [], 'no console errors from the extension or its webview');
  } catch (e) {
    await s.shot('failure').catch(() => {});
    console.log('--- code-server log tail ---\n' + s.tailServerLog());
    throw e;
  }
});

test('an HDF5 file with two images opens in the editor after choosing one', { timeout: 4 * 60000 }, async (t) => {
  try {
    await s.page.locator('.tabs-container .tab').first().click(); // keyboard focus on the workbench
    await s.quickInput('Control+P', 'two.h5', 'two.h5');
    const row = s.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'smoothed' }).first();
    await row.waitFor({ state: 'visible', timeout: 60000 });
    await s.shot('04-hdf5-dataset-choice');
    await row.click();
    const frame = await waitFor(async () => {
      const f = await s.webviewFrame();
      return (await f.evaluate(() => document.body.dataset.ready === 'true' && document.title)) === 'two.h5/smoothed' ? f : null;
    }, { timeout: 90000, what: 'the editor of two.h5/smoothed' });
    const status = await frame.locator('#status-project').textContent();
    t.diagnostic(`project of two.h5/smoothed: ${status}`);
    assert.equal(status, 'two_smoothed.pixelclass.json');
    await s.shot('05-hdf5-opened');
    assert.equal(await frame.locator('#error-banner').isVisible(), false, 'no error banner');
  } catch (e) {
    await s.shot('failure-hdf5').catch(() => {});
    console.log('--- code-server log tail ---\n' + s.tailServerLog());
    throw e;
  }
});
